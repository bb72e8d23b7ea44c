"""Walk a JSON value alongside the raw OpenAPI schema that describes it, naming components.

The dialect proxy (dialect.py) rewrites values by the spec component they are an instance of
(`ShipmentStatus`, `ListOrdersResponse`...). The loader's translated schemas have lost those
names, so this walks the raw document: each `$ref` it follows names the component it enters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from spec import Operation, Spec
from spec.loader import follow_refs

SCHEMAS = "#/components/schemas/"
COMBINERS = ("allOf", "anyOf", "oneOf")

# (component names the value is an instance of, the value) -> the value rewritten
Visit = Callable[[frozenset[str], object], object]


@dataclass(frozen=True)
class Node:
    """A schema after its `$ref`s, with the names of the components it went through, and the
    same for each `allOf`/`anyOf`/`oneOf` part (an object is an instance of all of them)."""

    names: frozenset[str]
    parts: tuple[dict[str, Any], ...]


def node(spec: Spec, schema: Any) -> Node:
    names: set[str] = set()
    parts: list[dict[str, object]] = []
    pending = [schema]
    while pending:
        target, trail = follow_refs(pending.pop(0), spec.pointer)
        names |= {ref[len(SCHEMAS) :] for ref in trail if ref.startswith(SCHEMAS)}
        if not isinstance(target, dict):
            continue
        parts.append(target)
        for key in COMBINERS:
            pending += target.get(key) or []
    return Node(frozenset(names), tuple(parts))


def properties(spec: Spec, schema: object) -> dict[str, object]:
    """Every property an object of this schema may have, across its combined parts."""
    found: dict[str, object] = {}
    for part in node(spec, schema).parts:
        found.update(part.get("properties") or {})
    return found


def items(spec: Spec, schema: object) -> object:
    return next((p["items"] for p in node(spec, schema).parts if "items" in p), None)


def walk(spec: Spec, schema: object, value: object, before: Visit, after: Visit) -> object:
    """Rewrite `value` bottom-up: `before` sees each node on the way down (it may rename keys,
    so the properties are looked up after it), `after` on the way up."""
    if schema is None:
        return value
    names = node(spec, schema).names
    value = before(names, value)
    if isinstance(value, dict):
        props = properties(spec, schema)
        value = {k: walk(spec, props.get(k), v, before, after) for k, v in value.items()}
    elif isinstance(value, list):
        inner = items(spec, schema)
        value = [walk(spec, inner, v, before, after) for v in value]
    return after(names, value)


def reached(spec: Spec, schema: object) -> Iterator[str]:
    """The component names reachable from `schema` (itself included), each once."""
    seen: set[int] = set()
    pending = [schema]
    while pending:
        current = pending.pop()
        if not isinstance(current, (dict, list)) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, list):
            pending += current
            continue
        ref = current.get("$ref")
        if isinstance(ref, str):
            if ref.startswith(SCHEMAS):
                yield ref[len(SCHEMAS) :]
            pending.append(spec.pointer(ref))
            continue
        pending += [v for k, v in current.items() if not k.startswith("x-")]


def media_schema(spec: Spec, node_: object) -> object:
    """The JSON schema of a response or request body object (after its `$ref`)."""
    body = spec.resolve(node_) or {}
    return ((body.get("content") or {}).get("application/json") or {}).get("schema")


def enum_properties(spec: Spec, enums: set[str]) -> dict[str, str]:
    """Property name -> enum schema, for every property the spec types by one of `enums`."""
    found: dict[str, str] = {}
    for schema in (spec.document.get("components") or {}).get("schemas", {}).values():
        for prop, sub in ((schema or {}).get("properties") or {}).items():
            ref = (sub or {}).get("$ref", "")
            if ref.startswith(SCHEMAS) and ref[len(SCHEMAS) :] in enums:
                found[prop] = ref[len(SCHEMAS) :]
    return found


def raw_parameters(spec: Spec, operation: Operation) -> list[dict[str, object]]:
    """The operation's parameters as the document has them (with their schemas' `$ref`s)."""
    item = spec.document["paths"][operation.path]
    return [
        spec.resolve(p)
        for p in [*(item.get("parameters") or []), *(operation.raw.get("parameters") or [])]
    ]
