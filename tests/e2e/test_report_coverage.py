"""coverage.html, opened in headless Chromium: it opens on what the run did not cover, shows
the counts summary.json has, and the Allure report and summary.md link to it."""

from __future__ import annotations

import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NARROW_RUN = ("--include", "createOrder", "--include", "getOrderById", "--suite", "properties")


@pytest.fixture(scope="module")
def finished(conformance_cli, tmp_path_factory):
    reports = tmp_path_factory.mktemp("coverage-page")
    done = conformance_cli("run", "--profile", "smoke", "--seed", "7", *NARROW_RUN, reports=reports)
    assert done.returncode == 0, done.output
    assert (reports / "coverage.html").is_file(), done.output
    return done


def test_the_page_opens_on_what_was_not_covered(finished, browser):
    coverage = finished.summary["coverage"]
    uncovered = sum(1 for e in coverage["elements"] if e["status"] == "uncovered")
    assert uncovered, "a narrowed run leaves elements uncovered"
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.route("http*://**/*", lambda route: route.abort())  # one self-contained file
    try:
        page = context.new_page()
        page.goto((finished.reports / "coverage.html").resolve().as_uri())
        first_row = page.locator("tr.element").first
        assert "uncovered" in (first_row.get_attribute("class") or "").split()
        assert first_row.is_visible() and first_row.bounding_box()["y"] < 800  # no scrolling
        heading = page.locator("section").first
        assert heading.get_attribute("id") == "uncovered"
        assert f": {uncovered}" in heading.locator("h2").inner_text()
        assert page.locator("section#uncovered tr.element.uncovered").count() == uncovered
        red = page.locator("tr.uncovered td").first.evaluate(
            "cell => getComputedStyle(cell).borderLeftColor"
        )
        assert red == "rgb(198, 40, 40)"
        assert page.locator("#criteria tr").count() == len(coverage["level"]["criteria"]) + 1
    finally:
        context.close()


def test_the_allure_overview_and_summary_md_link_the_page(finished):
    config = json.loads((finished.reports / "allurerc.json").read_text(encoding="utf-8"))
    attached = [path.rsplit("/", 1)[-1] for path in config["globalAttachments"]]
    assert "coverage.html" in attached
    markdown = (finished.reports / "summary.md").read_text(encoding="utf-8")
    assert "[coverage.html](coverage.html)" in markdown
    assert finished.summary["coverage"]["level"]["name"] in markdown
