"""The pieces of the QA report that need no run: categories as label matchers, the docs'
sections, what changed since the last run, summary.md, the lifecycle picture and progress lines."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance.failures.categories import CATEGORIES, CATEGORY_LABEL, allure_categories
from conformance.reporting import lifecycle_diagram
from conformance.reporting.allure_steps import docs_sections
from conformance.reporting.history import changes_since_last
from conformance.reporting.markdown import render_markdown, reproduction_line
from conformance.reporting.progress import Progress

SVG = "{http://www.w3.org/2000/svg}"


def test_every_category_is_an_exact_label_matcher():
    config = allure_categories()
    assert [c["name"] for c in config] == [name for name, _, _ in CATEGORIES]
    for rule in config:
        pattern = re.compile(rule["matchers"]["labels"][CATEGORY_LABEL])
        assert pattern.search(rule["name"])
        others = [name for name, _, _ in CATEGORIES if name != rule["name"]]
        assert not any(pattern.search(name) for name in others), rule["name"]
        assert rule["matchers"]["statuses"] == ["failed", "broken"]


def test_docs_sections_come_from_the_spec_tags(spec):
    sections = docs_sections(spec)
    assert set(sections) == {op.tag for op in spec.operations}
    assert sections["OrderItems"] == "Order Items"  # x-displayName wins over the tag name
    assert sections["Orders"] == "Orders"


def point(**statuses: str) -> dict:
    return {
        "timestamp": len(statuses),
        "testResults": {
            key: {
                "name": key,
                "status": status,
                "labels": [{"name": "epic", "value": "Orders"}, {"name": "story", "value": key}],
            }
            for key, status in statuses.items()
        },
    }


def test_changes_since_last_run():
    before = point(a="passed", b="failed", c="broken", d="passed")
    now = point(a="failed", b="failed", c="passed", d="passed", e="broken")
    changes = changes_since_last([before, now])
    assert [e["story"] for e in changes["new_failures"]] == ["a", "e"]  # e did not run before
    assert [e["previous_status"] for e in changes["new_failures"]] == ["passed", None]
    assert [e["story"] for e in changes["fixed_since_last"]] == ["c"]
    first = changes_since_last([now])
    assert first == {"previous_run": None, "new_failures": [], "fixed_since_last": []}


def summary_with(failures: list[dict], new: list[dict] | None) -> dict:
    life = {
        "states_covered": 1,
        "states_total": 14,
        "transitions_covered": 1,
        "transitions_total": 32,
        "failed": [],
    }
    return {
        "passed": not failures,
        "seed": 3,
        "profile": "smoke",
        "target": None,
        "spec_version": "1",
        "duration_seconds": 1.0,
        "error": None,
        "totals": {"cases": 5, "failures": len(failures)},
        "lifecycle": life,
        "operations": {
            "createOrder": {"tested": True, "cases": 3, "failures": len(failures)},
            "listNotes": {"tested": True, "cases": 2, "failures": 0},
        },
        "failures": failures,
        "new_failures": new,
        "fixed_since_last": [],
        "previous_run": 1 if new is not None else None,
    }


def failure(operation: str, check: str) -> dict:
    rerun = f"ordermesh-conformance run --seed 3 --include {operation}"
    return {
        "operation": operation,
        "check": check,
        "category": "undocumented status",
        "title": "Undocumented status code",
        "reproduction": f"curl -X POST http://x/v1/orders\n# replay the generated cases: {rerun}",
    }


def test_summary_markdown_puts_new_failures_first_with_their_reproduction(spec):
    old, new = failure("listNotes", "not_a_server_error"), failure("createOrder", "status_code")
    text = render_markdown(
        summary_with(
            [old, new],
            [{"story": "createOrder", "section": "Orders", "test": "t", "status": "failed"}],
        ),
        spec,
    )
    failures = text[text.index("### Failures") :]
    assert failures.index("createOrder") < failures.index("listNotes")
    assert "`ordermesh-conformance run --seed 3 --include createOrder`" in failures
    assert "| Orders | ❌ fail | 1/" in text and "| Notes | ✅ pass | 1/" in text
    assert "New since the previous run: 1" in text
    assert "| Lifecycle (state table) | ✅ pass |" in text
    lifecycle = {**failure("createOrder", "lifecycle_state"), "reproduction": "x"}
    assert "| Lifecycle (state table) | ❌ fail |" in render_markdown(
        summary_with([lifecycle], []), spec
    )


def test_reproduction_line_of_a_lifecycle_snippet():
    snippet = (
        '"""Reproduce.\n\n    ORDERMESH_BASE_URL=http://127.0.0.1:8080 pytest this_file.py\n"""'
    )
    assert reproduction_line({"reproduction": snippet}).startswith("ORDERMESH_BASE_URL=")


