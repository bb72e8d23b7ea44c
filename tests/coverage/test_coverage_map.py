"""The coverage map: the recorder names what a request exercised as the model names it, the
counts add up across worker parts, and a run's `coverage` validates against the published schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import jsonschema_rs
import pytest

from conformance.coverage import build, levels, model, walk
from conformance.coverage.record import CoverageRecorder
from conformance.reporting.stats import PARTS_DIR, Stats, merge_parts
from spec import Operation, load_lifecycle
from spec.loader import COVERAGE_EXCUSED

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "schemas" / "coverage.schema.json"
BASE = "http://127.0.0.1:9"


def enum_query(spec) -> tuple[Operation, str, list]:
    for op in spec.operations:
        for param in op.parameters:
            if param.location == "query" and param.schema.get("enum"):
                return op, param.name, param.schema["enum"]
    raise AssertionError("the spec has no enum query parameter")


def bounded_property(spec) -> tuple[Operation, str, str, int]:
    for op in spec.operations:
        for pointer, node in walk.places(op.request_schema or {}):
            if pointer.count("/") == 1 and node.get("type") == "string" and "maxLength" in node:
                return op, pointer, "maxLength", node["maxLength"]
    raise AssertionError("no top-level string property with maxLength")


def url_of(op: Operation, query: str = "") -> str:
    return f"{BASE}{op.url(dict.fromkeys(op.placeholders, 'x'))}{query}"


def test_an_enum_value_sent_and_a_status_seen_are_their_elements(spec):
    op, name, values = enum_query(spec)
    recorder = CoverageRecorder(spec, load_lifecycle(), BASE)
    documented = op.documented_statuses[0]
    recorder.observe("GET", url_of(op, f"?{name}={values[0]}"), {}, None, documented, {}, b"")
    element = model.value_key(op.operation_id, f"query.{name}", "", values[0])
    universe = model.universe(spec, load_lifecycle())
    assert element in universe and universe[element].dimension == "enum-values"
    hits = recorder.snapshot()
    assert hits[f"{element}|seen"] == 1
    assert hits[f"{model.key('status', op.operation_id, documented)}|seen"] == 1
    assert hits[f"{model.key('parameter', op.operation_id, 'query', name)}|present"] == 1
    assert f"{model.value_key(op.operation_id, f'query.{name}', '', values[1])}|seen" not in hits


def test_an_undocumented_status_is_listed_apart(spec):
    op, _, _ = enum_query(spec)
    status = next(code for code in range(400, 600) if str(code) not in op.responses)
    recorder = CoverageRecorder(spec, load_lifecycle(), BASE)
    recorder.observe(op.method, url_of(op), {}, None, status, {}, b"")
    merged = {"coverage": recorder.snapshot(), "lifecycle": {}}
    found = build.coverage_of(spec, load_lifecycle(), merged)["undocumented"]
    assert found == [{"operation": op.operation_id, "status": str(status), "requests": 1}]


def test_a_keyword_is_met_at_and_past_its_bound(spec):
    op, pointer, keyword, bound = bounded_property(spec)
    recorder = CoverageRecorder(spec, load_lifecycle(), BASE)
    headers = {"Content-Type": "application/json"}
    for size in (bound, bound + 1):
        body = json.dumps({pointer[1:]: "a" * size}).encode()
        recorder.observe(op.method, url_of(op), headers, body, 400, {}, b"")
    element = model.key("keyword", op.operation_id, model.BODY, pointer, keyword)
    entry = build.entry(
        model.universe(spec, load_lifecycle())[element], sides_of(recorder, element)
    )
    assert entry["status"] == "covered" and entry["sides"] == {"at": 1, "past": 1}
    prop = model.key("property", op.operation_id, pointer)
    assert recorder.snapshot()[f"{prop}|invalid"] >= 1  # past maxLength breaks the schema


def sides_of(recorder: CoverageRecorder, element: str) -> dict[str, int]:
    return {
        hit.rpartition("|")[2]: n
        for hit, n in recorder.snapshot().items()
        if hit.rpartition("|")[0] == element
    }


def test_worker_parts_add_up(tmp_path, spec):
    op, name, values = enum_query(spec)
    for worker, value in enumerate(values[:2]):
        recorder = CoverageRecorder(spec, load_lifecycle(), BASE)
        recorder.observe("GET", url_of(op, f"?{name}={value}"), {}, None, 200, {}, b"")
        path = Stats().write(str(tmp_path), recorder.snapshot())
        path.rename(path.with_name(f"stats-gw{worker}-{worker}.json"))
    assert len(list((tmp_path / PARTS_DIR).glob("stats-*.json"))) == 2
    merged = merge_parts(str(tmp_path))
    assert merged["coverage"][f"{model.key('operation', op.operation_id)}|seen"] == 2
    coverage = build.coverage_of(spec, load_lifecycle(), merged)
    seen = {e["id"] for e in coverage["elements"] if e["status"] == "covered"}
    assert {model.value_key(op.operation_id, f"query.{name}", "", v) for v in values[:2]} <= seen


def test_the_level_is_the_highest_whose_criteria_are_all_met():
    def element(dimension: str, status: str = "covered") -> dict:
        return {
            "dimension": dimension,
            "status": status,
            "sides": {"present": 1},
            "location": "query",
        }

    dimensions = ["paths", "operations", "content-types", "parameters", "status-classes"]
    dimensions += ["enum-values", "status-codes", "response-properties", "links"]
    full = [element(d) for d in dimensions]
    assert levels.level_of(full)["tcl"] == 7
    one_short = [*full, element("response-properties", "uncovered")]
    assert levels.level_of(one_short)["tcl"] == 5
    assert levels.level_of([*full, element("status-codes", "excused")])["tcl"] == 7
    assert levels.level_of([*full, element("paths", "partial")])["tcl"] == 7  # a path is seen
    assert levels.level_of([*full, element("operations", "uncovered")])["tcl"] == 1


@pytest.mark.slow
def test_a_run_records_coverage_that_validates_against_the_schema(run_cli):
    done = run_cli(
        "run",
        "--profile",
        "smoke",
        "--seed",
        "5",
        "--workers",
        "2",
        "--suite",
        "properties",
        "--include",
        "Notes",
    )
    assert done.code == 0, done.stdout[-2000:] + done.stderr[-2000:]
    summary = done.summary
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")))
    errors = [e.message for e in validator.iter_errors(summary["coverage"])]
    assert errors == []
    by_id = {e["id"]: e for e in summary["coverage"]["elements"]}
    for operation, entry in summary["operations"].items():
        recorded = by_id[model.key("operation", operation)]["requests"]
        # Every generated case is a request; setup and oracle reads add more. Both workers'.
        assert recorded >= entry["cases"], operation


def test_an_attempt_is_listed_beside_its_element_and_is_no_request(spec):
    op = next(op for op in spec.operations if "404" in op.responses and op.needs_auth)
    recorder = CoverageRecorder(spec, load_lifecycle(), BASE)
    element = model.key("status", op.operation_id, "404")
    recorder.tried(element, "unknown-id: a valid request whose ids name no resource: answered 400")
    recorder.observe(op.method, url_of(op), {}, None, 400, {}, b"")
    coverage = build.coverage_of(spec, load_lifecycle(), {"coverage": recorder.snapshot()})
    (row,) = [e for e in coverage["elements"] if e["id"] == element]
    assert row["status"] == "uncovered" and row["requests"] == 0
    assert row["tried"] == {
        "unknown-id: a valid request whose ids name no resource: answered 400": 1
    }


def test_a_documented_answer_no_cause_applies_to_is_excused_with_the_reason(spec):
    token = next(op for op in spec.operations if not op.needs_auth and "403" in op.responses)
    universe = model.universe(spec, load_lifecycle())
    excused = universe[model.key("status", token.operation_id, "403")]
    assert excused.reason and "x-provoked-by" in excused.reason
    guarded = next(op for op in spec.operations if op.needs_auth and "403" in op.responses)
    assert universe[model.key("status", guarded.operation_id, "403")].reason is None


def test_an_answer_with_entries_covers_its_array_entry_and_their_properties(spec):
    """`/errors/[]` is covered by any entry, an object one included, as `/errors/[]/x` is."""
    op = next(op for op in spec.operations if "400" in op.responses and op.needs_auth)
    recorder = CoverageRecorder(spec, load_lifecycle(), BASE)
    entry = {"propertyName": "x", "errorMessage": "bad", "attemptedValue": 1}
    answer = json.dumps({"statusCode": 400, "message": "m", "errors": [entry]}).encode()
    headers = {"content-type": "application/json"}
    recorder.observe(op.method, url_of(op), {}, None, 400, headers, answer)
    hits = recorder.snapshot()
    for pointer in ("/errors", "/errors/[]", "/errors/[]/propertyName"):
        assert hits[f"{model.key('response', op.operation_id, '400', pointer)}|seen"] == 1, pointer


def test_a_place_the_spec_excuses_is_excused_below_it_and_nowhere_else(spec):
    """`x-coverage-excused` on a response place excuses it and what lies below it, with its text."""
    universe = model.universe(spec, load_lifecycle())
    props = [e for e in universe.values() if e.dimension == "response-properties"]
    texts = set(extension_values(spec.document, COVERAGE_EXCUSED))
    marked = [e for e in props if e.reason in texts]
    assert texts and marked, "the spec marks no response place x-coverage-excused"
    place = min(marked, key=lambda e: len(e.pointer))
    below = [
        e for e in props if e.operation == place.operation and e.pointer.startswith(place.pointer)
    ]
    assert len(below) > 1 and all(e.reason == place.reason for e in below)
    status = place.label.split(" ")[0]
    siblings = [
        e
        for e in props
        if e.operation == place.operation
        and e.label.startswith(f"{status} ")
        and not e.pointer.startswith(place.pointer)
    ]
    assert siblings and all(e.reason is None for e in siblings)


def extension_values(node: object, name: str) -> Iterator[object]:
    if isinstance(node, dict):
        if name in node:
            yield node[name]
        for value in node.values():
            yield from extension_values(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from extension_values(value, name)
