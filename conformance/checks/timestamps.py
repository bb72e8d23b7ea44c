"""Time runs forward: a record's timestamps keep their order and the time of the request.

The pairs come from the spec's one rule table (`x-timestamp-rules`, spec/implied.py): each pair
is a creation time set once and a last-change time set by every change after it.
- In every object of every successful answer, the creation time is not after the last change.
- A create answers a creation time within the request's window, and a write that changed the
  resource a last-change time within it, not before the one it had before the call. The window is
  from just before the request was sent to the check, widened by `--clock-skew` on each side
  (the target's clock is not ours). A time without an offset is compared with its pair only.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NoReturn

from schemathesis import Response

from conformance.checks import snapshots
from conformance.checks.context import CheckContext, project_check
from conformance.failures.hierarchy import TimestampFailure
from conformance.machinery.contract import is_success, json_of
from conformance.transport.operations import operation_of
from spec import SAFE_METHODS
from spec.implied import TimestampRule, instant, naive, timestamp_rules
from spec.vocabulary import vocabulary

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

CHECK = "time_runs_forward"


@project_check
def time_runs_forward(ctx: CheckContext, response: Response, case: OpenApiCase) -> None:
    if not is_success(response.status_code):
        return
    body = json_of(response)
    rules = timestamp_rules(ctx.spec)
    for record in _objects(body):
        for rule in rules:
            _in_order(case, record, rule)
    if case.operation.method.upper() in SAFE_METHODS:
        return
    answered = vocabulary(ctx.spec).resource(operation_of(case), body)
    if isinstance(answered, dict):
        window = _window(ctx, response)
        for rule in rules:
            _set_by_the_write(ctx, case, answered, rule, window)


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def _in_order(case: OpenApiCase, record: dict[str, Any], rule: TimestampRule) -> None:
    created, updated = naive(record.get(rule.created)), naive(record.get(rule.updated))
    if created is not None and updated is not None and updated < created:
        _fail(
            case,
            f"{_name(record)}: {rule.updated} {record[rule.updated]!r} is before "
            f"{rule.created} {record[rule.created]!r}",
        )


def _window(ctx: CheckContext, response: Response) -> tuple[datetime, datetime]:
    """When the request may have set a timestamp, widened by the clock skew."""
    now = time.time()
    sent = ctx.sent_at if ctx.sent_at is not None else now - response.elapsed
    skew = ctx.run.clock_skew
    return (
        datetime.fromtimestamp(sent - skew, UTC),
        datetime.fromtimestamp(now + skew, UTC),
    )


def _set_by_the_write(
    ctx: CheckContext,
    case: OpenApiCase,
    answered: dict[str, Any],
    rule: TimestampRule,
    window: tuple[datetime, datetime],
) -> None:
    declared = snapshots.audit_spec(case) or {}
    if declared.get("id", "").startswith("$response"):
        _within(case, answered, rule.created, window, "the create that set it")
        return
    before = next((s.resource for s in ctx.before if s.id == answered.get("id")), None)
    if not isinstance(before, dict) or not _changed(answered, before, rule):
        return  # nothing known from before, or a no-op: the last change stays where it was
    was, now = naive(before.get(rule.updated)), naive(answered.get(rule.updated))
    # Equal is allowed: a target that keeps whole seconds stamps two writes in one second alike;
    # a time left over from an older write is outside the window below.
    if was is not None and now is not None and now < was:
        _fail(
            case,
            f"{_name(answered)}: a change moved {rule.updated} back to "
            f"{answered.get(rule.updated)!r}, from {before.get(rule.updated)!r}",
        )
    _within(case, answered, rule.updated, window, "the write that changed it")


def _changed(answered: dict[str, Any], before: dict[str, Any], rule: TimestampRule) -> bool:
    """Whether a field both show (the timestamps aside) differs: the write changed something."""
    skip = {rule.created, rule.updated}
    return any(k in before and before[k] != v for k, v in answered.items() if k not in skip)


def _within(
    case: OpenApiCase,
    record: dict[str, Any],
    field: str,
    window: tuple[datetime, datetime],
    what: str,
) -> None:
    when = instant(record.get(field))
    start, end = window
    if when is not None and not start <= when <= end:
        _fail(
            case,
            f"{_name(record)}: {field} {record[field]!r} is outside the window of {what} "
            f"({start:%Y-%m-%dT%H:%M:%SZ} .. {end:%Y-%m-%dT%H:%M:%SZ}, with the clock skew)",
        )


def _name(record: dict[str, Any]) -> str:
    return f"record {record.get('id', '(no id)')}"


def _fail(case: OpenApiCase, message: str) -> NoReturn:
    raise TimestampFailure(
        operation=case.operation.label, title="Time runs backwards", message=message, check=CHECK
    )
