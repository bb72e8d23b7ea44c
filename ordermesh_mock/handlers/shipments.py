"""Shipments: create, reads, search and audit logs."""

from __future__ import annotations

import uuid
from typing import Any, cast

from ordermesh_mock.errors import not_found
from ordermesh_mock.handlers.common import (
    Ctx,
    Result,
    audit_result,
    handler,
    paged,
    search_shipment_view,
    shipment_view,
    short_id,
)
from ordermesh_mock.handlers.orders import refresh_status

CREATED = 1


def shipment_date(order_time: str) -> str:
    """Order-service `...Z` time to the shipment service's offset-less form."""
    return order_time.rstrip("Z").split(".")[0]


def order_on_hold_check(
    ctx: Ctx, shipment: dict[str, Any], operation: str | None = None, when: str | None = None
) -> dict[str, Any] | None:
    order = ctx.get("Order", shipment["orderId"])
    if order is not None:
        ctx.check("order", order["status"], operation, when)
    return order


@handler("createShipment")
def create_shipment(ctx: Ctx) -> Result:
    uow = ctx.uow
    assert uow is not None
    body = ctx.body
    order = ctx.owned("Order", body["orderId"])
    if not ctx.fault("hold-does-not-block-shipping"):
        ctx.check("order", order["status"], "createShipment")
    items = []
    for n, iid in enumerate(body["orderItemIds"]):
        if iid not in order["orderItemIds"]:
            raise not_found(f"Record Not Found: order item {iid} is not in this order")
        item = cast("dict[str, Any]", ctx.get("OrderItem", iid))
        if not (item["status"] == "Cancelled" and ctx.fault("cancelled-item-shippable")):
            ctx.check("orderItem", item["status"], "createShipment", prop=f"orderItemIds[{n}]")
        items.append(item)
    sid = str(uuid.uuid4())
    now = uow.order_time()
    total = 0.0
    tax = 0.0
    shipping = 0.0
    for item in items:
        item["status"] = "Processing"
        item["processedAt"] = now
        item["_shipmentId"] = sid
        price = item.get("customerPrice") or {"amount": 0}
        total += price["amount"] * (item["quantity"] - item["cancelledQuantity"])
        tax += (item.get("customerTaxes") or {}).get("amount", 0)
        shipping += (item.get("customerShippingPrice") or {}).get("amount", 0)
    refresh_status(ctx, order)
    address = order.get("shippingAddress") or {}
    merchant = ctx.mock.auth.merchant(ctx.merchant)
    shipment = {
        "id": sid,
        "shortId": short_id(ctx.store, "S", 10),
        "merchantId": ctx.merchant,
        "merchantName": merchant.name if merchant else None,
        "vendorId": body["vendorId"],
        "vendorName": None,
        "facilityId": None,
        "orderId": order["id"],
        "orderExternalId": order["externalId"],
        "merchantOrderId": order["externalId"],
        "safeId": order["safeId"],
        "customerId": None,
        "customerShippingAddressId": None,
        "merchantPaymentId": None,
        "shippingCountryCodeISO": None,
        "shippingCountryCode": address.get("countryCode"),
        "shipmentStatus": CREATED,
        "isRejectedByVendor": False,
        "shippingMethod": body.get("shippingMethod"),
        "isPollingStopped": False,
        "currencyCode": order.get("currencyCode", "USD"),
        "languageCodeISO": None,
        "languageCode": order.get("languageCode"),
        "transactionalCostModel": "transactional",
        "createdDate": uow.shipment_time(),
        "orderCreatedDate": shipment_date(order["createdAt"]),
        "lastModifiedDate": uow.shipment_time(),
        "merchantOrderTotal": total,
        "merchantPackageTotal": total,
        "merchantTaxTotal": tax,
        "merchantShippingTotal": shipping,
        "packageTotal": total,
        "taxTotal": tax,
        "shippingTotal": shipping,
        "total": total + tax + shipping,
        "costTotal": total,
        "costTaxTotal": tax,
        "costShippingTotal": shipping,
        "costShippingTaxTotal": 0,
        "orderItemIDs": [i["id"] for i in items],
        "packageIds": [],
    }
    uow.add("Shipment", sid, shipment)
    status = shipment["shipmentStatus"]
    if ctx.fault("shipment-status-as-string"):
        status = str(status)
    body_out = {"id": sid, "shortId": shipment["shortId"], "shipmentStatus": status}
    return Result(201, body_out, {"Location": f"/v1/shipments/{sid}"})


