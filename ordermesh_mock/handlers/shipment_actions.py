"""Shipment changes: assign, reroute, reject, resubmit, polling, edit, cancel, delete, packages."""

from __future__ import annotations

import uuid
from typing import Any, cast

from ordermesh_mock.errors import ApiError, bad_request, field_error, not_found
from ordermesh_mock.handlers.common import (
    Ctx,
    Result,
    handler,
    object_id,
    package_view,
    shipment_view,
    short_id,
)
from ordermesh_mock.handlers.orders import bulk_failure, bulk_result, refresh_status
from ordermesh_mock.handlers.shipments import order_on_hold_check


def _code(ctx: Ctx, name: str) -> int:
    return int(ctx.mock.lifecycle.wire(ctx.mock.words, "shipment", name))


def _status_out(ctx: Ctx, value: int) -> Any:
    return str(value) if ctx.fault("shipment-status-as-string") else value


def _release_items(ctx: Ctx, shipment: dict[str, Any], item_ids: list[str]) -> None:
    """Items leave the shipment and are Open again; their order's status follows."""
    for iid in item_ids:
        item = ctx.get("OrderItem", iid)
        if item is None or item.get("_shipmentId") != shipment["id"]:
            continue
        if item["status"] == "Processing":
            item["status"] = "Open"
            item["processedAt"] = None
        item["_shipmentId"] = None
    order = ctx.get("Order", shipment["orderId"])
    if order is not None:
        refresh_status(ctx, order)


# ---------------------------------------------------------------------- assign / reroute
@handler("assignShipment")
def assign(ctx: Ctx) -> Result:
    shipment = ctx.owned("Shipment", ctx.path["shipmentId"])
    ctx.check("shipment", shipment["shipmentStatus"], "assignShipment")
    order_on_hold_check(ctx, shipment, "assignShipment")
    shipment["facilityId"] = ctx.body["facilityId"]
    shipment["shipmentStatus"] = _code(ctx, "Assigned")
    return Result(
        200,
        {
            "shipmentId": shipment["id"],
            "facilityId": shipment["facilityId"],
            "shipmentStatus": _status_out(ctx, shipment["shipmentStatus"]),
        },
    )


def reroute_one(ctx: Ctx, body: dict[str, Any]) -> dict[str, Any]:
    shipment = ctx.owned("Shipment", body["shipmentId"])
    ctx.check("shipment", shipment["shipmentStatus"], "rerouteShipment")
    order_on_hold_check(ctx, shipment, "rerouteShipment")
    for n, entry in enumerate(body.get("orderItems") or []):
        if entry["id"] not in shipment["orderItemIDs"]:
            raise bad_request(
                [field_error(f"orderItems[{n}].id", "not an item of this shipment", entry["id"])]
            )
    shipment["facilityId"] = body["facilityId"]
    shipment["shipmentStatus"] = _code(ctx, "Assigned")
    shipment["isRejectedByVendor"] = False
    return shipment


@handler("rerouteShipment")
def reroute(ctx: Ctx) -> Result:
    shipment = reroute_one(ctx, ctx.body)
    return Result(
        200,
        {
            "shipmentId": shipment["id"],
            "facilityId": shipment["facilityId"],
            "shipmentStatus": _status_out(ctx, shipment["shipmentStatus"]),
        },
    )


@handler("rerouteShipmentsBulk")
def reroute_bulk(ctx: Ctx) -> Result:
    results = []
    for index, entry in enumerate(ctx.body["bulk"]):
        try:
            shipment = reroute_one(ctx, entry)
        except ApiError as exc:
            results.append(bulk_failure(index, exc, entry["shipmentId"]))
            continue
        results.append({"index": index, "id": shipment["id"], "success": True, "statusCode": 200})
    return bulk_result(results)


@handler("rejectShipment")
def reject(ctx: Ctx) -> Result:
    shipment = ctx.owned("Shipment", ctx.body["shipmentId"])
    ctx.check("shipment", shipment["shipmentStatus"], "rejectShipment")
    shipment["shipmentStatus"] = _code(ctx, "Rejected")
    shipment["isRejectedByVendor"] = True
    return Result(
        200,
        {
            "shipmentId": shipment["id"],
            "shipmentStatus": _status_out(ctx, shipment["shipmentStatus"]),
            "isRejectedByVendor": True,
        },
    )


