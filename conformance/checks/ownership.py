"""Ownership in lists and searches: every record a list or search answers belongs to the caller.

Where the record's schema shows its owner (`x-owner`, spec/implied.py), each record's owner is
compared with the caller's merchant. Where it does not (list records are summaries), a sample
of the listed ids not seen before in the run is read by id with the caller's own token: a record
the caller cannot read, or that reads as another merchant's, is another merchant's record in
the list (a leak) or a list that names records that are not there. A record gone from the list
when it is read again (deleted meanwhile by another writer) gives no verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from schemathesis import Response

from conformance.checks.context import CheckContext, project_check
from conformance.checks.listing import records_of
from conformance.failures.hierarchy import OwnershipFailure
from conformance.machinery.contract import is_client_error, is_success, json_of
from conformance.machinery.resources import OPERATIONS, ResourceRef, unwrap
from conformance.transport.operations import operation_of
from spec import Spec
from spec.implied import owner_property, record_properties
from spec.vocabulary import vocabulary

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

CHECK = "list_ownership"
SAMPLE = 3  # unseen records read by id per answer: a sample, not a second listing


@project_check
def list_ownership(ctx: CheckContext, response: Response, case: OpenApiCase) -> None:
    if not is_success(response.status_code) or case.operation.method.upper() != "GET":
        return
    operation_id = operation_of(case)
    key = vocabulary(ctx.spec).records_key(operation_id)
    records = records_of(ctx, case, json_of(response))
    if key is None or not records:
        return
    owner = owner_property(record_properties(ctx.spec, operation_id, key))
    if owner is not None:
        _compare_owners(ctx, case, records, owner)
        return
    kind = listed_kind(ctx.spec, case.operation.path)
    if kind is not None:
        _read_sample(ctx, case, records, kind)


def _compare_owners(
    ctx: CheckContext, case: OpenApiCase, records: list[dict[str, Any]], owner: str
) -> None:
    mine = ctx.identities.merchant
    foreign = [r.get("id") for r in records if owner in r and r[owner] != mine]
    if mine is not None and foreign:
        _fail(case, f"records {foreign[:5]} name another {owner} than the caller's ({mine!r})")


def listed_kind(spec: Spec, list_path: str) -> str | None:
    """The kind of resource a list at `list_path` holds, by naming: the one whose read by id
    sits on the same collection (`/v1/orders` or `/v1/orders/search`, and
    `/v1/orders/{orderId}`). A list under one resource (its audit log) names no kind."""
    if "{" in list_path:
        return None
    for kind, (read_id, _) in OPERATIONS.items():
        if read_id is None or len(spec.operation(read_id).placeholders) != 1:
            continue
        collection = spec.operation(read_id).path.rsplit("/", 1)[0]
        rest = list_path.removeprefix(collection)
        if rest == "" or (rest.startswith("/") and rest.count("/") == 1 and rest != list_path):
            return kind
    return None


def _read_sample(
    ctx: CheckContext, case: OpenApiCase, records: list[dict[str, Any]], kind: str
) -> None:
    sample: list[str] = []
    for record in records:
        rid = record.get("id")
        if isinstance(rid, str) and ctx.run.first_time(CHECK, kind, rid):
            sample.append(rid)
        if len(sample) == SAMPLE:
            break
    for rid in sample:
        problem = _read_as_caller(ctx, kind, rid)
        if problem is not None and _still_listed(ctx, case, rid):
            _fail(case, problem)


def _read_as_caller(ctx: CheckContext, kind: str, rid: str) -> str | None:
    ref = ResourceRef(kind, rid)
    path = ctx.run.paths.read(ref)
    answer = ctx.client.get(path)
    if is_client_error(answer.status_code):
        return (
            f"listed {kind} {rid} answers {answer.status_code} to GET {path} with the caller's "
            "token: another merchant's record in the list (a leak), or a list naming a record "
            "that is not there"
        )
    if not is_success(answer.status_code):
        return None
    resource = unwrap(ctx.spec, kind, json_of(answer), ref)
    read_id = OPERATIONS[kind][0] or ""
    envelope = vocabulary(ctx.spec).envelope(read_id)
    owner = _read_owner(ctx.spec, read_id, envelope)
    mine = ctx.identities.merchant
    if owner and mine and isinstance(resource, dict) and resource.get(owner, mine) != mine:
        return f"listed {kind} {rid} reads as {owner} {resource.get(owner)!r}, not the caller's"
    return None


def _read_owner(spec: Spec, read_id: str, envelope: str | None) -> str | None:
    """The owner property of what a read by id answers (inside its envelope)."""
    if envelope is None:
        return None
    return owner_property(record_properties(spec, read_id, envelope, single=True))


def _still_listed(ctx: CheckContext, case: OpenApiCase, rid: str) -> bool:
    """Listed again with the same query: a record deleted meanwhile is no finding."""
    answer = ctx.client.get(case.formatted_path, params=dict(case.query or {}))
    records = records_of(ctx, case, json_of(answer)) if is_success(answer.status_code) else None
    return records is None or any(r.get("id") == rid for r in records)


def _fail(case: OpenApiCase, message: str) -> NoReturn:
    raise OwnershipFailure(
        operation=case.operation.label,
        title="A listed record is not the caller's",
        message=message,
        check=CHECK,
    )
