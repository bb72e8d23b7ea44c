"""Every error a JSON Schema validator reports for a response, pinned to the spec element it breaks.

Drift used to compare bodies with a walker of its own that knew a few kinds of difference and
never looked at `pattern`, `format`, bounds or lengths. Here jsonschema judges the body against
the raw document (2020-12 for OpenAPI 3.1, Draft 4 for 3.0), so every keyword counts.
Each error's schema path is replayed through the document, following `$ref`s, to find the node
whose keyword failed and the nearest node above it that carries `x-provenance`.
"""

from __future__ import annotations

import ast
import copy
import functools
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

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
    observed: object = None
    elements: tuple[str, ...] = ()  # every element on the way down, `element` last


def openapi_to_draft4(document: dict[str, object]) -> dict[str, object]:
    """A copy of the document where `nullable: true` means what it says to a Draft 4 validator.

    Only keywords change, never the shape, so every pointer into the copy names the same node
    of the original (the one a patch changes)."""
    copied = copy.deepcopy(document)
    _nullable(copied)
    return copied


def _nullable(node: object) -> None:
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

    def __init__(self, document: dict[str, object]) -> None:
        self.document = document
        # OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0 ones extend Draft 4 (with nullable).
        self.dialect: type[Validator]
        if str(document.get("openapi", "")).startswith("3.0"):
            self.schema_document, self.dialect = openapi_to_draft4(document), Draft4Validator
        else:
            self.schema_document, self.dialect = document, Draft202012Validator
        self.format_checker = FormatChecker()

    @functools.cache  # noqa: B019  (one judge per drift run; pointers are few)
    def _validator(self, pointer: str) -> Validator:
        # A root that is the whole document plus a $ref: every `#/components/...` inside
        # resolves against the document itself, whose own keys are no schema keywords.
        root = {**self.schema_document, "$ref": pointer}
        return self.dialect(root, format_checker=self.format_checker)

    def errors(self, body: Any, pointer: str, element: str, provenance: str) -> list[SchemaError]:
        """The errors of `body` against the schema at `pointer`; `element`/`provenance` apply
        where no node on the way carries x-provenance (usually the operation's)."""
        placed = [
            self._place(leaf, pointer, (element, provenance))
            for error in self._validator(pointer).iter_errors(body)
            for leaf in _leaves(error)
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
        path = list(error.absolute_schema_path)  # down to the failed keyword
        location, owner, nullable, owners = self._replay(path, start, owner)
        if nullable and error.instance is None:
            return None
        keyword = str(error.validator)
        kind = KINDS.get(keyword, keyword)
        if keyword in ("anyOf", "oneOf") and _only_types(error):
            keyword = kind = "type-mismatch"  # no branch takes this type: that is what to say
        if keyword in ("type", "enum", "type-mismatch") and error.instance is None:
            kind = "nullable"  # they all refuse a null; one finding says so
        observed = None if keyword == "required" else error.instance
        return SchemaError(
            kind,
            keyword,
            location,
            json_type(error.instance)
            if kind in ("type-mismatch", "nullable")
            else self._name(error),
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
        if error.validator in ("anyOf", "oneOf"):
            return "no branch fits" if error.validator == "anyOf" else "not exactly one branch fits"
        return str(error.validator_value)

    def _replay(
        self, path: list[Any], start: str, owner: tuple[str, str]
    ) -> tuple[str, tuple[str, str], bool, tuple[str, ...]]:
        """Follow a validator's schema path (ending in the failed keyword) from `start` through
        the document; returns the pointer of the node holding the keyword, the nearest owner on
        the way, every owner on the way (none of them is confirmed by this value), and whether
        a node for this same value said `nullable` (OpenAPI 3.0 writes a nullable object as
        `nullable` next to an `allOf` whose branch a Draft 4 validator sees alone).
        The validator's path goes through `$ref`s without naming them: a token the node does
        not have is in the node its `$ref` names."""
        pointer, node = start, resolve_pointer(self.document, start)
        owners: list[str]
        nullable, previous, owners = False, None, []
        for index, token in enumerate(path):
            while isinstance(node, dict) and str(token) not in node and "$ref" in node:
                owner = self._own(pointer, node, owner, owners)
                nullable = nullable or _nullable_node(node)
                pointer = node["$ref"]
                node = resolve_pointer(self.document, pointer)
            owner = self._own(pointer, node, owner, owners)
            nullable = nullable or _nullable_node(node)
            if index == len(path) - 1:
                break  # the keyword itself: `pointer` is the node holding it
            pointer = f"{pointer}/{escape(str(token))}"
            node = node[token] if isinstance(node, list) else node[str(token)]
            if previous in VALUE_STEPS[:2] or token in VALUE_STEPS[2:]:
                nullable = False  # a step into a property or an item: another value
            previous = token
        return pointer, owner, nullable, tuple(owners)

    @staticmethod
    def _own(
        pointer: str, node: object, owner: tuple[str, str], owners: list[str]
    ) -> tuple[str, str]:
        if isinstance(node, dict) and "x-provenance" in node:
            owner = (pointer, str(node["x-provenance"]))
        if not owners or owners[-1] != owner[0]:
            owners.append(owner[0])
        return owner


def _nullable_node(node: object) -> bool:
    return isinstance(node, dict) and node.get("nullable") is True


def _only_types(error: ValidationError) -> bool:
    """Every branch of an anyOf/oneOf refused the value for its type alone."""
    return bool(error.context) and all(c.validator == "type" for c in error.context)


def _leaves(error: ValidationError) -> list[ValidationError]:
    """An anyOf/oneOf no branch took, as the errors inside the branches that came close: a
    branch that refused the value's type alone (the `null` of a nullable) says nothing."""
    if error.validator not in ("anyOf", "oneOf") or not error.context or _only_types(error):
        return [error]
    closer = [
        c for c in error.context if not (c.validator == "type" and len(c.relative_schema_path) <= 2)
    ]
    return [leaf for c in closer for leaf in _leaves(c)] or [error]
