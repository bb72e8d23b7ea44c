"""Names and wire values: how the machinery reads the spec's enums and answer shapes.

The lifecycle table names states (`Shipped`); the spec says what goes on the wire (`4`), through
`enum` and, where the two differ, `x-enum-varnames`. So `4`, `"4"` and `"Shipped"` are each one
reading of the same state, and a spec corrected by an overlay (strings instead of integers, another
spelling) moves every reader at once.

Answers are read the same way: the envelope around a resource (`{order: ...}`) and the list of
records in a page (`{orders: [...]}`) are found by the schema's property names, so an undocumented
property beside them never changes what is read.
"""

from __future__ import annotations

import functools
from typing import Any

import jsonschema_rs

from spec.loader import Spec


class Vocabulary:
    """Enum names and answer shapes of one loaded spec (after any overlay)."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    # ------------------------------------------------------------------ enums
    def _enum(self, schema_name: str) -> tuple[list[Any], list[str]]:
        node = self.spec.document.get("components", {}).get("schemas", {}).get(schema_name, {})
        values = list(node.get("enum") or [])
        names = [str(n) for n in node.get("x-enum-varnames") or values]
        return values, names

    def names(self, schema_name: str) -> tuple[str, ...]:
        """The names of an enum's values, in the spec's order."""
        return tuple(self._enum(schema_name)[1])

    def wire(self, schema_name: str, name: str) -> Any:
        """The value the API sends for `name` (a state of the lifecycle table)."""
        values, names = self._enum(schema_name)
        if name in names and len(values) == len(names):
            return values[names.index(name)]
        raise KeyError(f"{schema_name} has no value named {name!r}")

    def name_of(self, schema_name: str, value: Any) -> str | None:
        """The name a wire value stands for: by value, by its text (`"4"` for `4`) or by name.
        None for a value the enum does not know."""
        values, names = self._enum(schema_name)
        if len(values) != len(names):
            return None
        for wire, name in zip(values, names, strict=True):
            if value == wire and type(value) is not bool:
                return name
        text = str(value)
        for wire, name in zip(values, names, strict=True):
            if text in (str(wire), name):
                return name
        return None

    # ------------------------------------------------------------------ answer shapes
    def _success_schema(self, operation_id: str) -> dict[str, Any]:
        operation = self.spec.operation(operation_id)
        for code in sorted(operation.responses):
            if code.startswith("2"):
                schema = (operation.responses[code] or {}).get("application/json")
                if schema:
                    return schema
        return {}

    def _properties(self, operation_id: str) -> dict[str, Any]:
        """The declared properties of the success answer, `allOf` branches merged."""
        schema = self._success_schema(operation_id)
        properties: dict[str, Any] = dict(schema.get("properties") or {})
        for branch in schema.get("allOf") or []:
            properties.update(branch.get("properties") or {})
        return properties

    def envelope(self, operation_id: str) -> str | None:
        """The property that wraps the resource in the success answer (`order`), or None when the
        resource is the answer itself."""
        properties = self._properties(operation_id)
        if "id" in properties:
            return None
        objects = [name for name, node in properties.items() if _is_object(node)]
        return objects[0] if len(objects) == 1 else None

    def records_key(self, operation_id: str) -> str | None:
        """The property that holds a page's records (`orders`), or None."""
        properties = self._properties(operation_id)
        lists = [
            name
            for name, node in properties.items()
            if _type(node) == "array" and _is_object(node.get("items") or {})
        ]
        return lists[0] if len(lists) == 1 else None

    def broken_field(self, operation_id: str, status: int, body: Any, path: str) -> str | None:
        """Where a needed field (`order.items[].id`) of an answer breaks its own schema: an id
        that cannot be an id is no id to pass on. None when every value keeps it."""
        schema = (self.spec.operation(operation_id).responses.get(str(status)) or {}).get(
            "application/json"
        )
        for value, field_schema in _values_at(body, schema or {}, path.split(".")):
            if field_schema and not jsonschema_rs.is_valid(field_schema, value):
                return f"{path} {value!r} breaks its schema"
        return None

    def resource(self, operation_id: str, body: Any) -> Any:
        """The resource out of a success answer of `operation_id`."""
        key = self.envelope(operation_id)
        if key is None or not isinstance(body, dict):
            return body
        return body.get(key)

    def records(self, operation_id: str, body: Any) -> list[Any] | None:
        """A page's records, or None when the answer has no list where the spec puts one."""
        key = self.records_key(operation_id)
        records = body.get(key) if key and isinstance(body, dict) else None
        return records if isinstance(records, list) else None


def number(value: Any) -> int | float | None:
    """A number as the machinery reads one: a JSON number, or its text (`"4"`), which breaks a
    schema (reported once, by the schema check) but still says how many. None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            parsed = float(value)
        except ValueError:
            return None
        return int(parsed) if parsed.is_integer() and "." not in value else parsed
    return None


def _values_at(body: Any, schema: dict[str, Any], tokens: list[str]) -> list[tuple[Any, Any]]:
    """(value, its schema) for each value a dotted path names (`items[]` walks a list)."""
    if not tokens:
        return [(body, schema)]
    token, rest = tokens[0], tokens[1:]
    name = token.removesuffix("[]")
    properties: dict[str, Any] = dict(schema.get("properties") or {})
    for branch in schema.get("allOf") or []:
        properties.update(branch.get("properties") or {})
    child = properties.get(name) or {}
    value = body.get(name) if isinstance(body, dict) else None
    if not token.endswith("[]"):
        return _values_at(value, child, rest) if value is not None else []
    items = child.get("items") or {}
    return [pair for item in value or [] for pair in _values_at(item, items, rest)]


def _type(node: dict[str, Any]) -> Any:
    kind = node.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return kinds[0] if len(kinds) == 1 else None
    return kind


def _is_object(node: dict[str, Any]) -> bool:
    if _type(node) == "object" or "properties" in node:
        return True
    branches = [*node.get("allOf", []), *node.get("anyOf", []), *node.get("oneOf", [])]
    return any(_is_object(branch) for branch in branches if isinstance(branch, dict))


@functools.lru_cache(maxsize=8)
def vocabulary(spec: Spec) -> Vocabulary:
    """One per loaded spec (specs are cached and read-only)."""
    return Vocabulary(spec)
