"""Rules about an element's life: removal against the deprecation policy, sunset dates,
stability levels, and webhooks coming and going.

Removing a path, an operation or a parameter is judged by `policy.removal_verdict`: never
deprecated is breaking, deprecated but before its `x-sunset` date (or without one, where the
stability level asks for notice) is breaking, and after the sunset date it is info.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from conformance.diff.context import OperationPair, ParamRef, PathPair, join
from conformance.diff.model import Finding, Level
from conformance.diff.policy import STABILITY_LEVELS, Policy, removal_verdict, sunset
from conformance.diff.registry import rule
from conformance.diff.rules_api import METHODS

NOTES = {
    "undeprecated": " without deprecation",
    "early": " before its sunset date",
    "allowed": " as the deprecation policy allows",
}


def _ops(item: dict[str, Any] | None) -> dict[str, dict[str, object]]:
    if not isinstance(item, dict):
        return {}
    return {m: item[m] for m in METHODS if isinstance(item.get(m), dict)}


def _path_verdict(item: dict[str, object] | None, policy: Policy) -> str:
    verdicts = {removal_verdict(op, policy) for op in _ops(item).values()} or {"undeprecated"}
    return next(v for v in ("undeprecated", "early", "allowed") if v in verdicts)


def _gone_path(pair: PathPair, verdict: str) -> Iterator[Finding]:
    if pair.root != "paths" or pair.old is None or pair.new is not None:
        return
    if _path_verdict(pair.old, pair.policy) == verdict:
        methods = ", ".join(m.upper() for m in _ops(pair.old)) or "no operations"
        yield Finding(f"path {pair.path} removed ({methods}){NOTES[verdict]}", pair.old_pointer)


def _gone_ops(pair: PathPair, verdict: str) -> Iterator[Finding]:
    if pair.old is None or pair.new is None:
        return
    new_ops = _ops(pair.new)
    for method, op in _ops(pair.old).items():
        if method in new_ops or removal_verdict(op, pair.policy) != verdict:
            continue
        yield Finding(
            f"operation {method.upper()} {pair.path} ({op.get('operationId', '?')}) removed"
            + NOTES[verdict],
            join(pair.old_pointer, method),
            inferred=op.get("x-provenance") == "inferred",
            operation=f"{method.upper()} {pair.path}"
            + (" (webhook)" if pair.root == "webhooks" else ""),
        )


def _gone_params(pair: OperationPair, verdict: str) -> Iterator[Finding]:
    new_names = {name for name, _ in pair.new_params}
    for key, param in pair.old_params.items():
        if key in pair.new_params or key[0] in new_names:
            continue
        if removal_verdict(param.node, pair.policy) == verdict:
            yield Finding(
                f"{key[1]} parameter `{param.name}` removed{NOTES[verdict]}",
                param.pointer,
                inferred=param.inferred,
            )


_REMOVALS = (
    (
        "path",
        "path",
        _gone_path,
        "A whole path (with all its operations)",
        "api-path-removed-without-deprecation",
        "api-path-removed-before-sunset",
    ),
    (
        "operation",
        "path",
        _gone_ops,
        "A method of a path that still exists",
        "api-removed-without-deprecation",
        "api-removed-before-sunset",
    ),
    (
        "parameter",
        "operation",
        _gone_params,
        "A parameter",
        "request-parameter-removed",
        "(none: oasdiff does not check a parameter's sunset)",
    ),
)


def _register(element: str, scope: Any, find: Any, what: str, plain: str, early: str) -> None:
    for rule_id, verdict, level, summary, oasdiff in (
        (
            f"{element}-removed",
            "undeprecated",
            "breaking",
            f"{what} was removed without being deprecated first.",
            plain,
        ),
        (
            f"{element}-removed-before-sunset",
            "early",
            "breaking",
            f"{what} was removed before its x-sunset date (or without one).",
            early,
        ),
        (
            f"deprecated-{element}-removed",
            "allowed",
            "info",
            f"{what} was removed after its sunset date (or was draft/alpha).",
            "(none: oasdiff is silent)",
        ),
    ):

        def check(pair: object, verdict: str = verdict) -> Iterator[Finding]:
            yield from find(pair, verdict)

        check.__name__ = rule_id.replace("-", "_")
        rule(rule_id, scope=scope, level=cast(Level, level), summary=summary, oasdiff=oasdiff)(
            check
        )


for _removal in _REMOVALS:
    _register(*_removal)


# ---------------------------------------------------------------------- sunset and stability
def _elements(
    pair: OperationPair,
) -> Iterator[tuple[str, dict[str, object], dict[str, object], str]]:
    """(label, old element, new element, NEW pointer) for the operation and its parameters."""
    yield "operation", pair.old, pair.new, pair.new_pointer
    for key, new in pair.new_params.items():
        old: ParamRef | None = pair.old_params.get(key)
        if old is not None:
            yield f"{key[1]} parameter `{new.name}`", old.node, new.node, new.pointer


@rule(
    "sunset-too-soon",
    scope="operation",
    level="breaking",
    summary="A newly deprecated operation or parameter has an x-sunset date closer than the "
    "policy's notice for its stability level.",
    oasdiff="api-sunset-date-too-small, api-deprecated-sunset-parse",
)
def sunset_too_soon(pair: OperationPair) -> Iterator[Finding]:
    for label, old, new, ptr in _elements(pair):
        date, days = sunset(new), pair.policy.days_for(new)
        if not new.get("deprecated") or date is None or date == sunset(old):
            continue
        if (date - pair.policy.today).days < days:
            yield Finding(
                f"{label}: x-sunset {date} gives less than {days} days' notice",
                join(ptr, "x-sunset"),
            )


@rule(
    "stability-decreased",
    scope="operation",
    level="breaking",
    summary="x-stability-level moved down (e.g. stable -> beta).",
    oasdiff="api-stability-decreased",
)
def stability_decreased(pair: OperationPair) -> Iterator[Finding]:
    for label, old, new, ptr in _elements(pair):
        before, after = old.get("x-stability-level"), new.get("x-stability-level")
        known = before in STABILITY_LEVELS and after in STABILITY_LEVELS
        if known and STABILITY_LEVELS.index(after) < STABILITY_LEVELS.index(before):
            yield Finding(
                f"{label}: stability decreased from {before} to {after}",
                join(ptr, "x-stability-level"),
            )


@rule(
    "stability-invalid",
    scope="operation",
    level="breaking",
    summary="x-stability-level is not one of draft, alpha, beta, stable.",
    oasdiff="api-invalid-stability-level",
)
def stability_invalid(pair: OperationPair) -> Iterator[Finding]:
    for label, old, new, ptr in _elements(pair):
        value = new.get("x-stability-level")
        if (
            value is not None
            and value not in STABILITY_LEVELS
            and value != old.get("x-stability-level")
        ):
            yield Finding(
                f"{label}: invalid x-stability-level {value!r}", join(ptr, "x-stability-level")
            )


# ---------------------------------------------------------------------- webhooks
@rule(
    "webhook-removed",
    scope="path",
    level="breaking",
    summary="A webhook the API sent is gone (3.1 `webhooks`).",
    oasdiff="(none: oasdiff does not diff webhooks)",
)
def webhook_removed(pair: PathPair) -> Iterator[Finding]:
    if pair.root == "webhooks" and pair.old is not None and pair.new is None:
        yield Finding(f"webhook {pair.path} removed", pair.old_pointer)


@rule(
    "webhook-added",
    scope="path",
    level="info",
    summary="A new webhook (3.1 `webhooks`).",
    oasdiff="(none: oasdiff does not diff webhooks)",
)
def webhook_added(pair: PathPair) -> Iterator[Finding]:
    if pair.root == "webhooks" and pair.old is None and pair.new is not None:
        yield Finding(f"webhook {pair.path} added", pair.new_pointer)
