"""Walk a response body alongside its raw OpenAPI schema and note where they disagree.

A validator says "invalid"; drift needs more: *which spec element* is wrong (a JSON pointer a
patch can target) and *who vouched for it* (the nearest `x-provenance`). So this walks the raw
document, following `$ref`s while remembering where each schema node lives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spec.loader import follow_refs

JSON_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")


@dataclass(frozen=True)
class Mismatch:
    """One disagreement between a body and the schema node at `location`."""

    kind: str  # undocumented-field | missing-field | type-mismatch | enum-value
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


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(document: Any, pointer: str) -> Any:
    node = document
    for token in pointer.removeprefix("#").split("/")[1:]:
        token = unescape(token)
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


class SchemaWalker:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

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

    def walk_node(self, body: Any, node: Any) -> WalkResult:
        """Compare `body` with a schema node given by value (`$ref`s still resolve)."""
        result = WalkResult()
        self._walk(body, node, "", "$", ("", ""), result, True)
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
        if value is None and (node.get("nullable") or self._untyped(node)):
            return
        # allOf without nullable: null is wrong here (an anyOf/oneOf may have a null branch)
        if value is None and not any(key in node for key in ("type", "anyOf", "oneOf")):
            self._note(result, "type-mismatch", pointer, "null", path, owner, value)
            return
        for index, branch in enumerate(node.get("allOf", [])):
            self._walk(value, branch, f"{pointer}/allOf/{index}", path, owner, result, False)
        for keyword in ("oneOf", "anyOf"):
            if keyword in node and not self._any_branch(value, node, pointer, keyword, path):
                self._note(result, "type-mismatch", pointer, json_type(value), path, owner, value)
                return
        expected = node.get("type")
        if expected is not None and not type_matches(value, expected):
            self._note(result, "type-mismatch", pointer, json_type(value), path, owner, value)
            return
        if "enum" in node:
            result.enum_values.append((path, value))
            if value not in node["enum"]:
                self._note(result, "enum-value", pointer, repr(value), path, owner, value)
        if isinstance(value, dict):
            self._object(value, node, pointer, path, owner, result, check_extra)
        elif isinstance(value, list) and "items" in node:
            for item in value:
                self._walk(
                    item, node["items"], f"{pointer}/items", f"{path}[*]", owner, result, True
                )

    def _object(self, value, node, pointer, path, owner, result, check_extra) -> None:
        properties = node.get("properties", {})
        for name in node.get("required", []):
            if name not in value:
                prop_owner = owner
                prop = properties.get(name)
                if isinstance(prop, dict) and "x-provenance" in prop:
                    prop_owner = (f"{pointer}/properties/{escape(name)}", prop["x-provenance"])
                self._note(result, "missing-field", pointer, name, f"{path}.{name}", prop_owner)
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

    def _any_branch(self, value, node, pointer, keyword, path) -> bool:
        for index, branch in enumerate(node[keyword]):
            trial = WalkResult()
            self._walk(value, branch, f"{pointer}/{keyword}/{index}", path, ("", ""), trial, True)
            if not trial.mismatches:
                return True
        return False

    @staticmethod
    def _untyped(node: dict) -> bool:
        return not any(key in node for key in ("type", "allOf", "oneOf", "anyOf", "enum"))
