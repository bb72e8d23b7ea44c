"""Rules about numeric and length bounds: maxLength, minLength, maximum, minimum, maxItems,
minItems. An absent bound counts as unbounded, so "set" is a decrease of an upper bound (or an
increase of a lower one) and "removed" the opposite."""

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
    ("maximum-decreased", "maximum", INF, False, True, "maximum lowered or set.",
     "request-property-max-decreased, request-parameter-max-decreased, request-property-max-set"),
    ("maximum-increased", "maximum", INF, True, False, "maximum raised or removed.",
     "response-property-max-increased, response-body-max-increased"),
    ("minimum-increased", "minimum", -INF, True, True, "minimum raised or set.",
     "request-property-min-increased, request-parameter-min-increased, request-property-min-set"),
    ("minimum-decreased", "minimum", -INF, False, False, "minimum lowered or removed.",
     "response-property-min-decreased, response-body-min-decreased"),
    ("max-items-decreased", "maxItems", INF, False, True, "maxItems lowered or set.",
     "request-property-max-items-decreased, request-parameter-max-items-decreased"),
    ("max-items-increased", "maxItems", INF, True, False, "maxItems raised or removed.",
     "response-property-max-items-increased"),
    ("min-items-increased", "minItems", 0, True, True, "minItems raised or set.",
     "request-property-min-items-increased, request-parameter-min-items-increased, "
     "request-property-min-items-set"),
    ("min-items-decreased", "minItems", 0, False, False, "minItems lowered or removed.",
     "response-property-min-items-decreased, response-property-min-items-unset"),
)
# fmt: on
for _spec in _BOUNDS:
    _bound_rule(*_spec)
