"""Rules about one schema: type, format, enum, nullability, bounds, pattern, default.

Each rule runs on request schemas (bodies and parameters) and response schemas, with a level
per direction: a request that accepts less breaks clients, a response that may contain more
breaks clients; the opposite moves are harmless (info).
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.diff.context import Flat, SchemaPair, canonical
from conformance.diff.model import Finding, Level
from conformance.diff.registry import rule

TIGHTER: dict[str, Level] = {"request": "breaking", "response": "info"}
LOOSER: dict[str, Level] = {"request": "info", "response": "breaking"}
# Patterns that match every string: setting one of these is removing the pattern.
MATCH_ALL = frozenset({".*", "^.*$", "^.*", ".*$", "(.*)", "^(.*)$", "[\\s\\S]*"})


def where(pair: SchemaPair, key: str) -> str:
    """Pointer to `key` in NEW when it is there, else to where it was in OLD."""
    return pair.new.where(key) if pair.new.has(key) else pair.old.where(key)


# ---------------------------------------------------------------------- type and format
@rule(
    "type-changed",
    scope="schema",
    request="breaking",
    response="breaking",
    summary="The JSON type changed (e.g. integer -> string).",
    oasdiff="request-property-type-changed, request-parameter-type-changed, "
    "request-body-type-changed, response-property-type-changed, response-body-type-changed",
)
def type_changed(pair: SchemaPair) -> Iterator[Finding]:
    old, new = pair.old.types, pair.new.types
    if not old or not new or old == new:
        return
    wide, narrow = (new, old) if pair.direction == "request" else (old, new)
    if _covers(wide, narrow):
        return  # a request that accepts more, or a response that carries less
    yield Finding(
        f"{pair.label()}: type changed from {'/'.join(sorted(old))} to {'/'.join(sorted(new))}",
        where(pair, "type"),
    )


def _covers(wide: frozenset[str], narrow: frozenset[str]) -> bool:
    """Every value of a `narrow` type is a value of a `wide` one (an integer is a number)."""
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


@rule(
    "format-changed",
    scope="schema",
    request="breaking",
    response="breaking",
    summary="The format changed from one value to another (e.g. date -> date-time).",
    oasdiff="request-property-type-changed, response-property-type-changed (type/format)",
)
def format_changed(pair: SchemaPair) -> Iterator[Finding]:
    old, new = pair.old.get("format"), pair.new.get("format")
    if old is not None and new is not None and old != new:
        yield Finding(f"{pair.label()}: format changed from {old} to {new}", where(pair, "format"))


@rule(
    "format-added",
    scope="schema",
    **TIGHTER,
    summary="A format was added where there was none (a request accepts fewer strings).",
    oasdiff="request-property-type-changed, response-property-type-changed (type/format)",
)
def format_added(pair: SchemaPair) -> Iterator[Finding]:
    if pair.new.has("format") and not pair.old.has("format"):
        yield Finding(
            f"{pair.label()}: format {pair.new.get('format')} added", where(pair, "format")
        )


@rule(
    "format-removed",
    scope="schema",
    **LOOSER,
    summary="A format was removed (a response may carry any string).",
    oasdiff="request-property-type-changed, response-property-type-changed (type/format)",
)
def format_removed(pair: SchemaPair) -> Iterator[Finding]:
    if pair.old.has("format") and not pair.new.has("format"):
        yield Finding(
            f"{pair.label()}: format {pair.old.get('format')} removed", where(pair, "format")
        )


# ---------------------------------------------------------------------- enum
def _enum(flat: Flat) -> dict[str, object] | None:
    values = flat.get("enum")
    if not isinstance(values, list):
        return None
    return {canonical(v): v for v in values}


def _enum_diff(pair: SchemaPair, removed: bool) -> Iterator[Finding]:
    old, new = _enum(pair.old), _enum(pair.new)
    if old is None or new is None:
        return
    gone = (
        [old[k] for k in old if k not in new] if removed else [new[k] for k in new if k not in old]
    )
    if gone:
        verb = "removed" if removed else "added"
        values = ", ".join(repr(v) for v in gone)
        yield Finding(f"{pair.label()}: enum value(s) {values} {verb}", where(pair, "enum"))


@rule(
    "request-enum-value-removed",
    scope="schema",
    request="breaking",
    summary="A request enum lost a value that clients may send.",
    oasdiff="request-property-enum-value-removed, request-parameter-enum-value-removed, "
    "request-body-enum-value-removed",
)
def request_enum_value_removed(pair: SchemaPair) -> Iterator[Finding]:
    yield from _enum_diff(pair, removed=True)


@rule(
    "enum-added-to-request",
    scope="schema",
    request="info",
    summary="A request enum accepts a new value.",
    oasdiff="request-property-enum-value-added, request-parameter-enum-value-added",
)
def enum_added_to_request(pair: SchemaPair) -> Iterator[Finding]:
    yield from _enum_diff(pair, removed=False)


@rule(
    "response-enum-value-added",
    scope="schema",
    response="warning",
    summary="A response enum gained a value that clients may not handle.",
    oasdiff="response-property-enum-value-added, response-mediatype-enum-value-added",
)
def response_enum_value_added(pair: SchemaPair) -> Iterator[Finding]:
    yield from _enum_diff(pair, removed=False)


@rule(
    "response-enum-value-removed",
    scope="schema",
    response="info",
    summary="A response enum lost a value (the server returns fewer values).",
    oasdiff="response-property-enum-value-removed, response-mediatype-enum-value-removed",
)
def response_enum_value_removed(pair: SchemaPair) -> Iterator[Finding]:
    yield from _enum_diff(pair, removed=True)


@rule(
    "enum-restriction-added",
    scope="schema",
    **TIGHTER,
    summary="A free value was restricted to an enum.",
    oasdiff="request-property-became-enum, request-parameter-became-enum, request-body-became-enum",
)
def enum_restriction_added(pair: SchemaPair) -> Iterator[Finding]:
    if _enum(pair.new) is not None and _enum(pair.old) is None:
        yield Finding(f"{pair.label()}: restricted to an enum", where(pair, "enum"))


@rule(
    "enum-restriction-removed",
    scope="schema",
    **LOOSER,
    summary="An enum was dropped; any value of the type is now allowed.",
    oasdiff="(none)",
)
def enum_restriction_removed(pair: SchemaPair) -> Iterator[Finding]:
    if _enum(pair.old) is not None and _enum(pair.new) is None:
        yield Finding(f"{pair.label()}: enum restriction removed", where(pair, "enum"))


# ---------------------------------------------------------------------- nullable
@rule(
    "nullable-removed",
    scope="schema",
    **TIGHTER,
    summary="null is no longer allowed.",
    oasdiff="request-property-became-not-nullable, request-parameter-became-not-nullable, "
    "request-body-became-not-nullable",
)
def nullable_removed(pair: SchemaPair) -> Iterator[Finding]:
    if pair.old.nullable and not pair.new.nullable:
        yield Finding(f"{pair.label()}: no longer nullable", where(pair, _null_key(pair)))


@rule(
    "nullable-added",
    scope="schema",
    request="info",
    response="breaking",
    summary="null is now allowed (a response may now carry null).",
    oasdiff="response-property-became-nullable, response-body-became-nullable, "
    "request-property-became-nullable",
)
def nullable_added(pair: SchemaPair) -> Iterator[Finding]:
    if pair.new.nullable and not pair.old.nullable:
        yield Finding(f"{pair.label()}: became nullable", where(pair, _null_key(pair)))


def _null_key(pair: SchemaPair) -> str:
    """3.0 says `nullable: true`; 3.1 puts "null" in the `type` array."""
    return "nullable" if pair.new.has("nullable") or pair.old.has("nullable") else "type"


# ---------------------------------------------------------------------- pattern and default
def _pattern(flat: Flat) -> str | None:
    value = flat.get("pattern")
    return None if value is None or value in MATCH_ALL else str(value)


@rule(
    "pattern-added",
    scope="schema",
    **TIGHTER,
    summary="A pattern was added.",
    oasdiff="request-property-pattern-added, request-parameter-pattern-added",
)
def pattern_added(pair: SchemaPair) -> Iterator[Finding]:
    if _pattern(pair.new) is not None and _pattern(pair.old) is None:
        yield Finding(
            f"{pair.label()}: pattern {pair.new.get('pattern')!r} added", where(pair, "pattern")
        )


@rule(
    "pattern-changed",
    scope="schema",
    request="breaking",
    response="breaking",
    summary="The pattern changed (treated as tightening: a regex superset cannot be proven).",
    oasdiff="request-property-pattern-changed, request-parameter-pattern-changed",
)
def pattern_changed(pair: SchemaPair) -> Iterator[Finding]:
    old, new = _pattern(pair.old), _pattern(pair.new)
    if old is not None and new is not None and old != new:
        yield Finding(
            f"{pair.label()}: pattern changed from {old!r} to {new!r}", where(pair, "pattern")
        )


@rule(
    "pattern-removed",
    scope="schema",
    **LOOSER,
    summary="A pattern was removed, or widened to one that matches everything (`.*`).",
    oasdiff="request-property-pattern-removed, request-parameter-pattern-removed",
)
def pattern_removed(pair: SchemaPair) -> Iterator[Finding]:
    if _pattern(pair.old) is not None and _pattern(pair.new) is None:
        yield Finding(
            f"{pair.label()}: pattern {pair.old.get('pattern')!r} removed", where(pair, "pattern")
        )


@rule(
    "default-changed",
    scope="schema",
    request="warning",
    response="info",
    summary="The default value was added, removed or changed (omitting the field now means "
    "something else).",
    oasdiff="request-parameter-default-value-changed, request-property-default-value-changed",
)
def default_changed(pair: SchemaPair) -> Iterator[Finding]:
    if not _own_parameter(pair):
        yield from _default_diff(pair)


def _own_parameter(pair: SchemaPair) -> bool:
    return pair.kind == "parameter" and not pair.path


@rule(
    "parameter-default-changed",
    scope="schema",
    request="breaking",
    summary="A parameter's default changed: a client that omits it now gets other behaviour.",
    oasdiff="request-parameter-default-value-changed, request-parameter-default-value-added, "
    "request-parameter-default-value-removed",
)
def parameter_default_changed(pair: SchemaPair) -> Iterator[Finding]:
    if _own_parameter(pair):
        yield from _default_diff(pair)


def _default_diff(pair: SchemaPair) -> Iterator[Finding]:
    old_has, new_has = pair.old.has("default"), pair.new.has("default")
    if not old_has and not new_has:
        return
    old, new = pair.old.get("default"), pair.new.get("default")
    if old_has and new_has and canonical(old) == canonical(new):
        return
    show_old = repr(old) if old_has else "none"
    show_new = repr(new) if new_has else "none"
    yield Finding(
        f"{pair.label()}: default changed from {show_old} to {show_new}", where(pair, "default")
    )