@handler("resubmitShipment")
def resubmit(ctx: Ctx) -> Result:
    shipment = ctx.owned("Shipment", ctx.path["shipmentId"])
    ctx.check("shipment", shipment["shipmentStatus"], "resubmitShipment")
    order_on_hold_check(ctx, shipment, "resubmitShipment")
    if not shipment.get("facilityId"):  # rejected before any assignment: nowhere to resubmit
        raise ctx.rule("shipment-resubmit-never-assigned", shipment["shipmentStatus"])
    shipment["shipmentStatus"] = _code(ctx, "Assigned")
    shipment["isRejectedByVendor"] = False
    return Result(
        200,
        {
            "shipmentId": shipment["id"],
            "facilityId": shipment["facilityId"],
            "shipmentStatus": _status_out(ctx, shipment["shipmentStatus"]),
        },
    )


@handler("retryShipmentPolling")
def retry_polling(ctx: Ctx) -> Result:
    assert ctx.uow is not None
    shipment = ctx.owned("Shipment", ctx.path["shipmentId"])
    ctx.check("shipment", shipment["shipmentStatus"], "retryShipmentPolling")
    shipment["isPollingStopped"] = False
    message_id = str(uuid.uuid4())
    ctx.uow.messages[shipment["id"]] = {
        "eventType": "OutboundShipmentUpdate",
        "messageId": message_id,
        "shipmentId": shipment["id"],
        "shipmentStatus": shipment["shipmentStatus"],
    }
    body = {"shipmentId": shipment["id"], "eventType": "OutboundShipmentUpdate"}
    return Result(202, {**body, "messageId": message_id})


@handler("updateShipment")
def update_shipment(ctx: Ctx) -> Result:
    shipment = ctx.owned("Shipment", ctx.path["shipmentId"])
    ctx.check("shipment", shipment["shipmentStatus"], "updateShipment")
    for key in ("shippingMethod", "merchantPaymentId", "isPollingStopped"):
        if key in ctx.body:
            shipment[key] = ctx.body[key]
    return Result(200, shipment_view(ctx, shipment))


# ---------------------------------------------------------------------- cancel / unassign
@handler("cancelShipment")
def cancel_shipment(ctx: Ctx) -> Result:
    shipment = ctx.owned("Shipment", ctx.path["shipmentId"])
    ctx.check("shipment", shipment["shipmentStatus"], "cancelShipment")
    shipment["shipmentStatus"] = _code(ctx, "Cancelled")
    shipment["cancelReason"] = ctx.body["reason"]
    _release_items(ctx, shipment, list(shipment["orderItemIDs"]))
    return Result(200, shipment_view(ctx, shipment))


@handler("unassignShipmentItems")
def unassign(ctx: Ctx) -> Result:
    shipment = ctx.owned("Shipment", ctx.path["shipmentId"])
    ctx.check("shipment", shipment["shipmentStatus"], "unassignShipmentItems")
    ids = ctx.body["orderItemIds"]
    for n, iid in enumerate(ids):
        ctx.owned("OrderItem", iid)
        if iid not in shipment["orderItemIDs"]:
            raise bad_request(
                [field_error(f"orderItemIds[{n}]", "not an item of this shipment", iid)]
            )
    _release_items(ctx, shipment, ids)
    shipment["orderItemIDs"] = [i for i in shipment["orderItemIDs"] if i not in ids]
    for pid in shipment["packageIds"]:
        pkg = ctx.get("Package", pid)
        if pkg is not None and any(i in ids for i in pkg["orderItemIDs"]):
            pkg["orderItemIDs"] = [i for i in pkg["orderItemIDs"] if i not in ids]
    if not shipment["orderItemIDs"]:
        shipment["shipmentStatus"] = _code(ctx, "Cancelled")
    return Result(200, shipment_view(ctx, shipment))


@handler("deleteShipment")
def delete_shipment(ctx: Ctx) -> Result:
    assert ctx.uow is not None
    shipment = ctx.owned("Shipment", ctx.path["shipmentId"])
    ctx.check("shipment", shipment["shipmentStatus"], "deleteShipment")
    _release_items(ctx, shipment, list(shipment["orderItemIDs"]))
    for pid in shipment["packageIds"]:
        ctx.uow.delete("Package", pid)
    ctx.uow.delete("Shipment", shipment["id"])
    return Result(204)


