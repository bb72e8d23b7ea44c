"""Audit-log side effects: every write leaves exactly the expected events, and a refusal none.

The rule is the spec's (spec/README.md, "The audit rule"). A successful, non-noop mutating call
appends exactly one event, with action = operationId and the caller as actor, to each primary
resource named by the operation's `x-audit`. Every event that call caused anywhere changes
something (oldValue != newValue) and has contiguous versions. A refused call changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

import httpx
from schemathesis import Response

from conformance.checks import snapshots
from conformance.checks.audit_rule import event_problems
from conformance.checks.context import CheckContext, Snapshot, project_check
from conformance.failures.hierarchy import AuditFailure
from conformance.machinery.contract import is_client_error, is_success, json_of
from conformance.machinery.resources import ResourceRef, unwrap
from conformance.transport.operations import operation_of
from conformance.transport.polling import poll_until
from conformance.transport.together import together
from spec import SAFE_METHODS
from spec.vocabulary import vocabulary

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

Before = dict[tuple[str, str], Snapshot]


@project_check
def audit_log_side_effect(ctx: CheckContext, response: Response, case: OpenApiCase) -> None:
    if case.operation.method.upper() in SAFE_METHODS or not snapshots.audit_spec(case):
        return
    before = {(s.kind, s.id): s for s in ctx.before}
    if is_success(response.status_code):
        _check_success(ctx, case, response, before)
    elif is_client_error(response.status_code):
        _check_refusal(ctx, case, response, before)


def _fail(case: OpenApiCase, title: str, message: str) -> NoReturn:
    raise AuditFailure(
        operation=case.operation.label, title=title, message=message, check="audit_log_side_effect"
    )


def _body(response: Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _check_success(
    ctx: CheckContext, case: OpenApiCase, response: Response, before: Before
) -> None:
    operation_id = operation_of(case)
    for ref in snapshots.refs(case, _body(response)):
        snapshot = before.get((ref.kind, ref.id))
        events = _events_after(ctx, ref, snapshot, response)
        if events is None:
            _fail(
                case,
                "Audit log unreadable",
                f"the audit log of {ref.kind} {ref.id} did not answer 200",
            )
        start = snapshot.audit_count if snapshot else 0
        new = events[start:]
        # Read at most once: for whether anything changed, and for the items an order touched.
        after = functools.cache(lambda ref=ref: snapshots.read(ctx, ref, shared=True))
        unchanged = snapshot is not None and snapshots.stable(after()) == snapshots.stable(
            snapshot.resource
        )
        if not new and unchanged:
            continue  # a documented no-op: nothing changed, so nothing to audit
        if len(new) != 1:
            _fail(
                case,
                "Wrong number of audit events",
                f"{operation_id} answered {response.status_code} but {ref.kind} {ref.id} got "
                f"{len(new)} new audit events (expected exactly 1): "
                f"{[e.get('action') for e in new]}",
            )
        event = new[0]
        _check_event(ctx, case, ref, event, expected_version=start)
        if snapshot is None and not event.get("changes"):
            _fail(case, "Creation event without changes", f"{ref.kind} {ref.id}: {event}")
        _check_related(ctx, case, ref, event, after)


def _events_after(
    ctx: CheckContext, ref: ResourceRef, snapshot: Snapshot | None, response: Response
) -> list[dict[str, Any]] | None:
    """The audit log after a successful write, polled until it shows a new event (a replica
    may lag). A write whose answer shows the resource unchanged may be a documented no-op,
    which adds no event: its log is read once."""
    start = snapshot.audit_count if snapshot else 0
    answered = unwrap(ctx.spec, ref.kind, _body(response), ref)
    noop = snapshot is not None and snapshots.stable(answered) == snapshots.stable(
        snapshot.resource
    )
    return poll_until(
        lambda: snapshots.audit_events(ctx, ref),
        lambda events: events is not None and (noop or len(events) > start),
        ctx.run.poll_timeout,
    )


def _check_event(
    ctx: CheckContext,
    case: OpenApiCase,
    ref: ResourceRef,
    event: dict[str, Any],
    expected_version: int | None,
) -> None:
    for title, problem in event_problems(
        event, operation_of(case), expected_version, ctx.identities.caller
    ):
        _fail(case, title, f"{ref.kind} {ref.id}: {problem}")


def _check_related(
    ctx: CheckContext,
    case: OpenApiCase,
    ref: ResourceRef,
    primary: dict[str, Any],
    after: Callable[[], Any],
) -> None:
    """Events the same request left on the order's items, and on the shipment's message log.
    `after()` reads the primary resource as it is after the call."""
    request_id = primary.get("requestId")
    related: list[ResourceRef] = []
    if ref.kind == "Order":
        for item in (after() or {}).get("items", []):
            related.append(ResourceRef("OrderItem", item["id"]))
    logs = together([functools.partial(snapshots.audit_events, ctx, r) for r in related])
    for item_ref, log in zip(related, logs, strict=True):
        for event in log or []:
            if event.get("requestId") == request_id:
                _check_event(ctx, case, item_ref, event, expected_version=event.get("version"))
    if ref.kind == "Shipment":
        path = ctx.spec.operation("getShipmentMessageAuditLogs").url({"shipmentId": ref.id})
        answer = poll_until(
            lambda: ctx.client.get(path),
            lambda answer: len(_same_request(ctx, answer, request_id)) >= 1,
            ctx.run.poll_timeout,
        )
        if is_success(answer.status_code):
            same = _same_request(ctx, answer, request_id)
            if len(same) != 1:
                _fail(
                    case,
                    "Shipment message log",
                    f"shipment {ref.id}: {len(same)} message events for request {request_id}, "
                    "expected 1",
                )


def _same_request(
    ctx: CheckContext, answer: httpx.Response, request_id: Any
) -> list[dict[str, Any]]:
    """The shipment message events one request wrote."""
    if not is_success(answer.status_code):
        return []
    body = json_of(answer)
    events = vocabulary(ctx.spec).records("getShipmentMessageAuditLogs", body) or []
    return [e for e in events if isinstance(e, dict) and e.get("requestId") == request_id]


def _check_refusal(
    ctx: CheckContext, case: OpenApiCase, response: Response, before: Before
) -> None:
    """A refused write must leave no trace: same resource, same audit log."""
    for (kind, resource_id), snapshot in before.items():
        ref = ResourceRef(kind, resource_id, snapshot.parent_id)
        if snapshot.resource is None:
            continue
        log, resource = together(
            [
                functools.partial(snapshots.audit_events, ctx, ref),
                functools.partial(snapshots.read, ctx, ref),
            ]
        )
        events = log or []
        if len(events) != snapshot.audit_count:
            _fail(
                case,
                "Refused call left audit events",
                f"{operation_of(case)} answered {response.status_code} but {kind} {resource_id} "
                f"got {len(events) - snapshot.audit_count} new events",
            )
        if snapshots.stable(resource) != snapshots.stable(snapshot.resource):
            _fail(
                case,
                "Refused call changed state",
                f"{operation_of(case)} answered {response.status_code} "
                f"but {kind} {resource_id} changed",
            )
