"""Rules about the promises an operation or parameter makes about its own future: its
`x-stability-level` and, once deprecated, its sunset date (`x-sunset` or a `Sunset` header).

These rules are the policy itself, so on an operation below stable they keep their level
(`policy.POLICY_RULES`); every other change on such an operation is lowered to info.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance.diff.context import OperationPair, ParamRef, join
from conformance.diff.model import Finding
from conformance.diff.policy import (
    STABILITY_LEVELS,
    declared_stability,
    parse_date,
    sunset,
    sunset_source,
)
from conformance.diff.registry import rule

Element = tuple[str, dict[str, Any], dict[str, Any], str, str]


def _elements(pair: OperationPair) -> Iterator[Element]:
    """(label, old element, new element, OLD pointer, NEW pointer) for the operation and each
    parameter on both sides."""
    yield "operation", pair.old, pair.new, pair.old_pointer, pair.new_pointer
    for key, new in pair.new_params.items():
        old: ParamRef | None = pair.old_params.get(key)
        if old is not None:
            yield f"{key[1]} parameter `{new.name}`", old.node, new.node, old.pointer, new.pointer


def _kept_sunsets(pair: OperationPair) -> Iterator[tuple[str, Any, Any, str, str]]:
    """Elements deprecated on both sides whose OLD sunset is a valid date: (label, old date,
    NEW raw sunset or None, OLD pointer, NEW pointer)."""
    for label, old, new, old_ptr, new_ptr in _elements(pair):
        before = sunset(old)
        if old.get("deprecated") and new.get("deprecated") and before is not None:
            after = sunset_source(new)
            yield label, before, after, old_ptr + _where(old), new_ptr + (_where(new) or "")


def _where(element: dict[str, Any]) -> str:
    source = sunset_source(element)
    return source[1] if source else ""


# ---------------------------------------------------------------------- sunset
@rule(
    "sunset-too-soon",
    scope="operation",
    level="breaking",
    summary="A newly deprecated operation or parameter has an x-sunset date closer than the "
    "policy's notice for its stability level.",
    oasdiff="api-sunset-date-too-small",
)
def sunset_too_soon(pair: OperationPair) -> Iterator[Finding]:
    for label, old, new, _, ptr in _elements(pair):
        date, days = sunset(new), pair.policy.days_for(new)
        if not new.get("deprecated") or date is None:
            continue
        if old.get("deprecated") and sunset(old) is not None:
            continue  # a date that moves is sunset-moved-earlier/-later
        if (date - pair.policy.today).days < days:
            yield Finding(
                f"{label}: sunset {date} gives less than {days} days' notice", ptr + _where(new)
            )


@rule(
    "sunset-invalid",
    scope="operation",
    level="breaking",
    summary="A deprecated operation or parameter has an x-sunset (or Sunset header) that is not "
    "a date: clients cannot tell how long they have.",
    oasdiff="api-deprecated-sunset-parse, api-path-sunset-parse",
)
def sunset_invalid(pair: OperationPair) -> Iterator[Finding]:
    for label, old, new, old_ptr, new_ptr in _elements(pair):
        # One finding per element: in NEW when it is wrong there, else in OLD (the base spec).
        for element, ptr, side in ((new, new_ptr, ""), (old, old_ptr, " (in OLD)")):
            source = sunset_source(element)
            if element.get("deprecated") and source and parse_date(source[0]) is None:
                message = f"{label}: sunset {source[0]!r} is not a date{side}"
                yield Finding(message, ptr + source[1])
                break


@rule(
    "sunset-removed",
    scope="operation",
    level="breaking",
    summary="A still deprecated operation or parameter lost its sunset date: clients lose the "
    "date they planned their migration on.",
    oasdiff="sunset-deleted",
)
def sunset_removed(pair: OperationPair) -> Iterator[Finding]:
    for label, before, after, old_ptr, _ in _kept_sunsets(pair):
        if after is None:
            yield Finding(f"{label}: sunset {before} removed", old_ptr)


@rule(
    "sunset-moved-earlier",
    scope="operation",
    level="breaking",
    summary="A deprecated operation or parameter's sunset date moved earlier: the migration "
    "window shrank.",
    oasdiff="api-sunset-date-changed-too-small (only within the notice period)",
)
def sunset_moved_earlier(pair: OperationPair) -> Iterator[Finding]:
    yield from _sunset_moved(pair, earlier=True)


@rule(
    "sunset-moved-later",
    scope="operation",
    level="info",
    summary="A deprecated operation or parameter's sunset date moved later (more time to migrate).",
    oasdiff="(none: oasdiff is silent)",
)
def sunset_moved_later(pair: OperationPair) -> Iterator[Finding]:
    yield from _sunset_moved(pair, earlier=False)


def _sunset_moved(pair: OperationPair, earlier: bool) -> Iterator[Finding]:
    word = "earlier" if earlier else "later"
    for label, before, after, _, new_ptr in _kept_sunsets(pair):
        date = parse_date(after[0]) if after else None
        if date is not None and date != before and (date < before) == earlier:
            yield Finding(f"{label}: sunset moved {word}, from {before} to {date}", new_ptr)


# ---------------------------------------------------------------------- stability
def _level_moved(pair: OperationPair, down: bool) -> Iterator[Finding]:
    """Elements whose valid level went down (or up); no `x-stability-level` is stable."""
    word = "decreased" if down else "increased"
    for label, old, new, _, ptr in _elements(pair):
        before, after = declared_stability(old), declared_stability(new)
        if before not in STABILITY_LEVELS or after not in STABILITY_LEVELS or before == after:
            continue
        if (STABILITY_LEVELS.index(after) < STABILITY_LEVELS.index(before)) == down:
            message = f"{label}: stability {word} from {before} to {after}"
            yield Finding(message, join(ptr, "x-stability-level"))


@rule(
    "stability-decreased",
    scope="operation",
    level="breaking",
    summary="x-stability-level moved down (e.g. stable -> beta; no level counts as stable).",
    oasdiff="api-stability-decreased",
)
def stability_decreased(pair: OperationPair) -> Iterator[Finding]:
    yield from _level_moved(pair, down=True)


@rule(
    "stability-increased",
    scope="operation",
    level="info",
    summary="x-stability-level moved up (e.g. beta -> stable): the operation promises more.",
    oasdiff="api-stability-increased",
)
def stability_increased(pair: OperationPair) -> Iterator[Finding]:
    yield from _level_moved(pair, down=False)


@rule(
    "stability-invalid",
    scope="operation",
    level="breaking",
    summary="x-stability-level is not one of draft, alpha, beta, stable (in NEW, or in OLD).",
    oasdiff="api-invalid-stability-level",
)
def stability_invalid(pair: OperationPair) -> Iterator[Finding]:
    for label, old, new, old_ptr, new_ptr in _elements(pair):
        for element, ptr, side in ((new, new_ptr, ""), (old, old_ptr, " (in OLD)")):
            value = declared_stability(element)
            if value not in STABILITY_LEVELS:
                message = f"{label}: invalid x-stability-level {value!r}{side}"
                yield Finding(message, join(ptr, "x-stability-level"))
                break
