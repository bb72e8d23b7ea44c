"""One way to name the places of a JSON Schema, for the elements and for the values sent.

A place is a data pointer: `/items/[]/quantity` is `quantity` in any entry of `items`. The
model lists the places a schema declares; the recorder visits the places a value fills. Both
walk the same branches (allOf/anyOf/oneOf at the same place), so their names agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from spec.loader import branches

ITEM = "[]"
MAX_DEPTH = 8  # the spec nests a few levels; a deeper walk would only repeat itself
# Entries of one array an answer is walked through: a long page repeats its entries' shape.
MAX_ENTRIES = 20


def places(schema: Any, pointer: str = "", depth: int = 0) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, schema) for every schema at every place `schema` declares, itself included."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return
    for node in branches(schema):
        yield pointer, node
        for name, sub in (node.get("properties") or {}).items():
            yield from places(sub, f"{pointer}/{name}", depth + 1)
        items = node.get("items")
        if isinstance(items, dict):
            yield from places(items, f"{pointer}/{ITEM}", depth + 1)


Visit = Callable[[str, dict[str, object], Any], None]


def visit(schema: object, value: object, visitor: Visit, pointer: str = "", depth: int = 0) -> None:
    """Call `visitor(pointer, schema, value)` for each schema that applies where `value` is."""
    if not isinstance(schema, dict) or depth > MAX_DEPTH:
        return
    for node in branches(schema):
        visitor(pointer, node, value)
        if isinstance(value, dict):
            for name, sub in (node.get("properties") or {}).items():
                if name in value:
                    visit(sub, value[name], visitor, f"{pointer}/{name}", depth + 1)
        elif isinstance(value, list) and isinstance(node.get("items"), dict):
            for entry in value[:MAX_ENTRIES]:
                visit(node["items"], entry, visitor, f"{pointer}/{ITEM}", depth + 1)


def spec_pointer(base: str, pointer: str) -> str:
    """The schema pointer (refs followed) of a data pointer under the schema at `base`."""
    parts = [base]
    for part in pointer.split("/")[1:]:
        parts.append("items" if part == ITEM else f"properties/{escape(part)}")
    return "/".join(parts)


def escape(token: str) -> str:
    """A JSON Pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


class Shape:
    """A schema's places compiled for walking answers fast: the branches at each place merged
    (their properties and enum values together), so an answer is walked once, not per branch."""

    __slots__ = ("enums", "items", "leaf", "pointer", "properties")

    def __init__(self, schemas: list[dict[str, object]], pointer: str = "", depth: int = 0) -> None:
        self.pointer = pointer
        nodes = [node for schema in schemas for node in branches(schema)]
        self.enums = frozenset(
            repr(value) for node in nodes for value in node.get("enum") or () if _scalar(value)
        )
        named: dict[str, list[dict[str, object]]] = {}
        items: list[dict[str, object]] = []
        for node in nodes:
            for name, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict):
                    named.setdefault(name, []).append(sub)
            if isinstance(node.get("items"), dict):
                items.append(node["items"])
        deeper = depth < MAX_DEPTH
        self.properties = (
            {name: Shape(subs, f"{pointer}/{name}", depth + 1) for name, subs in named.items()}
            if deeper
            else {}
        )
        self.items = Shape(items, f"{pointer}/{ITEM}", depth + 1) if items and deeper else None
        self.leaf = not (self.properties or self.items or self.enums)  # nothing more to find

    def fill(self, value: object, places: set[str], values: set[tuple[str, object]]) -> None:
        """Add the places `value` fills to `places`, and its enum values met to `values`."""
        if isinstance(value, dict):
            for name, shape in self.properties.items():
                if name in value:
                    places.add(shape.pointer)
                    if not shape.leaf:
                        shape.fill(value[name], places, values)
        elif isinstance(value, list) and self.items is not None and value:
            places.add(self.items.pointer)  # an entry was there, whatever its shape
            if not self.items.leaf:
                for entry in value[:MAX_ENTRIES]:
                    self.items.fill(entry, places, values)
        elif self.enums and _scalar(value) and repr(value) in self.enums:
            values.add((self.pointer, value))


def _scalar(value: object) -> bool:
    return isinstance(value, bool | str | int | float)
