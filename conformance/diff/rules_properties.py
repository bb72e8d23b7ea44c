"""Rules about an object's properties: added, removed, required or optional, and
additionalProperties. A readOnly property is never sent, so request rules skip it; a writeOnly
one is never returned, so response rules skip it (`context.visible`): a property that turns
readOnly leaves the request as a removed one would, and one that stops being readOnly joins it
as a new one. When one side is a oneOf/anyOf and the other
is not, the properties are not comparable and `rules_composition` reports the change instead."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance.diff.context import HIDDEN, Prop, SchemaPair, is_hidden, visible
from conformance.diff.model import Finding
from conformance.diff.registry import rule


def _added(pair: SchemaPair, required: bool) -> Iterator[tuple[str, Prop]]:
    """Properties that became part of the message (new, or no longer readOnly/writeOnly)."""
    if not _comparable(pair):
        return
    old = visible(pair, pair.old)
    for name, prop in visible(pair, pair.new).items():
        if name not in old and (name in pair.new.required) == required:
            yield name, prop


def _comparable(pair: SchemaPair) -> bool:
    return all(pair.old.has(key) == pair.new.has(key) for key in ("oneOf", "anyOf"))


def _removed(pair: SchemaPair, required: bool) -> Iterator[tuple[str, Prop]]:
    """Properties that left the message (removed, or now readOnly/writeOnly)."""
    if not _comparable(pair):
        return
    new = visible(pair, pair.new)
    for name, prop in visible(pair, pair.old).items():
        if name not in new and (name in pair.old.required) == required:
            yield name, prop


def _gone(pair: SchemaPair, name: str) -> str:
    """How a property left the message: removed, or hidden by readOnly/writeOnly."""
    if name in pair.new.properties:
        return f"became {HIDDEN[pair.direction]} (no longer part of the {pair.direction})"
    return "removed"


def _bare(pair: SchemaPair, required: bool) -> Iterator[str]:
    """Names that became required (or optional) without a `properties` entry on either side,
    as in `then: {required: [b]}`."""
    declared = set(pair.old.properties) | set(pair.new.properties)
    now, was = (pair.new.required, pair.old.required)
    for name in sorted((now - was) if required else (was - now)):
        if name not in declared:
            yield name


def _server_set(pair: SchemaPair) -> bool:
    """Every property the NEW schema declares is readOnly: it describes what the server fills
    in, so an undeclared name added to its `required` is read as one more such property."""
    props = pair.new.properties
    return bool(props) and all(is_hidden(prop, "readOnly") for prop in props.values())


SERVER_SET = (
    "every property this schema declares is readOnly, so the undeclared name is taken as one "
    "more server-set property, which clients do not send"
)


def _became(pair: SchemaPair, required: bool) -> Iterator[tuple[str, Prop]]:
    old = visible(pair, pair.old)
    for name, prop in visible(pair, pair.new).items():
        if name not in old:
            continue
        was, now = name in pair.old.required, name in pair.new.required
        if now == required and was != required:
            yield name, prop


# ---------------------------------------------------------------------- request side
@rule(
    "request-property-required-added",
    scope="schema",
    request="breaking",
    summary="A new property that requests must carry.",
    oasdiff="new-required-request-property, new-required-request-property-with-default",
)
def request_property_required_added(pair: SchemaPair) -> Iterator[Finding]:
    for name, prop in _added(pair, required=True):
        yield Finding(f"new required {pair.prop_label(name)}", prop.pointer)


@rule(
    "request-property-became-required",
    scope="schema",
    request="breaking",
    summary="An optional request property became required.",
    oasdiff="request-property-became-required, request-property-became-required-with-default",
)
def request_property_became_required(pair: SchemaPair) -> Iterator[Finding]:
    for name, prop in _became(pair, required=True):
        yield Finding(
            f"{pair.prop_label(name)} became required",
            prop.pointer,
            inferred=pair.old.properties[name].inferred,
        )
    lowered = SERVER_SET if _server_set(pair) else None
    for name in _bare(pair, required=True):
        message = f"{pair.prop_label(name)} became required"
        yield Finding(message, pair.new.where("required"), lowered=lowered)


@rule(
    "request-property-added",
    scope="schema",
    request="info",
    summary="A new optional request property.",
    oasdiff="new-optional-request-property",
)
def request_property_added(pair: SchemaPair) -> Iterator[Finding]:
    for name, prop in _added(pair, required=False):
        yield Finding(f"new optional {pair.prop_label(name)}", prop.pointer)


@rule(
    "request-property-became-optional",
    scope="schema",
    request="info",
    summary="A required request property became optional.",
    oasdiff="request-property-became-optional",
)
def request_property_became_optional(pair: SchemaPair) -> Iterator[Finding]:
    for name, prop in _became(pair, required=False):
        yield Finding(f"{pair.prop_label(name)} became optional", prop.pointer)


@rule(
    "request-property-removed",
    scope="schema",
    request="warning",
    summary="A request property is gone (clients still sending it may be rejected or ignored).",
    oasdiff="request-property-removed",
)
def request_property_removed(pair: SchemaPair) -> Iterator[Finding]:
    for required in (True, False):
        for name, prop in _removed(pair, required):
            yield Finding(
                f"{pair.prop_label(name)} {_gone(pair, name)}",
                prop.pointer,
                inferred=prop.inferred,
            )


# ---------------------------------------------------------------------- response side
@rule(
    "response-property-removed",
    scope="schema",
    response="breaking",
    summary="A required response property is gone.",
    oasdiff="response-required-property-removed",
)
def response_property_removed(pair: SchemaPair) -> Iterator[Finding]:
    for name, prop in _removed(pair, required=True):
        yield Finding(
            f"{pair.prop_label(name)} {_gone(pair, name)}", prop.pointer, inferred=prop.inferred
        )


@rule(
    "response-optional-property-removed",
    scope="schema",
    response="warning",
    summary="An optional response property is gone (clients that read it get nothing).",
    oasdiff="response-optional-property-removed",
)
def response_optional_property_removed(pair: SchemaPair) -> Iterator[Finding]:
    for name, prop in _removed(pair, required=False):
        yield Finding(
            f"optional {pair.prop_label(name)} {_gone(pair, name)}",
            prop.pointer,
            inferred=prop.inferred,
        )


@rule(
    "response-property-became-optional",
    scope="schema",
    response="breaking",
    summary="A required response property became optional (clients may find it missing).",
    oasdiff="response-property-became-optional",
)
def response_property_became_optional(pair: SchemaPair) -> Iterator[Finding]:
    for name, prop in _became(pair, required=False):
        yield Finding(
            f"{pair.prop_label(name)} became optional",
            prop.pointer,
            inferred=pair.old.properties[name].inferred,
        )
    for name in _bare(pair, required=False):
        yield Finding(f"{pair.prop_label(name)} became optional", pair.old.where("required"))


@rule(
    "response-property-became-required",
    scope="schema",
    response="info",
    summary="An optional response property is now always present.",
    oasdiff="response-property-became-required",
)
def response_property_became_required(pair: SchemaPair) -> Iterator[Finding]:
    for name, prop in _became(pair, required=True):
        yield Finding(f"{pair.prop_label(name)} became required", prop.pointer)


@rule(
    "response-property-added",
    scope="schema",
    response="info",
    summary="A new response property.",
    oasdiff="response-optional-property-added, response-required-property-added",
)
def response_property_added(pair: SchemaPair) -> Iterator[Finding]:
    for required in (True, False):
        for name, prop in _added(pair, required):
            yield Finding(f"new {pair.prop_label(name)}", prop.pointer)


# ---------------------------------------------------------------------- additionalProperties
def _openness(value: Any) -> int:
    """2 = any extra key, 1 = extra keys of a schema, 0 = no extra keys."""
    if value is None or value is True:
        return 2
    if value is False:
        return 0
    return 1


def _additional(pair: SchemaPair) -> tuple[int, int]:
    if "object" not in (pair.old.types | pair.new.types) and not pair.new.properties:
        return (2, 2)
    old = _openness(pair.old.get("additionalProperties"))
    new = _openness(pair.new.get("additionalProperties"))
    return old, new


@rule(
    "additional-properties-restricted",
    scope="schema",
    request="breaking",
    response="info",
    summary="additionalProperties was narrowed (e.g. to false): extra keys are now rejected.",
    oasdiff="(none; oasdiff reports additionalProperties schema changes as property changes)",
)
def additional_properties_restricted(pair: SchemaPair) -> Iterator[Finding]:
    old, new = _additional(pair)
    if new < old:
        yield Finding(f"{pair.label()}: additionalProperties restricted", where_additional(pair))


@rule(
    "additional-properties-relaxed",
    scope="schema",
    request="info",
    response="warning",
    summary="additionalProperties was widened: responses may carry unknown keys.",
    oasdiff="(none)",
)
def additional_properties_relaxed(pair: SchemaPair) -> Iterator[Finding]:
    old, new = _additional(pair)
    if new > old:
        yield Finding(f"{pair.label()}: additionalProperties relaxed", where_additional(pair))


def where_additional(pair: SchemaPair) -> str:
    key = "additionalProperties"
    return pair.new.where(key) if pair.new.has(key) else pair.old.where(key)
