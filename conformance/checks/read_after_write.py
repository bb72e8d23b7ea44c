"""Read-after-write: what a write said it did is what a read shows.

Reads are polled for a bounded time (`--poll-timeout`), so a staging replica that lags a second
is not reported as a bug; a write that never shows is.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from schemathesis import Response

from conformance.checks import snapshots
from conformance.checks.context import CheckContext, Snapshot, project_check
from conformance.failures.hierarchy import ReadAfterWriteFailure
from conformance.machinery.contract import is_success, json_of
from conformance.machinery.resources import ResourceRef, response_header
from conformance.transport.operations import operation_of
from conformance.transport.polling import poll_until
from spec import load_lifecycle
from spec.implied import declared_only
from spec.vocabulary import number, vocabulary

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

Before = tuple[Snapshot, ...]
Verifier = Callable[[CheckContext, "OpenApiCase", Response, Before], "str | None"]
VERIFIERS: dict[str, Verifier] = {}
POLL_INTERVAL = 0.2


def verifies(*operation_ids: str) -> Callable[[Verifier], Verifier]:
    def register(fn: Verifier) -> Verifier:
        for operation_id in operation_ids:
            VERIFIERS[operation_id] = fn
        return fn

    return register


@project_check
def read_after_write(ctx: CheckContext, response: Response, case: OpenApiCase) -> None:
    if not is_success(response.status_code):
        return
    verifier = VERIFIERS.get(operation_of(case))
    if verifier is None:
        return
    problem = poll_until(
        lambda: verifier(ctx, case, response, ctx.before),
        lambda found: found is None,
        ctx.run.poll_timeout,
        POLL_INTERVAL,
    )
    if problem is not None:
        raise ReadAfterWriteFailure(
            operation=case.operation.label,
            title="Write not visible on read",
            message=problem,
            check="read_after_write",
        )


def _get(ctx: CheckContext, path: str, shared: bool = False) -> tuple[int, Any]:
    """GET `path`: its status and the resource out of the answer, as the spec wraps it."""
    answer = snapshots.read_after_call(ctx, path) if shared else ctx.client.get(path)
    body = json_of(answer)
    operation_id = ctx.run.operation_id("GET", answer.request.url.path)
    if operation_id is None or not is_success(answer.status_code):
        return answer.status_code, body
    return answer.status_code, vocabulary(ctx.spec).resource(operation_id, body)


def _sent(case: OpenApiCase) -> dict[str, Any]:
    """The body the case sent, as JSON (a non-object body sends no fields)."""
    return case.body if isinstance(case.body, dict) else {}


def _field(resource: Any, name: str) -> Any:
    return resource.get(name) if isinstance(resource, dict) else None


def _state(ctx: CheckContext, entity: str, value: Any) -> Any:
    return load_lifecycle().state_of(vocabulary(ctx.spec), entity, value) or value


@verifies("createOrder", "createNote", "createShipment")
def _created(
    ctx: CheckContext, case: OpenApiCase, response: Response, before: Before
) -> str | None:
    location = response_header(response, "Location")
    if not location:
        return f"{response.status_code} without a Location header"
    status, body = _get(ctx, location, shared=True)
    if not is_success(status):
        return f"GET {location} (the Location of the new resource) answered {status}"
    sent = _sent(case)
    if operation_of(case) == "createOrder":
        order = body if isinstance(body, dict) else {}
        for key in ("externalId", "safeId", "merchantId"):
            if key in sent and key in order and order.get(key) != sent[key]:
                return f"order {key} reads {order.get(key)!r}, was written as {sent[key]!r}"
        read_items = [i.get("sku") for i in order.get("items") or [] if isinstance(i, dict)]
        if "items" in order and read_items != [i.get("sku") for i in sent["items"]]:
            return "order items do not read back as written"
    text = _field(body, "text")
    if operation_of(case) == "createNote" and text != sent.get("text"):
        return f"note text reads {text!r}, was written as {sent.get('text')!r}"
    return None


@verifies("updateNote")
def _note_replaced(
    ctx: CheckContext, case: OpenApiCase, response: Response, before: Before
) -> str | None:
    path = ctx.run.paths.read(ResourceRef("Note", (case.path_parameters or {})["noteId"]))
    status, body = _get(ctx, path)
    text, wrote = _field(body, "text"), _sent(case).get("text")
    if not is_success(status) or text != wrote:
        return f"after PUT the note reads {text!r} ({status}), expected {wrote!r}"
    return None


@verifies("deleteNote", "deleteShipment")
def _gone(ctx: CheckContext, case: OpenApiCase, response: Response, before: Before) -> str | None:
    ref = snapshots.refs(case)[0]
    path = ctx.run.paths.read(ref)
    status, _ = _get(ctx, path)
    gone = HTTPStatus.NOT_FOUND
    return None if status == gone else f"GET {path} after DELETE answered {status}, expected {gone}"


@verifies("updateOrder")
def _order_updated(
    ctx: CheckContext, case: OpenApiCase, response: Response, before: Before
) -> str | None:
    order_id = (case.path_parameters or {})["orderId"]
    order = snapshots.read(ctx, ResourceRef("Order", order_id), shared=True) or {}
    # Undeclared extra properties may be ignored by the API; only declared fields must persist.
    declared = ctx.spec.operation("updateOrder").request_schema or {}
    for key, value in declared_only(_sent(case), declared).items():
        if key == "status":
            continue  # releasing a hold: the order status is derived, the lifecycle model checks it
        if isinstance(value, dict) and isinstance(order.get(key), dict):
            differing = {k for k, v in value.items() if order[key].get(k) != v}
            if differing:
                return f"order {key} fields {sorted(differing)} do not read back as written"
        elif order.get(key) != value:
            return f"order {key} reads {order.get(key)!r}, was written as {value!r}"
    return None


@verifies("cancelOrder")
def _cancelled(
    ctx: CheckContext, case: OpenApiCase, response: Response, before: Before
) -> str | None:
    if not before or before[0].resource is None:
        return None
    was = _items(before[0].resource)
    now = _items(snapshots.read(ctx, ResourceRef("Order", before[0].id), shared=True))
    body = _sent(case)
    asked = {
        e["id"]: e.get("quantity") for e in body.get("orderItems") or [] if isinstance(e, dict)
    }
    asked.update({i: None for i in body.get("orderItemIds") or []})
    whole_order = not asked
    cancellable = load_lifecycle().sources_of("orderItem", "cancelOrder")
    for item_id, item in was.items():
        after = now.get(item_id, {})
        quantity_was, cancelled_was = (
            number(item.get("quantity")),
            number(item.get("cancelledQuantity", 0)),
        )
        if quantity_was is None or cancelled_was is None or "cancelledQuantity" not in after:
            continue  # a field the answer left out: the schema check's finding, not ours
        open_before = quantity_was - cancelled_was
        if whole_order or item_id in asked:
            quantity = asked.get(item_id) or open_before
            expected = cancelled_was + min(quantity, open_before)
            is_open = _state(ctx, "orderItem", item.get("status")) in cancellable
            if is_open and number(after.get("cancelledQuantity")) != expected:
                return (
                    f"item {item_id}: cancelledQuantity {after.get('cancelledQuantity')}, "
                    f"expected {expected}"
                )
        elif (after.get("status"), after.get("cancelledQuantity")) != (
            item.get("status"),
            item.get("cancelledQuantity"),
        ):
            return (
                f"item {item_id} was not named in the cancel but changed to {after.get('status')}"
            )
    return None


@verifies("addRefund")
def _refunded(
    ctx: CheckContext, case: OpenApiCase, response: Response, before: Before
) -> str | None:
    if not before or before[0].resource is None:
        return None
    was = {k: i.get("refundData") or {} for k, i in _items(before[0].resource).items()}
    read = snapshots.read(ctx, ResourceRef("Order", before[0].id), shared=True)
    now = {k: i.get("refundData") or {} for k, i in _items(read).items()}
    expected = {item_id: dict(data) for item_id, data in was.items()}
    for refund in _sent(case).get("refunds", []):
        if refund.get("itemId") not in expected or not isinstance(
            refund.get("amount"), float | int
        ):
            continue
        key = (
            "remainingShippingBalance"
            if refund.get("isShippingRefund")
            else "remainingPriceBalance"
        )
        if not isinstance(expected[refund["itemId"]].get(key), float | int):
            continue
        expected[refund["itemId"]][key] = round(
            expected[refund["itemId"]][key] - refund["amount"], 2
        )
    for item_id, data in expected.items():
        for key in ("remainingPriceBalance", "remainingShippingBalance"):
            got = now.get(item_id, {}).get(key)
            if not isinstance(data.get(key), float | int) or not isinstance(got, float | int):
                continue  # a balance the answer left out is the schema check's finding
            if round(got, 2) != round(data[key], 2):
                return (
                    f"item {item_id}: {key} is {now.get(item_id, {}).get(key)}, "
                    f"expected {data[key]}"
                )
    return None


@verifies("holdOrder")
def _held(ctx: CheckContext, case: OpenApiCase, response: Response, before: Before) -> str | None:
    order_id = (case.path_parameters or {})["orderId"]
    order = snapshots.read(ctx, ResourceRef("Order", order_id), shared=True)
    held = load_lifecycle().target_of("order", "holdOrder")
    if not isinstance(order, dict) or "status" not in order:
        return None  # no status to judge: the schema check reports its absence
    reads = _state(ctx, "order", order.get("status"))
    return None if reads == held else f"order reads {order.get('status')!r} after hold"


def _items(order: Any) -> dict[str, dict[str, Any]]:
    """An order's items by id (none when the order or its items could not be read)."""
    items = order.get("items") if isinstance(order, dict) else None
    return {i["id"]: i for i in items or [] if isinstance(i, dict) and "id" in i}
