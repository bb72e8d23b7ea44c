"""Rules about composed schemas: `oneOf`/`anyOf` alternatives and `allOf` members.

A request that accepts fewer alternatives, or must now also satisfy another `allOf` member,
rejects bodies that were valid; a response with a new alternative may carry a shape clients
cannot read. Alternatives pair as in `children.match_members`.
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.diff.children import match_members
from conformance.diff.context import Flat, SchemaPair, join
from conformance.diff.model import Finding
from conformance.diff.registry import rule
from conformance.diff.rules_schema import LOOSER, TIGHTER


def _members(flat: Flat, key: str) -> list[object] | None:
    value = flat.get(key)
    return value if isinstance(value, list) else None


def _unmatched(pair: SchemaPair, key: str, removed: bool) -> Iterator[Finding]:
    old, new = _members(pair.old, key), _members(pair.new, key)
    if old is None or new is None:
        return
    _, gone, came = match_members(old, new)
    side, indexes = (pair.old, gone) if removed else (pair.new, came)
    members = old if removed else new
    verb = "removed" if removed else "added"
    for index in indexes:
        member = members[index]
        name = member.get("$ref", f"#{index}") if isinstance(member, dict) else f"#{index}"
        yield Finding(
            f"{pair.label()}: {key} alternative {name} {verb}", join(side.where(key), index)
        )


@rule(
    "composition-alternative-removed",
    scope="schema",
    **TIGHTER,
    summary="A oneOf/anyOf alternative was removed (a request accepts fewer shapes).",
    oasdiff="request-body-one-of-removed, request-property-one-of-removed, "
    "request-body-any-of-removed, request-property-any-of-removed",
)
def composition_alternative_removed(pair: SchemaPair) -> Iterator[Finding]:
    for key in ("oneOf", "anyOf"):
        yield from _unmatched(pair, key, removed=True)


@rule(
    "composition-alternative-added",
    scope="schema",
    **LOOSER,
    summary="A oneOf/anyOf alternative was added (a response may carry a new shape).",
    oasdiff="response-body-one-of-added, response-property-one-of-added, "
    "response-body-any-of-added, response-property-any-of-added",
)
def composition_alternative_added(pair: SchemaPair) -> Iterator[Finding]:
    for key in ("oneOf", "anyOf"):
        yield from _unmatched(pair, key, removed=False)


@rule(
    "one-of-introduced",
    scope="schema",
    request="breaking",
    response="breaking",
    summary="A plain schema was wrapped in oneOf: a request body valid against two alternatives "
    "is now rejected, and a response may take another shape.",
    oasdiff="(none: oasdiff reports the new alternatives, request-body-one-of-added / "
    "response-body-one-of-added)",
)
def one_of_introduced(pair: SchemaPair) -> Iterator[Finding]:
    if _members(pair.new, "oneOf") is not None and _members(pair.old, "oneOf") is None:
        yield Finding(f"{pair.label()}: now oneOf", pair.new.where("oneOf"))


@rule(
    "any-of-introduced",
    scope="schema",
    **LOOSER,
    summary="A plain schema was wrapped in anyOf (a response may take another shape).",
    oasdiff="response-body-any-of-added, response-property-any-of-added",
)
def any_of_introduced(pair: SchemaPair) -> Iterator[Finding]:
    if _members(pair.new, "anyOf") is not None and _members(pair.old, "anyOf") is None:
        yield Finding(f"{pair.label()}: now anyOf", pair.new.where("anyOf"))


def _all_of(pair: SchemaPair, removed: bool) -> Iterator[Finding]:
    """allOf members only one side has; wrapping a schema in allOf for the first time is left
    to the property rules, which see the merged result."""
    old, new = pair.old.all_of, pair.new.all_of
    if not old or not new:
        return
    _, gone, came = match_members(old, new)
    members, indexes = (old, gone) if removed else (new, came)
    pointer = pair.old.pointer if removed else pair.new.pointer
    verb = "removed" if removed else "added"
    for index in indexes:
        member = members[index]
        name = member.get("$ref", f"#{index}") if isinstance(member, dict) else f"#{index}"
        yield Finding(f"{pair.label()}: allOf member {name} {verb}", join(pointer, "allOf", index))


@rule(
    "all-of-member-added",
    scope="schema",
    **TIGHTER,
    summary="An allOf member was added: a request must now satisfy one more schema.",
    oasdiff="request-body-all-of-added, request-property-all-of-added",
)
def all_of_member_added(pair: SchemaPair) -> Iterator[Finding]:
    yield from _all_of(pair, removed=False)


@rule(
    "all-of-member-removed",
    scope="schema",
    **LOOSER,
    summary="An allOf member was removed: a response no longer promises that schema.",
    oasdiff="response-body-all-of-removed, response-property-all-of-removed",
)
def all_of_member_removed(pair: SchemaPair) -> Iterator[Finding]:
    yield from _all_of(pair, removed=True)
