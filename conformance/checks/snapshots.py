"""Before-call snapshots: the state a mutating call starts from.

Schemathesis calls `before_call` for generated and link-followed calls alike, so the checks that
compare before and after work in every phase.

After the call, several checks read the same resource (the audit check, to see what changed;
read-after-write, to see the write). `read_after_call` lets the next check use the answer the
previous one got instead of a round trip of its own; each answer is used once, so a check that
polls still reads afresh on its second try.
"""

from __future__ import annotations

from typing import Any

from conformance.machinery.contract import is_success, json_of
from conformance.machinery.harness import Harness, Snapshot
from conformance.machinery.resources import ResourceRef, audit_events_of, unwrap
from conformance.transport.polling import poll_until
from conformance.transport.together import together
from spec import SAFE_METHODS
from spec.audit import audit_ids

VOLATILE = ("updatedAt", "lastModifiedDate")


def audit_spec(case) -> dict[str, str] | None:
    return case.operation.definition.raw.get("x-audit")


def refs(case, response_body: Any = None, before: bool = False) -> list[ResourceRef]:
    """The call's primary resources (x-audit); `before` the call, from x-audit's `before`."""
    declared = audit_spec(case)
    if not declared:
        return []
    expression = declared.get("before", declared["id"]) if before else declared["id"]
    ids = audit_ids(expression, case.path_parameters or {}, case.body, response_body)
    parent = (case.path_parameters or {}).get("shipmentId")
    return [ResourceRef(declared["resource"], i, parent) for i in ids]


def read(harness: Harness, ref: ResourceRef, case=None) -> Any:
    """The resource, or None if it does not answer 200; after `case`'s call, a shared read."""
    path = harness.paths.read(ref)
    response = read_after_call(harness, case, path) if case else harness.client.get(path)
    body = json_of(response) if is_success(response.status_code) else None
    return None if body is None else unwrap(harness.spec, ref.kind, body, ref)


def read_after_call(harness: Harness, case, path: str):
    """GET `path` for a check of `case`: the answer another check of the same case got and left
    unused, or a fresh one, left for the next check. Cleared with the case's snapshot (`pop`)."""
    with harness.lock:
        left = harness.shared_reads.pop((case.id, path), None)
    if left is not None:
        return left
    response = harness.client.get(path)
    with harness.lock:
        harness.shared_reads[(case.id, path)] = response
    return response


def audit_events(harness: Harness, ref: ResourceRef) -> list[dict[str, Any]] | None:
    response = harness.client.get(harness.paths.audit(ref))
    body = json_of(response) if is_success(response.status_code) else None
    if body is None:
        return None
    return [e for e in audit_events_of(harness.spec, ref.kind, body) or [] if isinstance(e, dict)]


def fresh_state(harness: Harness, ref: ResourceRef) -> tuple[Any, list[dict[str, Any]] | None]:
    """The resource and its audit log. One we wrote is polled until both show our writes (a
    replica may lag); one we never wrote, such as a negative case's made-up id, is read once."""

    def state() -> tuple[Any, list[dict[str, Any]] | None]:
        resource = read(harness, ref)
        # Most negative cases name a resource that does not exist: it has no audit log to count.
        return resource, audit_events(harness, ref) if resource is not None else None

    if not (
        harness.writes.knows(ref.id) or (ref.parent_id and harness.writes.knows(ref.parent_id))
    ):
        return state()

    def state_at_once() -> tuple[Any, list[dict[str, Any]] | None]:
        # One we wrote exists: its log is worth reading alongside, in the same round trip.
        resource, events = together(
            [lambda: read(harness, ref), lambda: audit_events(harness, ref)]
        )
        return resource, events if resource is not None else None

    def shows_our_writes(value) -> bool:
        # An existing resource has at least its creation event (the audit rule).
        resource, events = value
        return resource is not None and bool(events) and harness.writes.shown_by(ref.id, events)

    value = poll_until(state_at_once, shows_our_writes, harness.settings.poll_timeout)
    harness.writes.settle(ref.id)
    return value


def stable(resource: Any) -> Any:
    """A resource without the fields that change on every write."""
    if isinstance(resource, dict):
        return {k: stable(v) for k, v in resource.items() if k not in VOLATILE}
    if isinstance(resource, list):
        return [stable(v) for v in resource]
    return resource


def take(harness: Harness, case) -> None:
    """Record the primary resources of a mutating call before it is sent."""
    if case.operation.method.upper() in SAFE_METHODS:
        return
    declared = audit_spec(case)
    if not declared or declared.get("before", declared["id"]).startswith("$response"):
        return  # a create: nothing exists yet
    taken = []
    for ref in refs(case, before=True):
        resource, events = fresh_state(harness, ref)
        taken.append(Snapshot(ref.kind, ref.id, ref.parent_id, resource, len(events or [])))
    with harness.lock:
        harness.snapshots[case.id] = taken


def pop(harness: Harness, case) -> list[Snapshot] | None:
    with harness.lock:
        for key in [k for k in harness.shared_reads if k[0] == case.id]:
            del harness.shared_reads[key]
        return harness.snapshots.pop(case.id, None)


def peek(harness: Harness, case) -> list[Snapshot] | None:
    with harness.lock:
        return harness.snapshots.get(case.id)