@pytest.fixture
def coverage(lifecycle) -> dict:
    first = lifecycle.transitions[0]
    return {
        "states": [f"{first.entity}.{first.target}"],
        "transitions": [first.id],
        "refusals": [lifecycle.refusals[0].rule],
        "failed": [lifecycle.transitions[1].id],
    }


def test_the_dot_source_names_every_state_transition_and_refusal(lifecycle, coverage):
    dot = lifecycle_diagram.dot_source(lifecycle, coverage)
    for entity, state in lifecycle.all_states():
        if any(t.entity == entity for t in lifecycle.transitions):
            assert f'"state:{entity}.{state}"' in dot
    for t in lifecycle.transitions:
        assert f'"transition:{t.id}"' in dot
    for r in lifecycle.refusals:
        for state in r.states:
            assert f'"refusal:{r.rule}:{state}"' in dot


STATUSES = {"covered", "failed", "unreached"}


def svg_classes(path: Path) -> dict[str, str]:
    """SVG element id -> the status class Graphviz carried over from the DOT."""
    classes = {}
    for g in ET.parse(path).getroot().iter(f"{SVG}g"):
        status = set(g.get("class", "").split()) & STATUSES
        if status:
            classes[g.get("id")] = status.pop()
    return classes


def test_the_rendered_picture_colours_by_coverage(tmp_path, lifecycle, coverage):
    assert lifecycle_diagram.renderer() is not None, "npm ci installs @viz-js/viz"
    assert lifecycle_diagram.write_lifecycle_svg(tmp_path / "l.svg", lifecycle, coverage) is None
    classes = svg_classes(tmp_path / "l.svg")
    covered = {k.split(":", 1)[1] for k, v in classes.items() if v == "covered"}
    assert covered == {
        *coverage["states"],
        *coverage["transitions"],
        *(f"{coverage['refusals'][0]}:{s}" for s in lifecycle.refusals[0].states),
    }
    assert classes[f"transition:{coverage['failed'][0]}"] == "failed"
    assert sum(v == "unreached" for v in classes.values()) > 40


def test_without_a_renderer_the_picture_is_skipped_in_one_line(
    tmp_path, lifecycle, coverage, monkeypatch
):
    monkeypatch.setattr(lifecycle_diagram, "renderer", lambda: None)
    problem = lifecycle_diagram.write_lifecycle_svg(tmp_path / "l.svg", lifecycle, coverage)
    assert problem == lifecycle_diagram.NO_RENDERER and "\n" not in problem
    assert not (tmp_path / "l.svg").exists()


def test_progress_names_operations_and_scenarios_not_python_tests():
    progress = Progress(total=3, names={"POST /v1/orders": "createOrder"})
    assert progress.title("test_operation[POST /v1/orders]") == "createOrder"
    assert progress.title("test_named_scenario[reroute]") == "scenario: reroute"
    assert progress.title("test_random_walks") == "random walks"
    progress.done, progress.failures = 2, 1
    line = progress.line("test_operation[POST /v1/orders]", "failed")
    assert re.match(r"\[2/3\] +\d+\.\ds  1 failed so far  FAILED +createOrder$", line), line


ERRORS = """
import pytest
from conformance.reporting import allure_steps

def test_breaks():
    raise RuntimeError("the suite itself broke")

def test_already_categorised():
    allure_steps.label_failure("createOrder", ["status_code"], ["undocumented status"], "POST")
    raise AssertionError("recorded by a check")

def test_skipped():
    pytest.skip("not a failure")
"""


def test_an_error_no_check_recorded_still_gets_a_category(tmp_path):
    (tmp_path / "test_errors.py").write_text(ERRORS)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "conformance.suites.conftest",
            "-o",
            "addopts=",
            "-p",
            "no:cacheprovider",
            "--alluredir",
            str(tmp_path / "results"),
            "-q",
            str(tmp_path / "test_errors.py"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    labels = {}
    for path in (tmp_path / "results").glob("*-result.json"):
        result = json.loads(path.read_text())
        labels[result["name"]] = [
            lb["value"] for lb in result["labels"] if lb["name"] == CATEGORY_LABEL
        ]
    assert labels == {
        "test_breaks": ["suite error"],
        "status_code failed: createOrder (POST)": ["undocumented status"],
        "test_skipped": [],
    }
