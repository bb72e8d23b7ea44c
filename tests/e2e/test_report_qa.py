"""What a QA team reads before a release, checked in headless Chromium on two real runs that
share one history file: a passing run, then the same selection with a seeded fault.

- Categories tab: our categories (label-matched), each with the count of results Allure filed
  under it, recomputed here from the raw allure-pytest results.
- The tree: top level exactly the docs' sections of the operations run (plus the scenario
  epics), then sidebar titles, then operationIds; failure titles name check and operation.
- History: the second report's "Status dynamics" chart has two points, the first all passed;
  summary.json lists the failures new since the passing run.
- lifecycle.svg: on the report's overview, and coloured exactly as summary.json's coverage.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from conformance.failures.categories import CATEGORIES, CATEGORY_LABEL
from conformance.reporting.allure_steps import LIFECYCLE_EPIC, LINKS_EPIC, docs_sections
from tests.e2e.conftest import open_report_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OPERATIONS = ("createOrder", "getOrderById", "listNotes")
SELECTION = tuple(arg for op in OPERATIONS for arg in ("--include", op))
FAULT = ("--fault", "create-order-200")  # createOrder answers 200: an undocumented status
RENDER_TIMEOUT = 60_000  # ms; the single-file report unpacks itself in the page


@pytest.fixture(scope="module")
def runs(conformance_cli, tmp_path_factory):
    """(passing run, faulty run), the second with the first one in its history."""
    history = tmp_path_factory.mktemp("history") / "history.jsonl"
    common = ("run", "--profile", "smoke", "--seed", "7", *SELECTION, "--history", str(history))
    passing = conformance_cli(*common, reports=tmp_path_factory.mktemp("passing"))
    assert passing.returncode == 0, passing.output
    faulty = conformance_cli(*common, *FAULT, reports=tmp_path_factory.mktemp("faulty"))
    assert faulty.returncode == 1, faulty.output
    assert len(history.read_text(encoding="utf-8").splitlines()) == 2
    return passing, faulty


@pytest.fixture
def open_report(browser):
    contexts = []

    def opened(finished):
        context = browser.new_context(viewport={"width": 1500, "height": 1100})
        contexts.append(context)
        return open_report_page(
            context, finished.reports / "allure-report" / "index.html", RENDER_TIMEOUT
        )

    yield opened
    for context in contexts:
        context.close()


def results(finished) -> list[dict]:
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in (finished.reports / "allure-results").glob("*-result.json")
    ]


def expected_categories(finished) -> Counter:
    """Allure files a result under the first category (config order) whose label matches."""
    order = [name for name, _, _ in CATEGORIES]
    counts: Counter = Counter()
    for result in results(finished):
        if result["status"] not in ("failed", "broken"):
            continue
        labels = {lb["value"] for lb in result["labels"] if lb["name"] == CATEGORY_LABEL}
        counts[next((name for name in order if name in labels), "(no category)")] += 1
    return counts


def test_categories_tab_lists_our_categories_with_their_counts(runs, open_report):
    _, faulty = runs
    page = open_report(faulty)
    page.locator('[data-testid="nav-tab-categories"]').click()
    rows = page.locator('[data-testid="tree-section"][data-tree-header="true"]')
    rows.first.wait_for(timeout=RENDER_TIMEOUT)
    shown = Counter()
    for row in rows.all():
        name = row.locator('[data-testid="tree-section-title"]').inner_text().strip()
        counts = row.locator('[class*="tree-status-bar-item"]').all_inner_texts()
        shown[name] = sum(int(c) for c in counts)
    page.screenshot(path=str(faulty.reports / "categories.png"))
    assert shown == expected_categories(faulty)
    assert shown["undocumented status"] >= 1  # the seeded fault's own category
    assert set(shown) <= {name for name, _, _ in CATEGORIES}
    assert set(shown) <= {f["category"] for f in faulty.summary["failures"]}


def tree_titles(page, root) -> list[str]:
    """Titles of the sections directly under one tree level (not deeper)."""
    return root.evaluate(
        """root => [...root.querySelectorAll('[data-testid="tree-section-title"]')]
            .filter(t => t.closest('[data-testid="tree-content"]') === root)
            .map(t => t.innerText.trim())"""
    )


def section_title(page, text: str):
    """A tree section by its whole title (the scenario "notes" is not the section "Notes")."""
    exact = re.compile(f"^{re.escape(text)}$")
    return page.locator('[data-testid="tree-section-title"]', has_text=exact).first


def test_the_tree_follows_the_docs_sections(runs, open_report, spec):
    _, faulty = runs
    page = open_report(faulty)
    root = page.locator('[data-testid="tree-content"]').first
    sections = docs_sections(spec)
    ran = [spec.operation(op) for op in OPERATIONS]
    assert sorted(tree_titles(page, root.element_handle())) == sorted(
        {sections[op.tag] for op in ran} | {LIFECYCLE_EPIC, LINKS_EPIC}
    )
    for op in ran:  # section > sidebar title > operationId, opening collapsed levels
        for parent, child in ((sections[op.tag], op.docs_title), (op.docs_title, op.operation_id)):
            shown = section_title(page, child)
            if not shown.is_visible():
                section_title(page, parent).click()
            shown.wait_for(timeout=RENDER_TIMEOUT)
    titles = page.locator('[data-testid="tree-leaf-title"]').all_inner_texts()
    failed = [t for t in titles if t.endswith("(POST /v1/orders)")]
    assert failed and all("createOrder" in t and "status_code_conformance" in t for t in failed)
    assert not [t for t in titles if "test_" in t or ".py" in t]  # no Python layout


def test_two_runs_make_a_two_point_trend_and_name_new_failures(runs, open_report):
    passing, faulty = runs
    new = faulty.summary["new_failures"]
    assert {e["story"] for e in new} >= {"createOrder"}
    assert all(e["previous_status"] == "passed" for e in new)
    assert faulty.summary["fixed_since_last"] == []
    assert passing.summary["new_failures"] == [] and passing.summary["previous_run"] is None
    markdown = (faulty.reports / "summary.md").read_text(encoding="utf-8")
    assert f"New since the previous run: {len(new)}" in markdown

    page = open_report(faulty)
    # Allure marks each new failure in the tree: passed -> failed "regressed", -> broken
    # "malfunctioned".
    marks = page.locator(
        '[data-testid="tree-leaf-transition-regressed"],'
        ' [data-testid="tree-leaf-transition-malfunctioned"]'
    )
    assert marks.count() == len(new)
    page.get_by_text("Report", exact=True).first.click()  # the section menu, top left
    page.get_by_text("Graphs", exact=True).click()
    widget = page.locator("[data-drop-shadow]", has_text="Status dynamics").first
    groups = widget.locator('[data-testid="group"]')
    groups.first.wait_for(timeout=RENDER_TIMEOUT)
    page.screenshot(path=str(faulty.reports / "trend.png"))
    bars = [
        set(group.locator('[data-testid="bar"]').evaluate_all("bs => bs.map(b => b.dataset.id)"))
        for group in groups.all()
    ]
    assert len(bars) == 2
    assert bars[0] == {"passed"}  # the passing run
    assert "failed" in bars[1]


SVG = "{http://www.w3.org/2000/svg}"


def picture(path: Path) -> dict[str, set[str]]:
    """Status class -> element ids (state:…, transition:…, refusal:rule:state) of lifecycle.svg."""
    found: dict[str, set[str]] = {"covered": set(), "failed": set(), "unreached": set()}
    for g in ET.parse(path).getroot().iter(f"{SVG}g"):
        for status in set(g.get("class", "").split()) & set(found):
            found[status].add(g.get("id"))
    return found


@pytest.mark.parametrize("which", [0, 1], ids=["passing", "faulty"])
def test_lifecycle_svg_shows_the_runs_coverage(runs, which, open_report):
    finished = runs[which]
    coverage = finished.summary["lifecycle"]
    shown = picture(finished.reports / "lifecycle.svg")
    drawn = shown["covered"] | shown["failed"]
    assert {i.split(":", 1)[1] for i in drawn if i.startswith("state:")} == set(coverage["states"])
    transitions = {i.split(":", 1)[1] for i in drawn if i.startswith("transition:")}
    assert transitions == set(coverage["transitions"])
    refusals = {i.split(":")[1] for i in drawn if i.startswith("refusal:")}
    assert refusals == set(coverage["refusals"])
    failed = {i.split(":")[1] for i in shown["failed"]}
    assert failed == set(coverage["failed"]) & (transitions | refusals)
    assert len(coverage["states"]) == coverage["states_covered"]
    page = open_report(finished)
    page.locator('[data-testid="nav-tab-globalAttachments"]').click()
    assert page.get_by_text("lifecycle.svg").first.is_visible()
