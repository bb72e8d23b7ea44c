"""Our own spec rewritten as OpenAPI 3.1 (`nullable` as a `type` array with "null", boolean
exclusive bounds as numeric ones) is the same API, so the diff must find nothing."""

from __future__ import annotations

import copy
from typing import Any

from conformance.commands.diff import DiffSpec
from conformance.diff import compare_specs
from spec.loader import SPEC_PATH, load_document


def as_31(node: Any) -> Any:
    if isinstance(node, list):
        return [as_31(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: as_31(value) for key, value in node.items()}
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if out.get(flag) is True:
            out[flag] = out.pop(bound)
        elif out.get(flag) is False:
            del out[flag]
    return out


def test_the_real_spec_as_31_has_no_changes() -> None:
    old = load_document(SPEC_PATH)
    new = as_31(copy.deepcopy(old))
    new["openapi"] = "3.1.0"
    assert compare_specs(DiffSpec(old), DiffSpec(new)) == []
    assert compare_specs(DiffSpec(new), DiffSpec(old)) == []


def test_a_31_rewrite_that_drops_null_is_still_caught() -> None:
    old = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"type": "string", "nullable": True}}
                            },
                        }
                    }
                }
            }
        },
    }
    new = as_31(copy.deepcopy(old))
    new["openapi"] = "3.1.0"
    schema = new["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema["type"] = ["string", "null"]
    assert compare_specs(DiffSpec(old), DiffSpec(new)) == []
    schema["type"] = "string"
    assert [(c.id, c.level) for c in compare_specs(DiffSpec(old), DiffSpec(new))] == [
        ("nullable-removed", "info")
    ]