@handler("getShipmentById")
def get_shipment(ctx: Ctx) -> Result:
    return Result(200, shipment_view(ctx, ctx.owned("Shipment", ctx.path["shipmentId"])))


@handler("getShipmentsByOrderId")
def shipments_of_order(ctx: Ctx) -> Result:
    order = ctx.owned("Order", ctx.path["orderId"])
    ids = ctx.store.shipments_by_order.get(order["id"], [])
    return Result(
        200, [shipment_view(ctx, cast("dict[str, Any]", ctx.store.get("Shipment", s))) for s in ids]
    )


@handler("getShipmentForOrderAndVendor")
def shipment_for_vendor(ctx: Ctx) -> Result:
    order = ctx.owned("Order", ctx.path["orderId"])
    vendor = ctx.path["vendorId"].lower()
    for sid in reversed(ctx.store.shipments_by_order.get(order["id"], [])):
        shipment = cast("dict[str, Any]", ctx.store.get("Shipment", sid))
        if shipment["vendorId"].lower() == vendor:
            return Result(200, shipment_view(ctx, shipment))
    raise not_found()


@handler("getShipmentByOrderItemId")
def shipment_of_item(ctx: Ctx) -> Result:
    item = ctx.owned("OrderItem", ctx.path["orderItemId"])
    sid = item.get("_shipmentId")
    if not sid or ctx.store.get("Shipment", sid) is None:
        raise not_found()
    return Result(200, shipment_view(ctx, cast("dict[str, Any]", ctx.store.get("Shipment", sid))))


@handler("searchShipments")
def search_shipments(ctx: Ctx) -> Result:
    q = ctx.query
    table = ctx.store.tables["Shipment"]
    if "orderId" in q:
        ids = ctx.store.shipments_by_order.get(q["orderId"], [])
    else:
        ids = ctx.store.shipments_by_merchant.get(ctx.merchant, [])
    rows = [table[s] for s in ids if s in table and table[s]["merchantId"] == ctx.merchant]
    if "vendorId" in q:
        rows = [r for r in rows if r["vendorId"].lower() == q["vendorId"].lower()]
    if "facilityId" in q:
        rows = [r for r in rows if (r["facilityId"] or "").lower() == q["facilityId"].lower()]
    if "shipmentStatus" in q:
        rows = [r for r in rows if r["shipmentStatus"] == q["shipmentStatus"]]
    desc = q.get("sortDirection", "desc") == "desc"
    if q.get("sortBy", "createdDate") == "createdDate":
        rows = rows[::-1] if desc else rows
    else:
        rows = sorted(rows, key=lambda r: r["lastModifiedDate"], reverse=desc)
    page, info = paged(rows, q)
    as_string = ctx.fault("shipment-status-as-string")
    return Result(200, {**info, "shipments": [search_shipment_view(r, as_string) for r in page]})


@handler("getShipmentAuditLogs")
def shipment_audit(ctx: Ctx) -> Result:
    return audit_result(ctx, "Shipment", ctx.path["shipmentId"])


@handler("getShipmentMessageAuditLogs")
def shipment_message_audit(ctx: Ctx) -> Result:
    return audit_result(ctx, "ShipmentMessage", ctx.path["shipmentId"])


@handler("getPackageAuditLogs")
def package_audit(ctx: Ctx) -> Result:
    shipment_id, package_id = ctx.path["shipmentId"], ctx.path["packageId"]
    log = ctx.store.audit_log("Package", package_id)
    if log and log[0].get("resource") and shipment_id not in log[0]["resource"]:
        raise not_found()
    return audit_result(ctx, "Package", package_id)
