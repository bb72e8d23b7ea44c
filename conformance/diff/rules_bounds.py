"""Rules about numeric and length bounds: maxLength, minLength, maximum, minimum, maxItems,
minItems, minContains, maxContains. An absent bound counts as unbounded, so "set" is a decrease
of an upper bound (or an increase of a lower one) and "removed" the opposite.

`minimum`/`maximum` are compared as one effective bound per side, whichever way the document
spells exclusivity: 3.0's `exclusiveMinimum: true` next to `minimum`, or 3.1's numeric
`exclusiveMinimum`. So rewriting one spelling as the other is no change."""

from __future__ import annotations

import math
from collections.abc import Iterator

from conformance.diff.context import Flat, SchemaPair
from conformance.diff.model import Finding
from conformance.diff.registry import rule
from conformance.diff.rules_schema import LOOSER, TIGHTER, where


# ---------------------------------------------------------------------- bounds
def _bound(flat: Flat, key: str, absent: float) -> float:
    value = flat.get(key)
    return (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else absent
    )


def _show(value: float) -> str:
    return "none" if math.isinf(value) else f"{value:g}"


def _bound_moved(pair: SchemaPair, key: str, absent: float, up: bool) -> Iterator[Finding]:
    old, new = _bound(pair.old, key, absent), _bound(pair.new, key, absent)
    if (new > old) if up else (new < old):
        verb = "increased" if up else "decreased"
        yield Finding(
            f"{pair.label()}: {key} {verb} from {_show(old)} to {_show(new)}", where(pair, key)
        )


def _bound_rule(
    rule_id: str, key: str, absent: float, up: bool, tighter: bool, what: str, oasdiff: str
) -> None:
    def check(pair: SchemaPair) -> Iterator[Finding]:
        yield from _bound_moved(pair, key, absent, up)

    check.__name__ = rule_id.replace("-", "_")
    rule(
        rule_id, scope="schema", **(TIGHTER if tighter else LOOSER), summary=what, oasdiff=oasdiff
    )(check)


INF = math.inf
# rule id, keyword, value when absent, moves up?, tightens?, summary, oasdiff check ids
# Not formatted: a table, one rule per row, easier to scan and compare than one value per line.
# fmt: off
_BOUNDS: tuple[tuple[str, str, float, bool, bool, str, str], ...] = (
    ("max-length-decreased", "maxLength", INF, False, True, "maxLength lowered or set.",
     "request-property-max-length-decreased, request-parameter-max-length-decreased, "
     "request-property-max-length-set"),
    ("max-length-increased", "maxLength", INF, True, False, "maxLength raised or removed.",
     "response-property-max-length-increased, response-property-max-length-unset"),
    ("min-length-increased", "minLength", 0, True, True, "minLength raised or set.",
     "request-property-min-length-increased, request-parameter-min-length-increased"),
    ("min-length-decreased", "minLength", 0, False, False, "minLength lowered or removed.",
     "response-property-min-length-decreased"),
    ("max-items-decreased", "maxItems", INF, False, True, "maxItems lowered or set.",
     "request-property-max-items-decreased, request-parameter-max-items-decreased"),
    ("max-items-increased", "maxItems", INF, True, False, "maxItems raised or removed.",
     "response-property-max-items-increased"),
    ("min-items-increased", "minItems", 0, True, True, "minItems raised or set.",
     "request-property-min-items-increased, request-parameter-min-items-increased, "
     "request-property-min-items-set"),
    ("min-items-decreased", "minItems", 0, False, False, "minItems lowered or removed.",
     "response-property-min-items-decreased, response-property-min-items-unset"),
    ("min-contains-increased", "minContains", 1, True, True, "minContains raised or set.",
     "(none: oasdiff ignores minContains)"),
    ("min-contains-decreased", "minContains", 1, False, False, "minContains lowered or removed.",
     "(none: oasdiff ignores minContains)"),
    ("max-contains-decreased", "maxContains", INF, False, True, "maxContains lowered or set.",
     "(none: oasdiff ignores maxContains)"),
    ("max-contains-increased", "maxContains", INF, True, False, "maxContains raised or removed.",
     "(none: oasdiff ignores maxContains)"),
)
# fmt: on
for _spec in _BOUNDS:
    _bound_rule(*_spec)


