"""Drift against Prism serving our own spec: it must see what the suite's schema check sees.

Prism answers with the spec's placeholder examples (ids "string", timestamps "string"), which
break the spec's own patterns. Drift reports those keyword by keyword, and on every operation
that both drift and a suite run observed, drift has findings exactly where the suite has
response schema failures.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from drift_helpers import SEED, drift_args

from conformance.commands.drift import run_drift
from conformance.commands.options import settings_from
from conformance.config.settings import MOCK_MERCHANT_A
from conformance.drift.analyse import DriftReport
from spec import SPEC_PATH, load_spec
from tests.support.summary_schema import read_summary

pytestmark = pytest.mark.long  # a whole suite run through Prism: minutes
SCHEMA_CHECK = "response_schema_conformance"
TOKEN = "prism-accepts-any-bearer"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def prism_url(repo_root: Path) -> Iterator[str]:
    prism = repo_root / "node_modules" / ".bin" / "prism"
    assert prism.exists(), "Prism is not installed: run `npm ci`"
    port = free_port()
    process = subprocess.Popen(
        [str(prism), "mock", str(SPEC_PATH), "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=repo_root,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(f"{url}/v1/orders", timeout=2)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "Prism did not start within 90 s"
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def prism_report(prism_url: str) -> DriftReport:
    args = drift_args()
    args.token, args.merchant_id = TOKEN, MOCK_MERCHANT_A.merchant_id
    args.base_url = prism_url
    return run_drift(settings_from(args), max_examples=1, echo=lambda _: None)


def observed(report: DriftReport) -> set[str]:
    return set(report.statuses)


def test_drift_reports_the_id_and_timestamp_patterns(prism_report: DriftReport):
    spec = load_spec()
    patterns = {(f.location, f.name) for f in prism_report.findings if f.kind == "pattern"}
    object_id = spec.document["components"]["schemas"]["ObjectId"]["pattern"]
    timestamp = spec.document["components"]["schemas"]["Timestamp"]["pattern"]
    assert ("#/components/schemas/ObjectId", object_id) in patterns
    assert ("#/components/schemas/Timestamp", timestamp) in patterns
    # an element with a finding is never "confirmed", nor one whose values held a broken one
    assert not {f.element for f in prism_report.findings} & set(prism_report.confirmed)
    for envelope in ("ListOrdersResponse", "SearchOrdersResponse"):
        assert f"#/components/schemas/{envelope}" not in prism_report.confirmed


def test_refused_setups_name_the_operation_that_refused_them(prism_report: DriftReport):
    # Prism creates every order as "string", and its own validation refuses reading it back.
    assert prism_report.unprepared
    assert {u["blocked_by"] for u in prism_report.unprepared} == {"getOrderById"}


def test_drift_agrees_with_the_suite_on_every_operation_both_observed(
    prism_url: str, prism_report: DriftReport, tmp_path: Path
):
    reports = tmp_path / "run"
    command = [
        sys.executable,
        "-m",
        "conformance.cli",
        "run",
        "--base-url",
        prism_url,
        "--profile",
        "smoke",
        "--seed",
        str(SEED),
        "--reports-dir",
        str(reports),
    ]
    for operation_id in sorted(observed(prism_report)):
        command += ["--include", operation_id]
    env = {
        **os.environ,
        "ORDERMESH_TOKEN": TOKEN,
        "ORDERMESH_MERCHANT_ID": str(MOCK_MERCHANT_A.merchant_id),
    }
    subprocess.run(command, env=env, capture_output=True, timeout=600, check=False)
    summary = read_summary(reports)
    suite_observed = {op for op, entry in summary["operations"].items() if entry.get("cases")}
    both = observed(prism_report) & suite_observed
    # One violation is one failure; the other operations that showed it are in `seen_at`.
    suite_failing = {
        place
        for f in summary["failures"]
        if f["check"] == SCHEMA_CHECK
        for place in [f["operation"], *f.get("seen_at", {})]
    }
    drift_failing = {
        op for f in prism_report.findings if f.kind != "undocumented-field" for op in f.operations
    }
    assert both, "no operation observed by both"
    assert suite_failing & both == drift_failing & both
    assert suite_failing & both  # Prism's examples do break the schema somewhere
    # and on the same pattern, where the suite names one ("... does not match "<pattern>"")
    patterns = 0
    for failure in summary["failures"]:
        named = re.search(r'does not match "(.+?)"\n', failure["message"])
        if failure["check"] == SCHEMA_CHECK and failure["operation"] in both and named:
            patterns += 1
            operation = failure["operation"]
            found = {(f.kind, f.name) for f in prism_report.findings if operation in f.operations}
            assert ("pattern", named.group(1)) in found, failure["message"]
    assert patterns
