"""The walker, the analysis, the overlay builder and applier on a small hand-made spec."""

from __future__ import annotations

import copy

import pytest

from conformance.drift.analyse import analyse
from conformance.drift.judge import ResponseJudge
from conformance.drift.observe import Observation
from conformance.drift.overlay import build_overlay, propose_overlay, to_jsonpath
from conformance.drift.render import markdown
from conformance.drift.walk import SchemaWalker, unescape
from spec.loader import Spec
from spec.overlay import OverlayError, apply_overlay, parse_jsonpath

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/v1/things/{id}": {
            "get": {
                "operationId": "getThing",
                "x-provenance": "docs",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        },
                    },
                    "404": {"description": "no"},
                },
            }
        },
        "/v1/gone": {
            "get": {
                "operationId": "gone",
                "x-provenance": "inferred",
                "responses": {"200": {"description": "ok"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Kind": {"type": "string", "enum": ["a", "b"], "x-provenance": "inferred"},
            "Thing": {
                "type": "object",
                "x-provenance": "docs",
                "required": ["id", "kind"],
                "properties": {
                    "id": {"type": "string"},
                    "kind": {"$ref": "#/components/schemas/Kind"},
                    "size": {"type": "integer", "nullable": True},
                    "code": {"type": "string", "pattern": "^[a-z]+$", "maxLength": 3},
                    "when": {"type": "string", "format": "date-time"},
                    "count": {"type": "integer", "minimum": 1, "exclusiveMinimum": True},
                    "meta": {"type": "object", "additionalProperties": {"type": "string"}},
                    "extra": {
                        "allOf": [{"$ref": "#/components/schemas/Base"}],
                        "properties": {"more": {"type": "string"}},
                    },
                },
            },
            "Base": {"type": "object", "properties": {"base": {"type": "string"}}},
        }
    },
}
THING = "#/components/schemas/Thing"


def walk(body):
    return SchemaWalker(DOCUMENT).walk(body, THING, "#/op", "docs")


def kinds(result) -> set[tuple[str, str, str]]:
    return {(m.kind, m.location, m.name) for m in result.mismatches}


def test_walker_accepts_a_conforming_body():
    body = {
        "id": "1",
        "kind": "a",
        "size": None,
        "meta": {"x": "y"},
        "extra": {"base": "b", "more": "m"},
    }
    result = walk(body)
    assert result.mismatches == []
    assert result.visited == {THING: "docs", "#/components/schemas/Kind": "inferred"}
    assert result.enum_values == [("$.kind", "a")]


def judged(body) -> set[tuple[str, str, str]]:
    return {
        (e.kind, e.location, e.name)
        for e in ResponseJudge(DOCUMENT).errors(body, THING, "#/op", "docs")
    }


def test_walker_notes_only_undocumented_fields():
    body = {"id": 5, "kind": "c", "new": 1, "extra": {"other": 1}, "meta": {"k": 2}}
    assert kinds(walk(body)) == {
        ("undocumented-field", THING, "new"),
        ("undocumented-field", f"{THING}/properties/extra", "other"),
    }


def test_the_validator_names_each_failed_keyword_at_its_node_and_element():
    body = {"id": 5, "kind": "c", "meta": {"k": 2}, "code": "ABCD", "when": "soon", "count": 1}
    assert judged(body) == {
        ("type-mismatch", f"{THING}/properties/id", "integer"),
        ("enum-value", "#/components/schemas/Kind", "'c'"),
        ("type-mismatch", f"{THING}/properties/meta/additionalProperties", "integer"),
        ("pattern", f"{THING}/properties/code", "^[a-z]+$"),
        ("maxLength", f"{THING}/properties/code", "3"),
        ("format", f"{THING}/properties/when", "date-time"),
        ("minimum", f"{THING}/properties/count", "1"),  # exclusive: 1 itself is out
    }
    errors = ResponseJudge(DOCUMENT).errors({"id": "1", "kind": "c"}, THING, "#/op", "docs")
    assert [(e.element, e.provenance) for e in errors] == [
        ("#/components/schemas/Kind", "inferred")
    ]
    missing = ResponseJudge(DOCUMENT).errors({}, THING, "#/op", "docs")
    assert [(e.kind, e.name, e.provenance) for e in missing] == [
        ("missing-field", "id", "docs"),
        ("missing-field", "kind", "docs"),
    ]
    assert judged({"id": "1", "kind": None}) == {("nullable", "#/components/schemas/Kind", "null")}
    assert judged({"id": "1", "kind": "a", "size": None, "when": "2026-11-29T10:00:00Z"}) == set()


def test_prune_keeps_only_documented_request_fields():
    body = {"id": "1", "junk": 1, "meta": {"free": "kept"}, "extra": {"base": "b", "x": 1}}
    SchemaWalker(DOCUMENT).prune(body, {"$ref": "#/components/schemas/Thing"})
    assert body == {"id": "1", "meta": {"free": "kept"}, "extra": {"base": "b"}}


@pytest.mark.parametrize(
    "pointer, path",
    [
        ("#/paths/~1v1~1things~1{id}/get", "$.paths['/v1/things/{id}'].get"),
        ("#/components/schemas/Thing/required", "$.components.schemas.Thing.required"),
        (
            "#/components/schemas/Thing/properties/extra/allOf/0",
            "$.components.schemas.Thing.properties.extra.allOf[0]",
        ),
    ],
)
def test_jsonpath_from_pointer_and_back(pointer, path):
    assert to_jsonpath(DOCUMENT, pointer) == path
    expected = [int(t) if t.isdigit() else unescape(t) for t in pointer.split("/")[1:]]
    assert parse_jsonpath(path) == expected
    assert parse_jsonpath("$['it\\'s']") == ["it's"]


def test_apply_overlay_remove_update_append_and_unmatched():
    overlay = {
        "overlay": "1.0.0",
        "actions": [
            {"target": "$.components.schemas.Thing.required", "remove": True},
            {"target": "$.components.schemas.Thing", "update": {"required": ["id"]}},
            {"target": "$.components.schemas.Kind.enum", "update": "c"},
            {"target": "$.components.schemas.Kind", "update": {"description": "k"}},
            {"target": "$.components.schemas.Nope", "remove": True},
        ],
    }
    original = copy.deepcopy(DOCUMENT)
    patched, unmatched = apply_overlay(DOCUMENT, overlay)
    assert original == DOCUMENT  # the input is not modified
    assert patched["components"]["schemas"]["Thing"]["required"] == ["id"]
    assert patched["components"]["schemas"]["Kind"]["enum"] == ["a", "b", "c"]
    assert patched["components"]["schemas"]["Kind"]["description"] == "k"
    assert unmatched == ["$.components.schemas.Nope"]


@pytest.mark.parametrize(
    "overlay, message",
    [
        ({"actions": []}, "not an Overlay document"),
        ({"overlay": "2.0.0", "actions": []}, "unsupported Overlay version"),
        ({"overlay": "1.0.0", "actions": [{"remove": True}]}, "no 'target'"),
        (
            {"overlay": "1.0.0", "actions": [{"target": "$..Thing", "remove": True}]},
            "unsupported JSONPath",
        ),
        ({"overlay": "1.0.0", "actions": [{"target": "$", "remove": True}]}, "document root"),
    ],
)
def test_apply_overlay_rejects_what_it_cannot_do(overlay, message):
    with pytest.raises(OverlayError, match=message):
        apply_overlay(DOCUMENT, overlay)


def test_every_finding_kind_gets_an_overlay_that_removes_it():
    spec = Spec(copy.deepcopy(DOCUMENT))
    observations = [
        Observation(
            "getThing#0",
            "getThing",
            "case",
            200,
            "application/json",
            {
                "id": "1",
                "kind": "c",
                "new": [1],
                "size": "big",
                "code": "TOOLONG",
                "count": 0,
                "when": "today",
            },
        ),
        Observation("getThing#2", "getThing", "case", 200, "application/json", {"kind": None}),
        Observation("getThing#1", "getThing", "case", 418, "application/json", {"tea": True}),
        Observation("gone#0", "gone", "case", 404, "application/json", {"message": "no"}),
    ]
    report = analyse(spec, "test", observations)
    assert {(f.kind, f.name) for f in report.findings} == {
        ("enum-value", "'c'"),
        ("undocumented-field", "new"),
        ("type-mismatch", "string"),
        ("pattern", "^[a-z]+$"),
        ("maxLength", "3"),
        ("minimum", "1"),
        ("format", "date-time"),
        ("missing-field", "id"),
        ("nullable", "null"),
        ("undocumented-status", "418"),
        ("missing-operation", "gone"),
    }
    assert {f.name for f in report.contradicted()} == {"'c'", "null", "gone"}
    patched, unmatched = apply_overlay(DOCUMENT, build_overlay(DOCUMENT, report))
    assert unmatched == []
    again = analyse(Spec(patched), "test", observations[:3])
    assert again.findings == []
    assert "/v1/gone" not in patched["paths"] or "get" not in patched["paths"]["/v1/gone"]


def test_a_documented_violation_is_patched_only_when_asked():
    body = {"id": "1", "kind": "a", "new": 1}  # `new`: an undocumented field of a docs schema
    seen = [Observation("getThing#0", "getThing", "case", 200, "application/json", body)]
    report = analyse(Spec(copy.deepcopy(DOCUMENT)), "test", seen)
    assert [f.name for f in report.violated()] == ["new"] and not report.contradicted()
    assert propose_overlay(DOCUMENT, report) is None
    assert "--patch-documented" in markdown(report, None)
    overlay = propose_overlay(DOCUMENT, report, documented=True)
    assert overlay is not None
    patched, unmatched = apply_overlay(DOCUMENT, overlay)
    assert unmatched == [] and analyse(Spec(patched), "test", seen).findings == []


def test_a_pattern_with_a_bar_keeps_the_markdown_table_whole():
    body = {"id": "1", "kind": "a", "code": "A|B"}
    document = copy.deepcopy(DOCUMENT)
    document["components"]["schemas"]["Thing"]["properties"]["code"]["pattern"] = "^(a|b)$"
    observations = [Observation("getThing#0", "getThing", "case", 200, "application/json", body)]
    report = analyse(Spec(document), "test", observations)
    rows = [line for line in markdown(report, None).splitlines() if line.startswith("| pattern")]
    assert len(rows) == 1
    assert rows[0].replace("\\|", "").count("|") == 7  # six cells


def test_an_element_above_a_broken_value_is_not_confirmed():
    document = copy.deepcopy(DOCUMENT)
    document["components"]["schemas"]["Thing"]["x-provenance"] = "inferred"
    spec = Spec(document)
    good = {"id": "1", "kind": "a"}
    ok = Observation("getThing#0", "getThing", "case", 200, "application/json", good)
    assert THING in analyse(spec, "test", [ok]).confirmed
    bad = Observation(
        "getThing#1", "getThing", "case", 200, "application/json", {**good, "kind": "c"}
    )
    report = analyse(spec, "test", [ok, bad])
    # the enum value is Kind's finding, and Thing, whose value held it, is not confirmed either
    assert {f.element for f in report.findings} == {"#/components/schemas/Kind"}
    assert THING not in report.confirmed


def _as_31(document: dict) -> dict:
    """The hand-made spec in OpenAPI 3.1: `type: [integer, "null"]`, no `nullable`."""
    doc = copy.deepcopy(document)
    doc["openapi"] = "3.1.0"
    thing = doc["components"]["schemas"]["Thing"]["properties"]
    thing["size"] = {"type": ["integer", "null"]}
    thing["base"] = {"anyOf": [{"$ref": "#/components/schemas/Base"}, {"type": "null"}]}
    return doc


def test_openapi_31_null_is_judged_by_json_schema_2020_12():
    judge = ResponseJudge(_as_31(DOCUMENT))
    for size, base in [(None, None), (3, {"base": "b"})]:
        body = {"id": "1", "kind": "a", "size": size, "base": base}
        assert judge.errors(body, THING, "#/op", "docs") == []
        assert SchemaWalker(_as_31(DOCUMENT), judge).walk(body, THING, "", "").mismatches == []
    bad = judge.errors({"id": "1", "kind": "a", "size": "3", "base": 1}, THING, "#/op", "docs")
    assert {(e.kind, e.location, e.name) for e in bad} == {
        ("type-mismatch", f"{THING}/properties/size", "string"),
        ("type-mismatch", f"{THING}/properties/base", "integer"),  # neither Base nor null
    }


def test_openapi_31_overlay_admits_null_without_nullable():
    document = _as_31(DOCUMENT)
    seen = [
        Observation(
            "getThing#0", "getThing", "case", 200, "application/json", {"id": "1", "kind": None}
        )
    ]
    report = analyse(Spec(copy.deepcopy(document)), "test", seen)
    assert {(f.kind, f.name) for f in report.findings} == {("nullable", "null")}
    patched, unmatched = apply_overlay(document, build_overlay(document, report))
    assert unmatched == []
    assert "nullable" not in str(patched)
    assert analyse(Spec(patched), "test", seen).findings == []


def test_a_nullable_branch_that_breaks_a_keyword_is_reported_at_that_keyword():
    document = _as_31(DOCUMENT)
    document["components"]["schemas"]["Base"]["properties"]["base"]["pattern"] = "^b$"
    body = {"id": "1", "kind": "a", "base": {"base": "x"}}
    errors = ResponseJudge(document).errors(body, THING, "#/op", "docs")
    base = "#/components/schemas/Base/properties/base"
    assert [(e.kind, e.location, e.name) for e in errors] == [("pattern", base, "^b$")]
