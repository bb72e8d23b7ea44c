"""Before-call snapshots: the state a mutating call starts from.

Schemathesis calls `before_call` for generated and link-followed calls alike, so the checks that
compare before and after work in every phase.

After the call, several checks read the same resource (the audit check, to see what changed;
read-after-write, to see the write). `read_after_call` lets the next check use the answer the
previous one got instead of a round trip of its own; each answer is used once, so a check that
polls still reads afresh on its second try. The snapshot and the reads travel in the call's
`CheckContext` (context.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from conformance.checks.context import CheckContext, Snapshot
from conformance.machinery.contract import is_success, json_of
from conformance.machinery.resources import ResourceRef, audit_events_of, unwrap
from conformance.transport.polling import poll_until
from conformance.transport.together import together
from spec import SAFE_METHODS
from spec.audit import audit_ids

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

VOLATILE = ("updatedAt", "lastModifiedDate")


def audit_spec(case: OpenApiCase) -> dict[str, str] | None:
    declared: dict[str, str] | None = case.operation.definition.raw.get("x-audit")
    return declared


def refs(case: OpenApiCase, response_body: Any = None, before: bool = False) -> list[ResourceRef]:
    """The call's primary resources (x-audit); `before` the call, from x-audit's `before`."""
    declared = audit_spec(case)
    if not declared:
        return []
    expression = declared.get("before", declared["id"]) if before else declared["id"]
    ids = audit_ids(expression, case.path_parameters or {}, case.body, response_body)
    parent = (case.path_parameters or {}).get("shipmentId")
    return [ResourceRef(declared["resource"], i, parent) for i in ids]


def read(ctx: CheckContext, ref: ResourceRef, shared: bool = False) -> Any:
    """The resource, or None if it does not answer 200; `shared`: a read after the call that
    the call's other checks may use (`read_after_call`)."""
    path = ctx.run.paths.read(ref)
    response = read_after_call(ctx, path) if shared else ctx.client.get(path)
    body = json_of(response) if is_success(response.status_code) else None
    return None if body is None else unwrap(ctx.spec, ref.kind, body, ref)


def read_after_call(ctx: CheckContext, path: str) -> httpx.Response:
    """GET `path` for a check of the call `ctx` judges: the answer another check of the same
    call got and left unused, or a fresh one, left for the next check. The reads live and die
    with the call's context."""
    with ctx.run.lock:
        left: httpx.Response | None = ctx.reads.pop(path, None)
    if left is not None:
        return left
    response = ctx.client.get(path)
    with ctx.run.lock:
        ctx.reads[path] = response
    return response


def audit_events(ctx: CheckContext, ref: ResourceRef) -> list[dict[str, Any]] | None:
    response = ctx.client.get(ctx.run.paths.audit(ref))
    body = json_of(response) if is_success(response.status_code) else None
    if body is None:
        return None
    return [e for e in audit_events_of(ctx.spec, ref.kind, body) or [] if isinstance(e, dict)]


def fresh_state(ctx: CheckContext, ref: ResourceRef) -> tuple[Any, list[dict[str, Any]] | None]:
    """The resource and its audit log. One we wrote (or whose parent we wrote: a package the
    run's createPackages made is logged under its shipment) is polled until both show our
    writes (a replica may lag), and only once: afterwards it is read once, so a made-up child
    of ours, or one deleted since, costs the wait a single time. One we never wrote, such as a
    negative case's made-up id, is read once."""

    def state() -> tuple[Any, list[dict[str, Any]] | None]:
        resource = read(ctx, ref)
        # Most negative cases name a resource that does not exist: it has no audit log to count.
        return resource, audit_events(ctx, ref) if resource is not None else None

    if not ctx.run.writes.pending(ref.id, ref.parent_id):
        return state()

    def state_at_once() -> tuple[Any, list[dict[str, Any]] | None]:
        # One we wrote exists: its log is worth reading alongside, in the same round trip.
        resource, events = together([lambda: read(ctx, ref), lambda: audit_events(ctx, ref)])
        return resource, events if resource is not None else None

    def shows_our_writes(value: tuple[Any, list[dict[str, Any]] | None]) -> bool:
        # An existing resource has at least its creation event (the audit rule).
        resource, events = value
        return resource is not None and bool(events) and ctx.run.writes.shown_by(ref.id, events)

    value = poll_until(state_at_once, shows_our_writes, ctx.run.poll_timeout)
    ctx.run.writes.settle(ref.id)
    return value


def stable(resource: Any) -> Any:
    """A resource without the fields that change on every write."""
    if isinstance(resource, dict):
        return {k: stable(v) for k, v in resource.items() if k not in VOLATILE}
    if isinstance(resource, list):
        return [stable(v) for v in resource]
    return resource


def take(ctx: CheckContext, case: OpenApiCase) -> list[Snapshot]:
    """The primary resources of a mutating call, read before it is sent (none for a read or a
    create). The call site hands them to the call's checks in their context."""
    if case.operation.method.upper() in SAFE_METHODS:
        return []
    declared = audit_spec(case)
    if not declared or declared.get("before", declared["id"]).startswith("$response"):
        return []  # a create: nothing exists yet
    taken = []
    for ref in refs(case, before=True):
        resource, events = fresh_state(ctx, ref)
        taken.append(Snapshot(ref.kind, ref.id, ref.parent_id, resource, len(events or [])))
    return taken
