"""The element pairs that rules are called with, and the helpers that build them.

`$ref`s are followed through `spec.loader.Spec.pointer`; every hop is checked for
`x-provenance: inferred` so that a change below an inferred element can be downgraded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from conformance.diff.policy import Policy
from spec.loader import Spec, follow_refs
from spec.pointer import join as join  # the rule modules build locations with it

INFERRED = "inferred"
# Extensions that constrain values, so the schema rules see them.
KEPT_EXTENSIONS = frozenset({"x-extensible-enum"})


def is_inferred(node: Any) -> bool:
    return isinstance(node, dict) and node.get("x-provenance") == INFERRED


def canonical(value: Any) -> str:
    """A hashable, order-stable form of a JSON value (enum members, defaults)."""
    return json.dumps(value, sort_keys=True, default=str)


@dataclass(frozen=True)
class Resolved:
    node: Any
    pointer: str
    inferred: bool
    refs: frozenset[str]


def resolve(spec: Spec, node: Any, pointer: str) -> Resolved:
    """Follow `$ref`s from `node`, keeping the target's pointer and every hop's provenance."""
    hops: list[Any] = []

    def lookup(ref: str) -> Any:
        hops.append(spec.pointer(ref))
        return hops[-1]

    target, trail = follow_refs(node, lookup)
    inferred = is_inferred(node) or any(is_inferred(hop) for hop in hops)
    return Resolved(target, trail[-1][1:] if trail else pointer, inferred, frozenset(trail))


@dataclass(frozen=True)
class Prop:
    node: Any  # raw (may be a $ref)
    pointer: str
    inferred: bool  # the property or the schema it came from is inferred


@dataclass
class Flat:
    """A schema with its `$ref` followed and its `allOf` members merged."""

    pointer: str
    inferred: bool
    refs: frozenset[str]
    keys: dict[str, tuple[Any, str]] = field(default_factory=dict)  # keyword -> (value, owner ptr)
    properties: dict[str, Prop] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)
    all_of: list[Any] = field(default_factory=list)  # the schema's own allOf members, raw
    null_branch: bool = False  # written as `anyOf`/`oneOf` [schema, {type: "null"}]

    def same_as(self, other: Flat) -> bool:
        """Whether both schemas say the same at this level (sub-schemas behind `$ref`s may still
        differ): every schema rule compares the two sides, so equal sides give no finding."""
        if (
            self.keys.keys() != other.keys.keys()
            or self.properties.keys() != other.properties.keys()
        ):
            return False
        if self.required != other.required or self.all_of != other.all_of:
            return False
        if self.null_branch != other.null_branch:
            return False
        return all(self.keys[k][0] == other.keys[k][0] for k in self.keys) and all(
            self.properties[n].node == other.properties[n].node for n in self.properties
        )

    def get(self, key: str, default: Any = None) -> Any:
        entry = self.keys.get(key)
        return default if entry is None else entry[0]

    def has(self, key: str) -> bool:
        return key in self.keys

    def where(self, key: str) -> str:
        entry = self.keys.get(key)
        return join(entry[1] if entry else self.pointer, key)

    @property
    def types(self) -> frozenset[str]:
        value = self.get("type")
        if value is None:
            return frozenset()
        values = value if isinstance(value, list) else [value]
        return frozenset(str(v) for v in values if v != "null")

    @property
    def nullable(self) -> bool:
        value = self.get("type")
        listed = isinstance(value, list) and "null" in value
        return self.null_branch or bool(self.get("nullable", False)) or listed


NULL_SCHEMA = {"type": "null"}


def null_wrapped(body: dict[str, Any]) -> tuple[str, int] | None:
    """(`anyOf`|`oneOf`, the index of the one other branch) of a schema that is 3.1's
    spelling of a nullable schema, `[schema, {type: "null"}]`: it means what 3.0's
    `nullable: true` beside the schema meant, so both spellings flatten alike and moving
    between them is no change."""
    for key in ("anyOf", "oneOf"):
        members = body.get(key)
        if isinstance(members, list) and len(members) == 2 and NULL_SCHEMA in members:
            return key, 1 - members.index(NULL_SCHEMA)
    return None


def flatten(spec: Spec, node: Any, pointer: str, stack: frozenset[str]) -> Flat | None:
    """Resolve and merge a schema; None when it re-enters a `$ref` already on `stack` (a cycle)."""
    target = resolve(spec, node, pointer)
    if target.refs & stack:
        return None
    flat = Flat(target.pointer, target.inferred, target.refs)
    body = target.node if isinstance(target.node, dict) else {}
    flat.all_of = list(body.get("allOf") or [])
    merged = [(m, join(target.pointer, "allOf", i)) for i, m in enumerate(flat.all_of)]
    wrapped = null_wrapped(body)
    if wrapped is not None:
        flat.null_branch = True
        merged.append((body[wrapped[0]][wrapped[1]], join(target.pointer, *wrapped)))
    for key, value in body.items():
        if key == "properties" and isinstance(value, dict):
            for name, sub in value.items():
                prop_ptr = join(target.pointer, "properties", name)
                flat.properties[name] = Prop(sub, prop_ptr, target.inferred or is_inferred(sub))
        elif key == "required" and isinstance(value, list):
            flat.required.update(str(name) for name in value)
        elif key == "allOf" or (wrapped is not None and key == wrapped[0]):
            continue
        elif not key.startswith("x-") or key in KEPT_EXTENSIONS:
            flat.keys[key] = (value, target.pointer)
    for member, member_pointer in merged:
        sub = flatten(spec, member, member_pointer, stack | target.refs)
        if sub is None:
            continue
        for key, entry in sub.keys.items():
            flat.keys.setdefault(key, entry)
        for name, prop in sub.properties.items():
            flat.properties.setdefault(name, prop)
        flat.required |= sub.required
        flat.refs = flat.refs | sub.refs
    return flat


# Which flag keeps a property out of which message: clients never send readOnly properties,
# and servers never return writeOnly ones.
HIDDEN = {"request": "readOnly", "response": "writeOnly"}


def is_hidden(prop: Prop, flag: str) -> bool:
    """The property carries `flag` (beside its `$ref`, or in one of its `allOf` members)."""
    node = prop.node
    if not isinstance(node, dict):
        return False
    members = [m for m in node.get("allOf") or [] if isinstance(m, dict)]
    return bool(node.get(flag)) or any(m.get(flag) for m in members)


def visible(pair: SchemaPair, flat: Flat) -> dict[str, Prop]:
    """The properties of one side that are part of the pair's message (request or response)."""
    flag = HIDDEN.get(pair.direction)
    if flag is None:
        return flat.properties
    return {name: prop for name, prop in flat.properties.items() if not is_hidden(prop, flag)}


