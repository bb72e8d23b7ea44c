"""Every error a JSON Schema validator reports for a response, pinned to the spec element it breaks.

Drift used to compare bodies with a walker of its own that knew a few kinds of difference and
never looked at `pattern`, `format`, bounds or lengths. Here jsonschema (Draft 4, the dialect
OpenAPI 3.0 schemas extend) judges the body against the raw document, so every keyword counts.
Each error's schema path is replayed through the document, following `$ref`s, to find the node
whose keyword failed and the nearest node above it that carries `x-provenance`.
"""

from __future__ import annotations

import ast
import copy
import functools
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft4Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from conformance.drift.walk import escape, json_type, resolve_pointer

# schema path steps to another value: after "properties" or "patternProperties" (then a name),
# or "items" / "additionalProperties" themselves
VALUE_STEPS = ("properties", "patternProperties", "items", "additionalProperties")
# validator keyword -> finding kind (every other keyword is its own kind: pattern, format, ...)
KINDS = {"required": "missing-field", "type": "type-mismatch", "enum": "enum-value"}


@dataclass(frozen=True)
class SchemaError:
    """One validator error, placed in the spec."""

    kind: str  # missing-field | type-mismatch | enum-value | nullable | pattern | format | ...
    keyword: str  # the JSON Schema keyword that failed
    location: str  # JSON pointer of the schema node holding the keyword
    name: str  # the missing field, the observed type or value, or the keyword's value
    instance_path: str  # where in the body ($.order.id)
    element: str  # JSON pointer of the nearest node carrying x-provenance
    provenance: str
    observed: Any = None
    elements: tuple[str, ...] = ()  # every element on the way down, `element` last


def openapi_to_draft4(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of the document where `nullable: true` means what it says to a Draft 4 validator.

    Only keywords change, never the shape, so every pointer into the copy names the same node
    of the original (the one a patch changes)."""
    copied = copy.deepcopy(document)
    _nullable(copied)
    return copied


def _nullable(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _nullable(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("nullable") is True and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
        if isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
    for value in node.values():
        _nullable(value)


class ResponseJudge:
    """Validate bodies against schemas of one document, by the schema's JSON pointer."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.draft4 = openapi_to_draft4(document)
        self.format_checker = FormatChecker()

    @functools.cache  # noqa: B019  (one judge per drift run; pointers are few)
    def _validator(self, pointer: str) -> Draft4Validator:
        # A root that is the whole document plus a $ref: Draft 4 ignores $ref's siblings, and
        # every `#/components/...` inside resolves against the document itself.
        root = {**self.draft4, "$ref": pointer}
        return Draft4Validator(root, format_checker=self.format_checker)

    def errors(self, body: Any, pointer: str, element: str, provenance: str) -> list[SchemaError]:
        """The errors of `body` against the schema at `pointer`; `element`/`provenance` apply
        where no node on the way carries x-provenance (usually the operation's)."""
        placed = [
            self._place(error, pointer, (element, provenance))
            for error in self._validator(pointer).iter_errors(body)
        ]
        # A value of the wrong type breaks its other keywords too (enum, pattern): keep the type.
        mistyped = {(e.location, e.instance_path) for e in placed if e and e.keyword == "type"}
        unique = {
            (e.kind, e.location, e.name, e.instance_path): e
            for e in placed
            if e and (e.keyword == "type" or (e.location, e.instance_path) not in mistyped)
        }
        return list(unique.values())

    def is_valid(self, body: Any, pointer: str) -> bool:
        return self._validator(pointer).is_valid(body)

    def _place(
        self, error: ValidationError, start: str, owner: tuple[str, str]
    ) -> SchemaError | None:
        path = list(error.absolute_schema_path)[:-1]  # up to the keyword
        location, owner, nullable, owners = self._replay(path, start, owner)
        if nullable and error.instance is None:
            return None
        keyword = str(error.validator)
        kind = KINDS.get(keyword, keyword)
        if keyword in ("type", "enum") and error.instance is None:
            kind = "nullable"  # both keywords refuse a null; one finding says so
        observed = None if keyword == "required" else error.instance
        return SchemaError(
            kind,
            keyword,
            location,
            self._name(error),
            error.json_path,
            owner[0],
            owner[1],
            observed,
            owners,
        )

    @staticmethod
    def _name(error: ValidationError) -> str:
        if error.validator == "required":  # one error per missing name: "'x' is a required ..."
            return str(ast.literal_eval(error.message.split(" is a required property")[0]))
        if error.validator == "type" or error.instance is None:
            return json_type(error.instance)
        if error.validator == "enum":
            return repr(error.instance)
        return str(error.validator_value)

    def _replay(
        self, path: list[Any], start: str, owner: tuple[str, str]
    ) -> tuple[str, tuple[str, str], bool, tuple[str, ...]]:
        """Follow a validator's schema path from `start` through the document; returns the
        pointer of the node holding the failed keyword, the nearest owner on the way, every
        owner on the way (none of them is confirmed by this value), and whether a node for this same value said `nullable` (OpenAPI 3.0 writes a nullable
        object as `nullable` next to an `allOf` whose branch a Draft 4 validator sees alone).
        (The validator's path goes through `$ref`s without naming them: follow each one.)"""
        pointer, node = start, resolve_pointer(self.document, start)
        pointer, node, owner = self._follow(pointer, node, owner)
        nullable, previous, owners = _nullable_node(node), None, [owner[0]]
        for token in path:
            pointer = f"{pointer}/{escape(str(token))}"
            node = node[token] if isinstance(node, list) else node[str(token)]
            pointer, node, owner = self._follow(pointer, node, owner)
            if owner[0] != owners[-1]:
                owners.append(owner[0])
            if previous in VALUE_STEPS[:2] or token in VALUE_STEPS[2:]:
                nullable = False  # a step into a property or an item: another value
            nullable = nullable or _nullable_node(node)
            previous = token
        return pointer, owner, nullable, tuple(owners)

    def _follow(self, pointer: str, node: Any, owner: tuple[str, str]):
        while True:
            if isinstance(node, dict) and "x-provenance" in node:
                owner = (pointer, str(node["x-provenance"]))
            if not (isinstance(node, dict) and "$ref" in node):
                return pointer, node, owner
            pointer = node["$ref"]
            node = resolve_pointer(self.document, pointer)


def _nullable_node(node: Any) -> bool:
    return isinstance(node, dict) and node.get("nullable") is True
