"""The Allure HTML report: the early-started build, its fallback, and a machine without Node."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import pytest

from conformance.config.settings import MOCK_MERCHANT_A
from conformance.reporting import allure_report
from conformance.reporting.allure_report import NO_NODE, HtmlReport, build_html, report_totals
from tests.support.cli import TOKEN

STATUSES = ("passed", "passed", "failed", "broken", "skipped")


@pytest.fixture
def results(tmp_path) -> Path:
    """Five Allure results, one of each status the totals count (passed twice)."""
    directory = tmp_path / "allure-results"
    directory.mkdir()
    for n, status in enumerate(STATUSES):
        result = {
            "uuid": str(uuid.uuid4()),
            "historyId": f"h{n}",
            "name": f"case {n}",
            "fullName": f"tests.case_{n}",
            "status": status,
            "start": 1000 * n,
            "stop": 1000 * n + 5,
            "labels": [{"name": "suite", "value": "report"}],
        }
        (directory / f"{result['uuid']}-result.json").write_text(json.dumps(result))
    return directory


EXPECTED = {"total": 5, "passed": 2, "failed": 1, "broken": 1, "skipped": 1}


def test_the_early_started_build_reports_the_results_written_after_it_started(tmp_path, results):
    late = results.parent / "late-results"
    report = HtmlReport(late, tmp_path / "report", "early").start()
    assert report.process is not None  # this checkout has node_modules: the early path is taken
    results.rename(late)  # the results appear while Node is already loading Allure
    assert report.finish() is None
    assert (tmp_path / "report" / "index.html").stat().st_size > 0
    assert report_totals(tmp_path / "report") == EXPECTED


def test_the_allure_cli_fallback_builds_the_same_totals(tmp_path, results, monkeypatch):
    monkeypatch.setattr(allure_report, "package_dir", lambda package: None)  # only the CLI
    report = HtmlReport(results, tmp_path / "report", "fallback").start()
    assert report.process is None
    assert report.finish() is None
    assert report_totals(tmp_path / "report") == EXPECTED


def test_a_cancelled_build_writes_no_report(tmp_path, results):
    report = HtmlReport(results, tmp_path / "report", "cancelled").start()
    report.cancel()
    assert report.process is not None and report.process.returncode == 0
    assert not (tmp_path / "report").exists()


def test_without_node_one_line_says_so(tmp_path, results, monkeypatch):
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))  # no node, no npx
    problem = build_html(results, tmp_path / "report", "no node")
    assert problem is not None and "Node.js is not installed" in problem
    assert problem.endswith(NO_NODE)
    assert len(list(results.iterdir())) == len(STATUSES)  # the results are left as they were


def test_a_run_without_node_keeps_its_results_and_says_why(run_cli, mock_with_secrets):
    env = {"ORDERMESH_TOKEN": TOKEN, "PATH": str(Path(sys.executable).parent)}
    result = run_cli(
        "run",
        "--base-url",
        mock_with_secrets,
        "--merchant-id",
        MOCK_MERCHANT_A.merchant_id,
        "--profile",
        "smoke",
        "--include",
        "getOrderById",
        env=env,
    )
    assert result.code == 0, result.stdout + result.stderr
    assert [line for line in result.stdout.splitlines() if line.endswith(NO_NODE)]
    assert any(result.reports.glob("allure-results/*-result.json"))
    assert (result.reports / "summary.json").exists()
    assert not (result.reports / "allure-report").exists()
