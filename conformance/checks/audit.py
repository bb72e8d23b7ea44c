"""Audit-log side effects: every write leaves exactly the expected events, and a refusal none.

The rule is the spec's (spec/README.md, "The audit rule"). A successful, non-noop mutating call
appends exactly one event, with action = operationId and the caller as actor, to each primary
resource named by the operation's `x-audit`. Every event that call caused anywhere changes
something (oldValue != newValue) and has contiguous versions. A refused call changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn

from conformance.checks import snapshots
from conformance.checks.audit_rule import event_problems
from conformance.failures.hierarchy import AuditFailure
from conformance.machinery.contract import is_client_error, is_success, json_of
from conformance.machinery.harness import Harness
from conformance.machinery.resources import ResourceRef, unwrap
from conformance.transport.operations import operation_of
from conformance.transport.polling import poll_until
from conformance.transport.together import together
from spec import SAFE_METHODS
from spec.vocabulary import vocabulary


def make_audit_check(harness: Harness):
    def audit_log_side_effect(ctx, response, case) -> None:
        if case.operation.method.upper() in SAFE_METHODS or not snapshots.audit_spec(case):
            return
        before = {(s.kind, s.id): s for s in (snapshots.peek(harness, case) or [])}
        if is_success(response.status_code):
            _check_success(harness, case, response, before)
        elif is_client_error(response.status_code):
            _check_refusal(harness, case, response, before)

    return audit_log_side_effect


def _fail(case, title: str, message: str) -> NoReturn:
    raise AuditFailure(
        operation=case.operation.label, title=title, message=message, check="audit_log_side_effect"
    )


def _body(response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _check_success(harness: Harness, case, response, before) -> None:
    operation_id = operation_of(case)
    for ref in snapshots.refs(case, _body(response)):
        snapshot = before.get((ref.kind, ref.id))
        events = _events_after(harness, ref, snapshot, response)
        if events is None:
            _fail(
                case,
                "Audit log unreadable",
                f"the audit log of {ref.kind} {ref.id} did not answer 200",
            )
        start = snapshot.audit_count if snapshot else 0
        new = events[start:]
        # Read at most once: for whether anything changed, and for the items an order touched.
        after = functools.cache(lambda ref=ref: snapshots.read(harness, ref, case))
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
        _check_event(harness, case, ref, event, expected_version=start)
        if snapshot is None and not event.get("changes"):
            _fail(case, "Creation event without changes", f"{ref.kind} {ref.id}: {event}")
        _check_related(harness, case, ref, event, after)


def _events_after(harness: Harness, ref: ResourceRef, snapshot, response) -> list | None:
    """The audit log after a successful write, polled until it shows a new event (a replica
    may lag). A write whose answer shows the resource unchanged may be a documented no-op,
    which adds no event: its log is read once."""
    start = snapshot.audit_count if snapshot else 0
    answered = unwrap(harness.spec, ref.kind, _body(response), ref)
    noop = snapshot is not None and snapshots.stable(answered) == snapshots.stable(
        snapshot.resource
    )
    return poll_until(
        lambda: snapshots.audit_events(harness, ref),
        lambda events: events is not None and (noop or len(events) > start),
        harness.settings.poll_timeout,
    )


def _check_event(
    harness: Harness, case, ref: ResourceRef, event: dict, expected_version: int | None
) -> None:
    for title, problem in event_problems(
        event, operation_of(case), expected_version, harness.auth.identity
    ):
        _fail(case, title, f"{ref.kind} {ref.id}: {problem}")


def _check_related(
    harness: Harness, case, ref: ResourceRef, primary: dict, after: Callable[[], Any]
) -> None:
    """Events the same request left on the order's items, and on the shipment's message log.
    `after()` reads the primary resource as it is after the call."""
    request_id = primary.get("requestId")
    related: list[ResourceRef] = []
    if ref.kind == "Order":
        for item in (after() or {}).get("items", []):
            related.append(ResourceRef("OrderItem", item["id"]))
    logs = together([functools.partial(snapshots.audit_events, harness, r) for r in related])
    for item_ref, log in zip(related, logs, strict=True):
        for event in log or []:
            if event.get("requestId") == request_id:
                _check_event(harness, case, item_ref, event, expected_version=event.get("version"))
    if ref.kind == "Shipment":
        path = harness.spec.operation("getShipmentMessageAuditLogs").url({"shipmentId": ref.id})
        response = poll_until(
            lambda: harness.client.get(path),
            lambda answer: len(_same_request(harness, answer, request_id)) >= 1,
            harness.settings.poll_timeout,
        )
        if is_success(response.status_code):
            same = _same_request(harness, response, request_id)
            if len(same) != 1:
                _fail(
                    case,
                    "Shipment message log",
                    f"shipment {ref.id}: {len(same)} message events for request {request_id}, "
                    "expected 1",
                )


def _same_request(harness: Harness, response, request_id) -> list[dict]:
    """The shipment message events one request wrote."""
    if not is_success(response.status_code):
        return []
    body = json_of(response)
    events = vocabulary(harness.spec).records("getShipmentMessageAuditLogs", body) or []
    return [e for e in events if isinstance(e, dict) and e.get("requestId") == request_id]


def _check_refusal(harness: Harness, case, response, before) -> None:
    """A refused write must leave no trace: same resource, same audit log."""
    for (kind, resource_id), snapshot in before.items():
        ref = ResourceRef(kind, resource_id, snapshot.parent_id)
        if snapshot.resource is None:
            continue
        log, resource = together(
            [
                functools.partial(snapshots.audit_events, harness, ref),
                functools.partial(snapshots.read, harness, ref),
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
