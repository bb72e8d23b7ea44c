"""The report files a contradicted inference where summary.json does, in a real browser.

A run against a mock whose shipments carry their (inferred) status as a string: the Categories
filter of the HTML report offers "spec inference contradicted", and nothing falls back to
Allure's default "Product errors", for the failed tests and the contract finding alike.
"""

from __future__ import annotations

import pytest

from conformance.failures.categories import CONTRADICTED
from tests.e2e.conftest import open_report_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RUN = ("--fault", "shipment-status-as-string", "--include", "createShipment")


def test_a_contradicted_inference_is_its_own_category_in_the_report(
    conformance_cli, browser, tmp_path
):
    finished = conformance_cli("run", "--profile", "smoke", "--seed", "7", *RUN, reports=tmp_path)
    assert finished.returncode == 1, finished.output
    assert {f["category"] for f in finished.summary["failures"]} == {CONTRADICTED}
    context = browser.new_context()
    try:
        page = open_report_page(context, tmp_path / "allure-report" / "index.html")
        page.get_by_text("Categories", exact=True).first.click()
        offered = page.locator("body").inner_text()
    finally:
        context.close()
    assert CONTRADICTED in offered
    assert "Product errors" not in offered
