"""`run --changes DIFF.json`: which of the changes a spec diff lists this run exercised.

Each change of `ordermesh-conformance diff OLD NEW --format json` names an operation
(`METHOD /path`), a direction and a location (an RFC 6901 pointer into the spec, `$ref`s not
followed). It maps onto the coverage elements of that operation: the element at the location or
under it; for a changed component schema, the same property or the same enum values in the
operation's request or response; failing that (an element the old spec does not have yet),
the operation itself. A change is tested when a request exercised one of its elements.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from spec import Spec

COMPONENT = "/components/schemas/"
DIRECTIONS = {
    "request": ("parameters", "body-properties", "enum-values", "boolean-values", "keywords"),
    "response": ("response-properties", "response-enum-values", "status-codes", "content-types"),
}
ENUM_DIMENSIONS = ("enum-values", "response-enum-values")
MAX_ELEMENTS = 20  # element ids listed per change; `requests` counts them all


def load_changes(path: str) -> list[dict[str, object]]:
    """The changes of a diff's JSON; ValueError saying what is wrong with the file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read it: {exc.strerror}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg} at line {exc.lineno}") from None
    changes = data.get("changes") if isinstance(data, dict) else None
    if not isinstance(changes, list) or not all(
        isinstance(c, dict) and "location" in c for c in changes
    ):
        raise ValueError("not the JSON of `ordermesh-conformance diff --format json`")
    return changes


def add_changes(path: str | None, spec: Spec, summary: dict[str, Any]) -> None:
    """`run --changes PATH`: summary.json's coverage gains the changes of the diff at `path`."""
    if path and summary.get("coverage"):
        coverage = summary["coverage"]
        coverage["changes"] = changes_coverage(spec, load_changes(path), coverage["elements"], path)


def changes_coverage(
    spec: Spec, changes: list[dict[str, Any]], elements: list[dict[str, Any]], source: str
) -> dict[str, object]:
    """Each change with the elements it maps to and whether the run exercised them."""
    by_operation: dict[str | None, list[dict[str, object]]] = {}
    for element in elements:
        by_operation.setdefault(element["operation"], []).append(element)
    operations = {f"{op.method} {op.path}": op.operation_id for op in spec.operations}
    listed = []
    for change in changes:
        operation = operations.get(str(change.get("operation")))
        found, match = elements_of(spec, change, by_operation.get(operation, []))
        requests = sum(e["requests"] for e in found)
        listed.append(
            {
                "id": change.get("id"),
                "level": change.get("level"),
                "operation": operation or change.get("operation"),
                "location": change["location"],
                "message": change.get("message", ""),
                "match": match,
                "elements": [e["id"] for e in found[:MAX_ELEMENTS]],
                "requests": requests,
                "tested": requests > 0,
            }
        )
    return {
        "source": source,
        "total": len(listed),
        "tested": sum(1 for c in listed if c["tested"]),
        "changes": listed,
    }


def elements_of(
    spec: Spec, change: dict[str, object], elements: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], str]:
    """The elements `change` touches, and how they were found: `element` or `operation`."""
    location = "#" + str(change["location"]).removeprefix("#")
    wanted = DIRECTIONS.get(str(change.get("direction")), ())
    scoped = [e for e in elements if not wanted or e["dimension"] in wanted]
    found = [
        e for e in scoped if e["pointer"] == location or e["pointer"].startswith(location + "/")
    ]
    if not found and location.startswith("#" + COMPONENT):
        found = in_component(spec, location, scoped)
    if not found:  # an element only the new spec has: its nearest documented ancestor
        above = [e for e in scoped if location.startswith(e["pointer"] + "/")]
        found = sorted(above, key=lambda e: -len(e["pointer"]))[:1]
    if found and any(e["dimension"] != "operations" for e in found):
        return found, "element"
    return [e for e in elements if e["dimension"] == "operations"], "operation"


def in_component(spec: Spec, location: str, elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A component schema's change as the operation sees it: the same property (by its
    pointer's tail) or the same enum values."""
    name, _, tail = location.removeprefix("#" + COMPONENT).partition("/")
    if tail.startswith("enum"):
        schema = spec.document.get("components", {}).get("schemas", {}).get(name, {})
        values = {str(v) for v in schema.get("enum") or ()}
        return [
            e
            for e in elements
            if e["dimension"] in ENUM_DIMENSIONS and e["label"].rpartition(" = ")[2] in values
        ]
    return [e for e in elements if tail and e["pointer"].endswith("/" + tail)]