# ---------------------------------------------------------------------- minimum and maximum
Bound = tuple[float, bool]  # (value, exclusive)


def _effective(flat: Flat, plain: str, exclusive: str, lower: bool) -> tuple[Bound, str]:
    """The tightest bound the schema states, and the keyword that states it."""
    value = _bound(flat, plain, -INF if lower else INF)
    flag = flat.get(exclusive)
    found: list[tuple[Bound, str]] = [((value, flag is True), plain)]
    numeric = _bound(flat, exclusive, -INF if lower else INF)
    if not math.isinf(numeric):
        found.append(((numeric, True), exclusive))
    if lower:
        return max(found, key=lambda entry: entry[0])
    return min(found, key=lambda entry: (entry[0][0], not entry[0][1]))


def _numeric(pair: SchemaPair, lower: bool) -> tuple[Bound, Bound, str]:
    plain, exclusive = ("minimum", "exclusiveMinimum") if lower else ("maximum", "exclusiveMaximum")
    old, _ = _effective(pair.old, plain, exclusive, lower)
    new, key = _effective(pair.new, plain, exclusive, lower)
    return old, new, key if pair.new.has(key) else plain


def _shown(bound: Bound) -> str:
    return _show(bound[0]) + (" (exclusive)" if bound[1] and not math.isinf(bound[0]) else "")


def _value_moved(pair: SchemaPair, lower: bool, up: bool) -> Iterator[Finding]:
    old, new, key = _numeric(pair, lower)
    if (new[0] > old[0]) if up else (new[0] < old[0]):
        name = "minimum" if lower else "maximum"
        verb = "increased" if up else "decreased"
        yield Finding(
            f"{pair.label()}: {name} {verb} from {_shown(old)} to {_shown(new)}", where(pair, key)
        )


def _numeric_rule(rule_id: str, lower: bool, up: bool, tighter: bool, oasdiff: str) -> None:
    def check(pair: SchemaPair) -> Iterator[Finding]:
        yield from _value_moved(pair, lower, up)

    check.__name__ = rule_id.replace("-", "_")
    what = f"{'minimum' if lower else 'maximum'} {'raised' if up else 'lowered'}, set or removed "
    summary = what + "(exclusiveMinimum/exclusiveMaximum in either spelling count)."
    levels = TIGHTER if tighter else LOOSER
    rule(rule_id, scope="schema", **levels, summary=summary, oasdiff=oasdiff)(check)


for _args in (
    (
        "minimum-increased",
        True,
        True,
        True,
        "request-property-min-increased, request-parameter-min-increased, "
        "request-property-min-set, request-property-exclusive-min-set",
    ),
    (
        "minimum-decreased",
        True,
        False,
        False,
        "response-property-min-decreased, response-body-min-decreased",
    ),
    (
        "maximum-decreased",
        False,
        False,
        True,
        "request-property-max-decreased, request-parameter-max-decreased, "
        "request-property-max-set, request-property-exclusive-max-set",
    ),
    (
        "maximum-increased",
        False,
        True,
        False,
        "response-property-max-increased, response-body-max-increased",
    ),
):
    _numeric_rule(*_args)


def _exclusivity(pair: SchemaPair, on: bool) -> Iterator[Finding]:
    for lower in (True, False):
        old, new, key = _numeric(pair, lower)
        if old[0] == new[0] and not math.isinf(new[0]) and old[1] != on and new[1] == on:
            verb = "became exclusive" if on else "became inclusive"
            yield Finding(f"{pair.label()}: {key} {_show(new[0])} {verb}", where(pair, key))


@rule(
    "exclusive-bound-added",
    scope="schema",
    **TIGHTER,
    summary="A minimum or maximum became exclusive: the bound itself is no longer allowed.",
    oasdiff="request-property-exclusive-min-set, request-property-exclusive-max-set",
)
def exclusive_bound_added(pair: SchemaPair) -> Iterator[Finding]:
    yield from _exclusivity(pair, on=True)


@rule(
    "exclusive-bound-removed",
    scope="schema",
    **LOOSER,
    summary="An exclusive minimum or maximum became inclusive: the bound itself may appear.",
    oasdiff="(none)",
)
def exclusive_bound_removed(pair: SchemaPair) -> Iterator[Finding]:
    yield from _exclusivity(pair, on=False)
