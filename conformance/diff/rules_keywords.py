"""Rules for `const`, `x-extensible-enum` and the JSON Schema 2020-12 keywords of OpenAPI 3.1.

The sub-schemas under `if`/`then`/`else`, `contains`, `prefixItems`, `propertyNames`,
`patternProperties`, `dependentSchemas` and `unevaluated*` are walked like properties (see
`children`), so the ordinary rules run inside them; the rules here report such a keyword
appearing or disappearing, and the changes that are not a sub-schema (`dependentRequired`).
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.diff.context import Flat, SchemaPair, canonical
from conformance.diff.model import Finding
from conformance.diff.registry import rule
from conformance.diff.rules_schema import LOOSER, TIGHTER, where

# Keywords that can only narrow what a schema accepts when they appear.
CONSTRAINING = (
    "if",
    "then",
    "else",
    "contains",
    "prefixItems",
    "propertyNames",
    "patternProperties",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "not",
)


# ---------------------------------------------------------------------- const
@rule(
    "const-changed",
    scope="schema",
    request="breaking",
    response="breaking",
    summary="const changed from one value to another.",
    oasdiff="(none: oasdiff ignores const)",
)
def const_changed(pair: SchemaPair) -> Iterator[Finding]:
    if pair.old.has("const") and pair.new.has("const"):
        old, new = pair.old.get("const"), pair.new.get("const")
        if canonical(old) != canonical(new):
            yield Finding(
                f"{pair.label()}: const changed from {old!r} to {new!r}", where(pair, "const")
            )


@rule(
    "const-added",
    scope="schema",
    **TIGHTER,
    summary="A const was set: only one value is accepted.",
    oasdiff="(none: oasdiff ignores const)",
)
def const_added(pair: SchemaPair) -> Iterator[Finding]:
    if pair.new.has("const") and not pair.old.has("const"):
        yield Finding(f"{pair.label()}: const {pair.new.get('const')!r} set", where(pair, "const"))


@rule(
    "const-removed",
    scope="schema",
    **LOOSER,
    summary="A const was dropped: any value of the type may appear.",
    oasdiff="(none: oasdiff ignores const)",
)
def const_removed(pair: SchemaPair) -> Iterator[Finding]:
    if pair.old.has("const") and not pair.new.has("const"):
        yield Finding(f"{pair.label()}: const removed", where(pair, "const"))


# ---------------------------------------------------------------------- 2020-12 keywords
def _present(flat: Flat, key: str) -> bool:
    value = flat.get(key)
    # `unevaluatedProperties: true` or an empty map constrains nothing
    return value is not None and value is not True and value != {} and value != []


@rule(
    "keyword-constraint-added",
    scope="schema",
    **TIGHTER,
    summary="A constraining JSON Schema keyword appeared (if/then, contains, prefixItems, "
    "propertyNames, patternProperties, dependentRequired/Schemas, unevaluated*, not).",
    oasdiff="(none: oasdiff does not compare these 2020-12 keywords)",
)
def keyword_constraint_added(pair: SchemaPair) -> Iterator[Finding]:
    for key in CONSTRAINING:
        if _present(pair.new, key) and not _present(pair.old, key):
            yield Finding(f"{pair.label()}: {key} added", where(pair, key))


@rule(
    "keyword-constraint-removed",
    scope="schema",
    **LOOSER,
    summary="A constraining JSON Schema keyword disappeared (the schema accepts more).",
    oasdiff="(none: oasdiff does not compare these 2020-12 keywords)",
)
def keyword_constraint_removed(pair: SchemaPair) -> Iterator[Finding]:
    for key in CONSTRAINING:
        if _present(pair.old, key) and not _present(pair.new, key):
            yield Finding(f"{pair.label()}: {key} removed", where(pair, key))


def _dependent(flat: Flat) -> set[tuple[str, str]]:
    value = flat.get("dependentRequired")
    if not isinstance(value, dict):
        return set()
    return {(str(k), str(v)) for k, names in value.items() for v in (names or [])}


def _dependent_diff(pair: SchemaPair, added: bool) -> Iterator[Finding]:
    old, new = _dependent(pair.old), _dependent(pair.new)
    if not old or not new:
        return  # the keyword itself came or went: keyword-constraint-*
    for trigger, needed in sorted(new - old if added else old - new):
        verb = "now requires" if added else "no longer requires"
        yield Finding(
            f"{pair.label()}: `{trigger}` {verb} `{needed}`", where(pair, "dependentRequired")
        )


@rule(
    "dependent-required-added",
    scope="schema",
    **TIGHTER,
    summary="dependentRequired asks for another property when a property is present.",
    oasdiff="(none)",
)
def dependent_required_added(pair: SchemaPair) -> Iterator[Finding]:
    yield from _dependent_diff(pair, added=True)


@rule(
    "dependent-required-removed",
    scope="schema",
    **LOOSER,
    summary="dependentRequired no longer asks for a property.",
    oasdiff="(none)",
)
def dependent_required_removed(pair: SchemaPair) -> Iterator[Finding]:
    yield from _dependent_diff(pair, added=False)


# ---------------------------------------------------------------------- x-extensible-enum
def _extensible(flat: Flat) -> dict[str, object] | None:
    values = flat.get("x-extensible-enum")
    return {canonical(v): v for v in values} if isinstance(values, list) else None


def _extensible_diff(pair: SchemaPair, removed: bool) -> Iterator[Finding]:
    old, new = _extensible(pair.old), _extensible(pair.new)
    if old is None or new is None:
        return
    values = (
        [old[k] for k in old if k not in new] if removed else [new[k] for k in new if k not in old]
    )
    if values:
        verb = "removed" if removed else "added"
        shown = ", ".join(repr(v) for v in values)
        yield Finding(
            f"{pair.label()}: x-extensible-enum value(s) {shown} {verb}",
            where(pair, "x-extensible-enum"),
        )


@rule(
    "extensible-enum-value-removed",
    scope="schema",
    request="breaking",
    response="info",
    summary="An x-extensible-enum lost a value that clients may send.",
    oasdiff="request-property-x-extensible-enum-value-removed",
)
def extensible_enum_value_removed(pair: SchemaPair) -> Iterator[Finding]:
    yield from _extensible_diff(pair, removed=True)


@rule(
    "extensible-enum-value-added",
    scope="schema",
    request="info",
    response="info",
    summary="An x-extensible-enum gained a value (clients must already accept unknown ones).",
    oasdiff="(none)",
)
def extensible_enum_value_added(pair: SchemaPair) -> Iterator[Finding]:
    yield from _extensible_diff(pair, removed=False)
