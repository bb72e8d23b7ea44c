"""`run --changes DIFF.json`: every change of a spec diff is listed, tested or not touched."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs
import pytest

from conformance.coverage.changes import changes_coverage
from spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "schemas" / "coverage.schema.json"
# The next version, as an overlay on the current spec (the changes of `mock --next-version`):
# a new response field, a new status and a new enum value.
NEXT_VERSION = """\
overlay: 1.0.0
info: {title: next version, version: '1'}
actions:
  - target: $.components.schemas.GetOrderModel.properties
    update: {priority: {type: string}}
  - target: "$.paths['/v1/notes/{noteId}'].delete.responses"
    update: {'200': {description: deleted}}
  - target: $.components.schemas.OrderStatus.enum
    update: Canceled
"""


def element(op: str, dimension: str, pointer: str, label: str, requests: int) -> dict:
    return {
        "id": f"{dimension}:{op}:{label}",
        "operation": op,
        "dimension": dimension,
        "pointer": pointer,
        "label": label,
        "requests": requests,
    }


def test_a_change_maps_to_its_element_else_to_its_operation():
    spec = load_spec()
    op = spec.operation("deleteNote")
    base = f"#/paths/{op.path.replace('/', '~1')}/{op.method.lower()}"
    elements = [
        element(op.operation_id, "operations", base, op.path, 3),
        element(op.operation_id, "status-codes", f"{base}/responses/404", "404", 0),
    ]
    changes = [
        {"id": "a", "operation": f"{op.method} {op.path}", "location": f"{base[1:]}/responses/404"},
        {"id": "b", "operation": f"{op.method} {op.path}", "location": f"{base[1:]}/responses/299"},
    ]
    found = changes_coverage(spec, changes, elements, "d.json")
    assert (found["total"], found["tested"]) == (2, 1)
    exact, new = found["changes"]
    assert (exact["match"], exact["tested"], exact["elements"]) == (
        "element",
        False,
        ["status-codes:deleteNote:404"],
    )
    assert (new["match"], new["tested"], new["requests"]) == ("operation", True, 3)


def test_a_file_that_is_not_a_diff_is_a_usage_error(run_cli, tmp_path):
    bad = tmp_path / "d.json"
    bad.write_text('{"findings": []}', encoding="utf-8")
    done = run_cli("run", "--changes", str(bad))
    assert done.code == 2 and "--changes" in done.stderr and "diff --format json" in done.stderr
    by_variable = run_cli("run", env={"ORDERMESH_CHANGES": str(tmp_path / "missing.json")})
    assert by_variable.code == 2 and "cannot read it" in by_variable.stderr


@pytest.mark.slow
def test_a_run_lists_every_change_of_the_next_version(run_cli, tmp_path):
    overlay = tmp_path / "next.overlay.yaml"
    overlay.write_text(NEXT_VERSION, encoding="utf-8")
    next_spec = tmp_path / "next.yaml"
    spec_path = str(ROOT / "spec" / "ordermesh.yaml")
    args = ("drift", "--apply-overlay", str(overlay), "--spec", spec_path, "--out", str(next_spec))
    assert run_cli(*args).code == 0
    diff = run_cli("diff", spec_path, str(next_spec), "--format", "json", "--fail-on", "never")
    assert diff.code == 0, diff.stderr
    changes_file = tmp_path / "diff.json"
    changes_file.write_text(diff.stdout, encoding="utf-8")
    changed = json.loads(diff.stdout)["changes"]
    assert changed
    done = run_cli(
        "run",
        "--profile",
        "smoke",
        "--seed",
        "2",
        "--suite",
        "properties",
        "--include",
        "Notes",
        "--changes",
        str(changes_file),
    )
    assert done.code == 0, done.stdout[-2000:]
    listed = done.summary["coverage"]["changes"]
    assert listed["total"] == len(changed)
    assert [c["location"] for c in listed["changes"]] == [c["location"] for c in changed]
    by_operation = {c["operation"]: c["tested"] for c in listed["changes"]}
    assert by_operation["deleteNote"] is True  # Notes ran
    assert by_operation["holdOrder"] is False  # no Notes case or its setup holds an order
    assert listed["tested"] == sum(c["tested"] for c in listed["changes"])
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(done.summary["coverage"])] == []
    markdown = (done.reports / "summary.md").read_text(encoding="utf-8")
    assert f"changed {len(changed)} things, and this run tested {listed['tested']}" in markdown
    page = (done.reports / "coverage.html").read_text(encoding="utf-8")
    assert page.count("<tr class='change ") == len(changed)
