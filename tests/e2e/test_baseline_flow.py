"""The baseline end to end, against `ordermesh-conformance mock --fault ...` started separately, as
a team adopting it would: record, rerun (green), a new fault (red), update, and a fault fixed."""

from __future__ import annotations

import json

import pytest
from e2e_targets import STATIC_TOKEN, MockProcess, run_conformance

from conformance.config.settings import MOCK_MERCHANT_A
from conformance.exit_codes import Exit
from tests.support.summary_schema import read_summary

pytestmark = pytest.mark.slow

FIRST, SECOND = "create-order-200", "order-missing-status"  # createOrder's, getOrderById's
SELECTION = ("--include", "createOrder", "--include", "getOrderById", "--suite", "properties")
ENV = {"ORDERMESH_TOKEN": STATIC_TOKEN, "ORDERMESH_MERCHANT_ID": MOCK_MERCHANT_A.merchant_id or ""}


def run_against(mock: MockProcess, baseline, reports, *extra: str):
    args = ("--base-url", mock.base_url, "--profile", "smoke", "--seed", "5", *SELECTION)
    return run_conformance(*args, "--baseline", str(baseline), *extra, reports=reports, env=ENV)


def section(reports) -> dict:
    return read_summary(reports)["baseline"]


def operations(entries: list[dict]) -> list[str]:
    return sorted(e["operation"] for e in entries)


def test_record_rerun_new_update_fixed(tmp_path):
    baseline, reports = tmp_path / "baseline.json", tmp_path / "reports"
    mocks = [MockProcess(STATIC_TOKEN, faults) for faults in ((FIRST,), (FIRST, SECOND), (SECOND,))]
    try:
        first, both, second = mocks
        recorded = run_against(first, baseline, reports)  # no file yet: recorded, still red
        assert recorded.returncode == Exit.FAILURES, recorded.stdout + recorded.stderr
        assert operations(section(reports)["new"]) == ["createOrder"]
        assert len(json.loads(baseline.read_text())["entries"]) == 1

        rerun = run_against(first, baseline, reports)
        assert rerun.returncode == Exit.OK, rerun.stdout + rerun.stderr
        assert operations(section(reports)["known"]) == ["createOrder"]
        assert "[known " in rerun.stdout

        worse = run_against(both, baseline, reports)
        assert worse.returncode == Exit.FAILURES, worse.stdout + worse.stderr
        assert operations(section(reports)["new"]) == ["getOrderById"]

        updated = run_against(both, baseline, reports, "--baseline-update")
        assert section(reports)["recorded"] == 1, updated.stdout + updated.stderr
        assert run_against(both, baseline, reports).returncode == Exit.OK

        fixed = run_against(second, baseline, reports)
        assert fixed.returncode == Exit.OK, fixed.stdout + fixed.stderr
        assert operations(section(reports)["fixed"]) == ["createOrder"]
        assert operations(section(reports)["known"]) == ["getOrderById"]
        assert "[fixed " in fixed.stdout
        assert "Baseline" in (reports / "summary.md").read_text(encoding="utf-8")
    finally:
        for mock in mocks:
            mock.kill()
