"""Order changes: update (single and bulk), item update, cancel and Customer Care Hold."""

from __future__ import annotations

from typing import Any, cast

from ordermesh_mock.errors import ApiError, bad_request, field_error, not_found
from ordermesh_mock.handlers.common import Ctx, Result, handler, item_view, order_view
from ordermesh_mock.handlers.orders import bulk_failure, bulk_result, refresh_status

ORDER_EDITABLE = (
    "externalId",
    "shippingAddress",
    "billingAddress",
    "returnAddress",
    "customerShippingMethod",
    "meta",
)
ITEM_EDITABLE = ("externalId", "images", "options", "attributes", "meta")


def update_order(ctx: Ctx, oid: Any, body: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Apply an UpdateOrderModel; returns (order, is_noop)."""
    order = ctx.owned("Order", oid)
    ctx.check("order", order["status"], "updateOrder")
    if set(body) == {"status"} and ctx.is_noop("order", order["status"], "updateOrder"):
        return order, True
    if body.get("status") == "Open" and order["status"] == "CustomerCareHold":
        order["status"] = "Open"  # released: the status is derived from the items again
        refresh_status(ctx, order)
    for key in ORDER_EDITABLE:
        if key in body:
            order[key] = body[key]
    return order, False


@handler("updateOrder")
def update_order_op(ctx: Ctx) -> Result:
    assert ctx.uow is not None
    stale = None
    if ctx.fault("update-answers-stale"):
        stale = order_view(ctx, ctx.owned("Order", ctx.path["orderId"]))
    order, noop = update_order(ctx, ctx.path["orderId"], ctx.body)
    ctx.uow.noop = noop
    if ctx.fault("audit-missing-on-update"):
        ctx.uow.audit_enabled = False
    return Result(200, {"order": stale or order_view(ctx, order)})


@handler("updateOrdersBulk")
def update_orders_bulk(ctx: Ctx) -> Result:
    assert ctx.uow is not None
    results = []
    for index, entry in enumerate(ctx.body["bulk"]):
        fields = {k: v for k, v in entry.items() if k != "id"}
        try:
            order, noop = update_order(ctx, entry["id"], fields)
        except ApiError as exc:
            results.append(bulk_failure(index, exc, entry["id"]))
            continue
        if noop:
            ctx.uow.skip_primary.add(("Order", order["id"]))
        results.append({"index": index, "id": order["id"], "success": True, "statusCode": 200})
    return bulk_result(results)


@handler("updateOrderItem")
def update_order_item(ctx: Ctx) -> Result:
    order = ctx.owned("Order", ctx.path["orderId"])
    item = ctx.owned("OrderItem", ctx.path["orderItemId"])
    if item["orderId"] != order["id"]:
        raise not_found()
    ctx.check("orderItem", item["status"], "updateOrderItem")
    for key in ITEM_EDITABLE:
        if key in ctx.body:
            item[key] = ctx.body[key]
    return Result(200, {"orderItem": item_view(item)})


@handler("holdOrder")
def hold_order(ctx: Ctx) -> Result:
    order = ctx.owned("Order", ctx.path["orderId"])
    try:
        ctx.check("order", order["status"], "holdOrder")
    except ApiError as exc:
        if exc.status == 409 and ctx.fault("hold-conflict-422"):
            exc.status = 422
            exc.body["statusCode"] = 422
        raise
    order["status"] = "CustomerCareHold"
    return Result(200, {"orderId": order["id"], "status": order["status"]})


CANCELLED = {"message": "Order cancelled successfully"}


def _cancel_targets(
    ctx: Ctx, order: dict[str, Any]
) -> list[tuple[dict[str, Any], int | None, str]]:
    body = ctx.body
    listed = body.get("orderItems") or []
    listed_ids = body.get("orderItemIds") or []
    whole = not listed and not listed_ids
    if whole or ctx.fault("partial-cancel-cancels-order"):
        return [
            (cast("dict[str, Any]", ctx.get("OrderItem", iid)), None, f"orderItemIds[{n}]")
            for n, iid in enumerate(order["orderItemIds"])
        ]
    targets: dict[str, tuple[dict[str, Any], int | None, str]] = {}
    entries = [(e["id"], e.get("quantity"), f"orderItems[{n}]") for n, e in enumerate(listed)]
    entries += [(iid, None, f"orderItemIds[{n}]") for n, iid in enumerate(listed_ids)]
    for iid, qty, prop in entries:
        if iid not in order["orderItemIds"]:
            raise not_found(f"Record Not Found: order item {iid} is not in this order")
        if iid not in targets:
            targets[iid] = (cast("dict[str, Any]", ctx.get("OrderItem", iid)), qty, prop)
    return list(targets.values())


@handler("cancelOrder")
def cancel_order(ctx: Ctx) -> Result:
    uow = ctx.uow
    assert uow is not None
    order = ctx.owned("Order", ctx.path["orderId"])
    if ctx.is_noop("order", order["status"]):
        uow.noop = True
        return Result(200, dict(CANCELLED))
    targets = _cancel_targets(ctx, order)
    now = uow.order_time()
    changed = []
    for item, qty, prop in targets:
        if ctx.is_noop("orderItem", item["status"]):
            continue
        ctx.check("orderItem", item["status"], "cancelOrder", prop=prop)
        remaining = item["quantity"] - item["cancelledQuantity"]
        if qty is not None and qty > remaining:
            raise bad_request(
                [field_error(f"{prop}.quantity", f"only {remaining} left to cancel", qty)]
            )
        if qty is None or qty == remaining:
            item["cancelledQuantity"] = item["quantity"]
            item["status"] = "Cancelled"
            item["cancelledAt"] = now
        else:
            item["cancelledQuantity"] += qty
        changed.append(item["id"])
    if not changed:
        uow.noop = True
        return Result(200, dict(CANCELLED))
    if ctx.body.get("cancelReason"):
        order["cancelReason"] = ctx.body["cancelReason"]
    refresh_status(ctx, order)
    if ctx.fault("cancel-not-persisted"):
        uow.skip_persist.update(("OrderItem", iid) for iid in changed)
    if ctx.fault("audit-wrong-values"):
        uow.event_hook = _same_values
    return Result(200, dict(CANCELLED))


def _same_values(event: dict[str, Any]) -> dict[str, Any]:
    if event["resourceType"] == "OrderItem":
        event["changes"] = [{**c, "newValue": c["oldValue"]} for c in event["changes"]]
    return event
