"""The HTML report, opened in headless Chromium, shows the totals the run counted.

Three independent counts must agree: what the page renders (Allure 3's single-file report),
what pytest counted (summary.json `totals.tests`, from junit.xml) and what allure-pytest wrote
(one result file per test). Allure splits pytest's failures into `failed` (a check failed) and
`broken` (any other error), so those two are compared as one number.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.e2e.conftest import open_report_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSING_RUN = ("--include", "createOrder", "--include", "getOrderById", "--include", "listNotes")
# createOrder answers 200 instead of 201: Schemathesis' status-code check must fail it.
FAULTY_RUN = ("--fault", "create-order-200", "--include", "createOrder", "--include", "listNotes")
STATUSES = ("total", "passed", "failed", "broken", "skipped")


def shown_totals(browser, report: Path) -> dict[str, int]:
    """The counters at the top of the report page; Allure leaves out the zero ones."""
    context = browser.new_context()
    try:
        page = open_report_page(context, report)
        shown = {}
        for status in STATUSES:
            value = page.locator(
                f'[data-testid="metadata-item-{status}"] [data-testid="metadata-value"]'
            )
            shown[status] = int(value.inner_text()) if value.count() else 0
        return shown
    finally:
        context.close()


@pytest.fixture(scope="module", params=["passing", "faulty"])
def finished_run(request, conformance_cli, tmp_path_factory):
    args = PASSING_RUN if request.param == "passing" else FAULTY_RUN
    reports = tmp_path_factory.mktemp(f"report-{request.param}")
    finished = conformance_cli("run", "--profile", "smoke", "--seed", "7", *args, reports=reports)
    expected_exit = 0 if request.param == "passing" else 1
    assert finished.returncode == expected_exit, finished.output
    assert (reports / "allure-report" / "index.html").is_file(), finished.output
    return request.param, finished


def test_page_totals_match_summary_and_results(finished_run, browser):
    kind, finished = finished_run
    tests = finished.summary["totals"]["tests"]
    shown = shown_totals(browser, finished.reports / "allure-report" / "index.html")
    written = Counter(finished.result_statuses())

    # Contract findings no test failed on are results of their own (findings_results.py).
    findings = finished.summary["totals"].get("contract_findings", 0)
    assert tests["total"] >= len(finished.summary["selection"]["include"])  # + lifecycle tests
    assert shown["total"] == tests["total"] + findings == sum(written.values())
    assert shown["passed"] == tests["passed"] == written["passed"]
    assert shown["failed"] + shown["broken"] == tests["failed"] + tests["errors"] + findings
    assert shown["failed"] == written["failed"] and shown["broken"] == written["broken"]
    assert shown["skipped"] == tests["skipped"] == written["skipped"]
    assert shown == {status: finished.allure_stats.get(status, 0) for status in STATUSES}
    if kind == "faulty":
        assert shown["failed"] >= 1
        assert finished.summary["operations"]["createOrder"]["failures"] >= 1
        assert not finished.summary["passed"]
    else:
        assert shown["passed"] == shown["total"] and finished.summary["passed"]