# ---------------------------------------------------------------------- the pairs rules receive
@dataclass(frozen=True)
class DocumentPair:
    old: Spec
    new: Spec


@dataclass(frozen=True)
class PathPair:
    path: str
    old: dict[str, Any] | None  # path items, resolved
    new: dict[str, Any] | None
    old_pointer: str
    new_pointer: str
    inferred: bool  # every operation of the OLD path item is inferred
    root: str = "paths"  # or "webhooks"
    policy: Policy = field(default_factory=Policy)


@dataclass(frozen=True)
class ParamRef:
    node: dict[str, Any]  # resolved parameter object
    pointer: str
    inferred: bool
    slot: str | None = None  # path parameters match by position, so a rename is no change

    @property
    def name(self) -> str:
        return str(self.node.get("name"))

    @property
    def key(self) -> tuple[str, str]:
        return (self.slot or self.name, str(self.node.get("in")))

    @property
    def required(self) -> bool:
        return bool(self.node.get("required", self.node.get("in") == "path"))


@dataclass(frozen=True)
class OperationPair:
    operation: str  # "POST /v1/notes"
    old: dict[str, Any]
    new: dict[str, Any]
    old_pointer: str
    new_pointer: str
    old_security: list[dict[str, list[str]]]  # effective (operation or document default)
    new_security: list[dict[str, list[str]]]
    old_params: dict[tuple[str, str], ParamRef]
    new_params: dict[tuple[str, str], ParamRef]
    old_body: Resolved | None
    new_body: Resolved | None
    inferred: bool
    policy: Policy = field(default_factory=Policy)


@dataclass(frozen=True)
class ParameterPair:
    operation: str
    old: ParamRef
    new: ParamRef
    inferred: bool


@dataclass(frozen=True)
class ResponsePair:
    operation: str
    status: str
    old: Resolved
    new: Resolved
    old_links: dict[str, Any]  # name -> resolved link object
    new_links: dict[str, Any]
    inferred: bool


@dataclass(frozen=True)
class SchemaPair:
    operation: str | None
    direction: str  # request | response
    subject: str  # "request body", "response 200", "query parameter `page`"
    path: str  # property path below the subject: "", "items[].sku"
    old: Flat
    new: Flat
    inferred: bool
    kind: str = "body"  # or "parameter": the schema of a parameter

    def label(self) -> str:
        return f"{self.subject} property `{self.path}`" if self.path else self.subject

    def prop_label(self, prop: str) -> str:
        return f"{self.subject} property `{self.child(prop)}`"

    def child(self, prop: str) -> str:
        return f"{self.path}.{prop}" if self.path else prop
