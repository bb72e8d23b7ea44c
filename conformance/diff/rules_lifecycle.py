"""Rules about an element's life: removal against the deprecation policy, and webhooks coming
and going (`rules_stability` judges sunset dates and stability levels).

Removing a path, an operation or a parameter is judged by `policy.removal_verdict`: never
deprecated is breaking, deprecated but before its `x-sunset` date (or without one, where the
stability level asks for notice) is breaking, and after the sunset date it is info.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from conformance.diff.context import OperationPair, PathPair, join
from conformance.diff.model import Finding, Level
from conformance.diff.policy import Policy, removal_verdict
from conformance.diff.registry import rule
from conformance.diff.rules_api import METHODS

NOTES = {
    "undeprecated": " without deprecation",
    "early": " before its sunset date",
    "allowed": " as the deprecation policy allows",
}


def _ops(item: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    if not isinstance(item, dict):
        return {}
    return {m: item[m] for m in METHODS if isinstance(item.get(m), dict)}


def _path_verdict(item: dict[str, Any] | None, policy: Policy) -> str:
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

        def check(pair: Any, verdict: str = verdict) -> Iterator[Finding]:
            yield from find(pair, verdict)

        check.__name__ = rule_id.replace("-", "_")
        rule(rule_id, scope=scope, level=cast(Level, level), summary=summary, oasdiff=oasdiff)(
            check
        )


for _removal in _REMOVALS:
    _register(*_removal)


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