# ---------------------------------------------------------------------- packages
def _package_items(ctx: Ctx, item_ids: list[str]) -> list[dict[str, Any]]:
    """Each item a package holds, with the quantity the shipment carries of it."""
    items = [ctx.get("OrderItem", iid) for iid in item_ids]
    return [
        {"orderItemId": i["id"], "quantity": i["quantity"] - i["cancelledQuantity"]}
        for i in items
        if i is not None
    ]


@handler("createPackages")
def create_packages(ctx: Ctx) -> Result:
    uow = ctx.uow
    assert uow is not None
    shipment = ctx.owned("Shipment", ctx.path["shipmentId"])
    ctx.check("shipment", shipment["shipmentStatus"], "createPackages")
    created = []
    for n, spec in enumerate(ctx.body):
        item_ids = spec.get("orderItemIDs")
        if item_ids is None:
            item_ids = list(shipment["orderItemIDs"])
        for m, iid in enumerate(item_ids):
            if iid not in shipment["orderItemIDs"]:
                raise ctx.rule("package-items-in-shipment", iid, f"[{n}].orderItemIDs[{m}]")
        held = list(dict.fromkeys(item_ids))
        pid = str(uuid.uuid4())
        pkg = {
            "id": pid,
            "shortId": short_id(ctx.store, "P", 10),
            "shipmentId": shipment["id"],
            "carrierName": spec["carrierName"],
            "carrierMethodName": spec.get("carrierMethodName"),
            "carrierTrackingNumber": spec.get("carrierTrackingNumber"),
            "carrierLink": spec.get("carrierLink"),
            "carrierAccount": spec.get("carrierAccount", False),
            "shippedDate": None,
            "fulfilledDate": None,
            "orderItemIDs": held,
            "packageOrderItems": _package_items(ctx, held),
            "packingSlipId": None,
            "_merchantId": ctx.merchant,
        }
        uow.add("Package", pid, pkg)
        shipment["packageIds"].append(pid)
        created.append(package_view(pkg))
    return Result(201, {"packages": created})


@handler("updatePackage")
def update_package(ctx: Ctx) -> Result:
    shipment = ctx.owned("Shipment", ctx.path["shipmentId"])
    pkg = ctx.owned("Package", ctx.path["packageId"])
    if pkg["shipmentId"] != shipment["id"]:
        raise not_found()
    body = ctx.body
    if "shippedDate" in body:
        ctx.check("shipment", shipment["shipmentStatus"], "updatePackage", when="shippedDate")
        order_on_hold_check(ctx, shipment, "updatePackage", when="shippedDate")
    for key in (
        "carrierName",
        "carrierMethodName",
        "carrierTrackingNumber",
        "carrierLink",
        "shippedDate",
        "fulfilledDate",
    ):
        if key in body:
            pkg[key] = body[key]
    if "shippedDate" in body:
        shipment["shipmentStatus"] = _code(ctx, "Shipped")
        for iid in shipment["orderItemIDs"]:
            item = ctx.get("OrderItem", iid)
            if item is not None and item["status"] == "Processing":
                item["status"] = "Fulfilled"
        order = ctx.get("Order", shipment["orderId"])
        if order is not None:
            refresh_status(ctx, order)
    return Result(200, package_view(pkg))


@handler("generatePackingSlip")
def packing_slip(ctx: Ctx) -> Result:
    shipment = ctx.owned("Shipment", ctx.path["shipmentId"])
    ctx.check("shipment", shipment["shipmentStatus"], "generatePackingSlip")
    if not shipment["packageIds"]:
        raise ctx.rule("packing-slip-needs-package", shipment["shipmentStatus"])
    slip = object_id()
    for pid in shipment["packageIds"]:
        cast("dict[str, Any]", ctx.get("Package", pid))["packingSlipId"] = slip
    return Result(
        200,
        {
            "packingSlipId": slip,
            "shipmentId": shipment["id"],
            "url": f"/packingSlips/{slip}.pdf",
            "packageIds": list(shipment["packageIds"]),
        },
    )
