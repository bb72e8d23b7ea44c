"""Walk a response body alongside its raw OpenAPI schema and note where they disagree.

A validator says "invalid"; drift needs more: *which spec element* is wrong (a JSON pointer a
patch can target) and *who vouched for it* (the nearest `x-provenance`). So this walks the raw
document, following `$ref`s while remembering where each schema node lives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from spec.loader import follow_refs
from spec.pointer import escape as escape
from spec.pointer import resolve
from spec.pointer import unescape as unescape

if TYPE_CHECKING:
    from conformance.drift.judge import ResponseJudge

# The drift modules take the pointer helpers from here; spec.pointer is the one implementation.
resolve_pointer = resolve


@dataclass(frozen=True)
class Mismatch:
    """One disagreement between a body and the schema node at `location`."""

    kind: str  # undocumented-field (every other disagreement is a validator error)
    location: str  # JSON pointer of the schema node to change
    name: str  # the field, the value or the observed type
    instance_path: str  # where in the body ($.order.status)
    element: str  # JSON pointer of the nearest node carrying x-provenance
    provenance: str
    observed: Any = None


@dataclass
class WalkResult:
    mismatches: list[Mismatch] = field(default_factory=list)
    # every node with its own x-provenance that the body reached: pointer -> provenance
    visited: dict[str, str] = field(default_factory=dict)
    # (instance path, value) of every value whose schema is an enum
    enum_values: list[tuple[str, Any]] = field(default_factory=list)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def type_matches(value: Any, expected: str | list[str]) -> bool:
    if isinstance(expected, list):  # OpenAPI 3.1: `type: [string, "null"]`
        return any(type_matches(value, one) for one in expected)
    actual = json_type(value)
    if actual == expected:
        return True
    if expected == "number" and actual == "integer":
        return True
    return expected == "integer" and isinstance(value, float) and value.is_integer()


class SchemaWalker:
    def __init__(self, document: dict[str, Any], judge: ResponseJudge | None = None) -> None:
        self.document = document
        self._judge = judge

    @property
    def judge(self) -> ResponseJudge:
        if self._judge is None:  # built on first need: pruning request bodies never needs it
            from conformance.drift.judge import ResponseJudge  # it uses this module's helpers

            self._judge = ResponseJudge(self.document)
        return self._judge

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str]:
        target, trail = follow_refs(node, lambda ref: resolve_pointer(self.document, ref))
        return target, trail[-1] if trail else pointer

    def walk(self, body: Any, schema_pointer: str, element: str, provenance: str) -> WalkResult:
        """Compare `body` with the schema at `schema_pointer`; `element`/`provenance` are the
        defaults for nodes without their own x-provenance (usually the operation's)."""
        result = WalkResult()
        node = resolve_pointer(self.document, schema_pointer)
        self._walk(body, node, schema_pointer, "$", (element, provenance), result, True)
        return result

    # ------------------------------------------------------------------ internals
    def _owner(self, node: dict, pointer: str, owner: tuple[str, str], result: WalkResult):
        if "x-provenance" in node:
            owner = (pointer, str(node["x-provenance"]))
            result.visited[pointer] = owner[1]
        return owner

    def _note(self, result, kind, pointer, name, path, owner, observed=None) -> None:
        result.mismatches.append(Mismatch(kind, pointer, name, path, owner[0], owner[1], observed))

    def _walk(self, value, node, pointer, path, owner, result: WalkResult, check_extra: bool):
        node, pointer = self.resolve(node, pointer)
        if not isinstance(node, dict):
            return
        owner = self._owner(node, pointer, owner, result)
        if value is None:
            return
        for index, branch in enumerate(node.get("allOf", [])):
            self._walk(value, branch, f"{pointer}/allOf/{index}", path, owner, result, False)
        for keyword in ("oneOf", "anyOf"):
            for index, branch in enumerate(node.get(keyword, [])):
                sub = f"{pointer}/{keyword}/{index}"
                if self.judge.is_valid(value, sub):  # the branch the value takes
                    self._walk(value, branch, sub, path, owner, result, True)
                    break
        expected = node.get("type")
        if expected is not None and not type_matches(value, expected):
            return  # nothing below this node fits: the validator reports the type
        if "enum" in node:
            result.enum_values.append((path, value))
        if isinstance(value, dict):
            self._object(value, node, pointer, path, owner, result, check_extra)
        elif isinstance(value, list) and "items" in node:
            for item in value:
                self._walk(
                    item, node["items"], f"{pointer}/items", f"{path}[*]", owner, result, True
                )

    def _object(self, value, node, pointer, path, owner, result, check_extra) -> None:
        properties = node.get("properties", {})
        known = self.known_properties(node)
        extra = node.get("additionalProperties")
        for name, item in value.items():
            if name in properties:
                sub = f"{pointer}/properties/{escape(name)}"
                self._walk(item, properties[name], sub, f"{path}.{name}", owner, result, True)
            elif isinstance(extra, dict):
                sub = f"{pointer}/additionalProperties"
                self._walk(item, extra, sub, f"{path}.{name}", owner, result, True)
            elif check_extra and name not in known and extra is not True and known:
                self._note(
                    result, "undocumented-field", pointer, name, f"{path}.{name}", owner, item
                )

    def known_properties(self, node: dict) -> set[str]:
        """Property names of the node and of everything it combines with allOf."""
        names = set(node.get("properties", {}))
        for branch in node.get("allOf", []):
            resolved, _ = self.resolve(branch, "")
            if isinstance(resolved, dict):
                names |= self.known_properties(resolved)
        return names

    def prune(self, value: Any, node: Any, check_extra: bool = True) -> None:
        """Drop the properties a schema does not name, in place (request bodies).

        Open schemas let Schemathesis add arbitrary keys; a target that stores and echoes them
        would look like it returns undocumented fields. Sending only documented ones keeps
        every undocumented field in a response the target's own.
        """
        node, _ = self.resolve(node, "")
        if not isinstance(node, dict):
            return
        for branch in node.get("allOf", []):
            self.prune(value, branch, check_extra=False)  # siblings may name the other keys
        if isinstance(value, list) and "items" in node:
            for item in value:
                self.prune(item, node["items"])
        if not isinstance(value, dict):
            return
        known = self.known_properties(node)
        properties = node.get("properties", {})
        extra = node.get("additionalProperties")
        for name in list(value):
            if name in properties:
                self.prune(value[name], properties[name])
            elif isinstance(extra, dict):
                self.prune(value[name], extra)
            elif check_extra and known and name not in known and extra is not True:
                del value[name]
