"""A successful answer shows null for each documented optional, nullable property it lacks.

The read models document fields the mock has no value for (merchant prices, a reprint, the
fulfiller's image files): the docs' examples answer them as null, and so does the mock, for
every property its spec declares optional and nullable. The places are read from the
operation's response schema once, and an answer is walked only where such places are.
"""

from __future__ import annotations

from typing import Any

from spec.loader import Operation, branches

MAX_DEPTH = 8  # the spec nests a few levels


def accepts_null(schema: dict[str, Any]) -> bool:
    for node in branches(schema):
        declared = node.get("type")
        if declared == "null" or (isinstance(declared, list) and "null" in declared):
            return True
    return False


class Nulls:
    """The null-able optional properties at one place of a response schema, and below it."""

    __slots__ = ("items", "names", "properties")

    def __init__(self, schema: dict[str, Any], depth: int = 0) -> None:
        nodes = list(branches(schema))
        required = {name for node in nodes for name in node.get("required") or ()}
        declared: dict[str, list[dict[str, Any]]] = {}
        for node in nodes:
            for name, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict):
                    declared.setdefault(name, []).append(sub)
        self.names = tuple(
            name
            for name, subs in declared.items()
            if name not in required and any(accepts_null(s) for s in subs)
        )
        deeper = depth < MAX_DEPTH
        children = {
            name: Nulls({"anyOf": subs}, depth + 1) for name, subs in declared.items() if deeper
        }
        self.properties = {name: child for name, child in children.items() if not child.empty}
        items = [node["items"] for node in nodes if isinstance(node.get("items"), dict)]
        found = Nulls({"anyOf": items}, depth + 1) if items and deeper else None
        self.items = found if found is not None and not found.empty else None

    @property
    def empty(self) -> bool:
        return not (self.names or self.properties or self.items)

    def fill(self, value: Any) -> None:
        """Add null for each such property `value` (an answer, changed in place) lacks."""
        if isinstance(value, dict):
            for name in self.names:
                value.setdefault(name, None)
            for name, child in self.properties.items():
                if name in value:
                    child.fill(value[name])
        elif isinstance(value, list) and self.items is not None:
            for entry in value:
                self.items.fill(entry)


Compiled = dict[tuple[str, int], "Nulls | None"]  # (operationId, status) -> its places


def fill_nulls(compiled: Compiled, op: Operation, status: int, body: Any) -> None:
    """Complete a 2xx answer of `op` with the nulls its documented schema allows; `compiled`
    keeps each operation's places (one per app: each app serves one spec)."""
    key = (op.operation_id, status)
    if key not in compiled:
        schema = (op.responses.get(str(status)) or {}).get("application/json")
        nulls = Nulls(schema) if isinstance(schema, dict) else None
        compiled[key] = nulls if nulls is not None and not nulls.empty else None
    nulls = compiled[key]
    if nulls is not None:
        nulls.fill(body)
