"""Bring orders, items and shipments into a given lifecycle state, and act on them.

`setup(api, entity, state, operation)` returns a context dict (oid, items, sid, pid);
`act(api, ctx, operation, variant)` performs one operation on it.
"""

from __future__ import annotations

from typing import Any

from mock_helpers import (
    FACILITY,
    VENDOR,
    Api,
    add_package,
    assign,
    create_order,
    create_shipment,
    get_item,
    get_order,
    get_shipment,
    order_body,
    ship,
)

from spec import load_lifecycle, load_spec
from spec.vocabulary import vocabulary

LIFECYCLE = load_lifecycle()
WORDS = vocabulary(load_spec())


def new_order(api: Api) -> dict[str, Any]:
    created = create_order(api, items=2, quantity=2)
    return {"oid": created["id"], "items": created["orderItemIds"]}


def with_shipment(api: Api, ctx: dict, items: list[str] | None = None) -> dict:
    ctx["sid"] = create_shipment(api, ctx["oid"], items or ctx["items"][:1])["id"]
    ctx["pid"] = add_package(api, ctx["sid"])
    return ctx


def ok(r) -> None:
    assert r.status_code < 300, r.text


def setup(api: Api, entity: str, state: str, operation: str = "") -> dict[str, Any]:
    ctx = new_order(api)
    if entity == "orderItem":
        if state in ("Processing", "Fulfilled"):
            with_shipment(api, ctx)
        if state == "Fulfilled":
            ok(ship(api, ctx["sid"], ctx["pid"]))
        if state == "Cancelled":
            ok(act(api, ctx, "cancelOrder", "item"))
        return ctx
    if entity == "order":
        if state == "Processing":
            with_shipment(api, ctx)
        elif state == "Fulfilled":
            with_shipment(api, ctx, ctx["items"])
            ok(ship(api, ctx["sid"], ctx["pid"]))
        elif state == "Cancelled":
            ok(act(api, ctx, "cancelOrder", "whole"))
        elif state == "CustomerCareHold":
            # a shipment ready for the operation the hold must block
            if operation != "createShipment":
                with_shipment(api, ctx)
                if operation != "assignShipment":
                    ok(assign(api, ctx["sid"]))
            ok(api.post(f"/v1/orders/{ctx['oid']}/customerCareHold"))
        return ctx
    with_shipment(api, ctx)
    sid = ctx["sid"]
    if state in ("Assigned", "Rejected"):
        ok(assign(api, sid))
    if state == "Rejected":
        ok(api.post("/v1/shipments/reject", json={"shipmentId": sid}))
    if state == "Shipped":
        ok(ship(api, sid, ctx["pid"]))
    if state == "Cancelled":
        ok(api.patch(f"/v1/shipments/{sid}/cancel", json={"reason": "r"}))
    return ctx


def act(api: Api, ctx: dict, operation: str, variant: str = "") -> Any:
    oid, items, sid = ctx.get("oid"), ctx.get("items", []), ctx.get("sid")
    if operation == "createOrder":
        r = api.post("/v1/orders", json=order_body())
        if r.status_code == 201:
            ctx.update(oid=r.json()["id"], items=r.json()["orderItemIds"])
        return r
    if operation == "createOrdersBulk":
        r = api.post("/v1/orders/bulk", json={"bulk": [order_body()]})
        oid = r.json()["results"][0]["id"]
        ctx.update(oid=oid, items=[i["id"] for i in get_order(api, oid)["items"]])
        return r
    if operation == "cancelOrder":
        body: dict[str, Any] = {"cancelReason": "test"}
        if variant == "item":
            body["orderItems"] = [{"id": items[0]}]
        elif variant == "partial":
            body["orderItems"] = [{"id": items[0], "quantity": 1}]
        elif variant == "open-items":
            body["orderItemIds"] = [
                i["id"] for i in get_order(api, oid)["items"] if i["status"] == "Open"
            ]
        return api.post(f"/v1/orders/{oid}/cancel", json=body)
    if operation == "holdOrder":
        return api.post(f"/v1/orders/{oid}/customerCareHold")
    if operation == "updateOrder":
        body = {"status": "Open"} if variant == "release" else {"externalId": "changed"}
        return api.patch(f"/v1/orders/{oid}", json=body)
    if operation == "updateOrderItem":
        return api.patch(f"/v1/orders/{oid}/items/{items[0]}", json={"meta": {"k": "v"}})
    if operation == "createShipment":
        target = items[1:2] if variant == "second" else items[:1]
        r = api.post(
            "/v1/shipments", json={"orderId": oid, "vendorId": VENDOR, "orderItemIds": target}
        )
        if r.status_code == 201:
            ctx["sid"] = r.json()["id"]
        return r
    if operation == "assignShipment":
        return assign(api, sid)
    if operation == "rerouteShipment":
        return api.post("/v1/shipments/reroute", json={"shipmentId": sid, "facilityId": FACILITY})
    if operation == "rerouteShipmentsBulk":
        body = {"bulk": [{"shipmentId": sid, "facilityId": FACILITY}]}
        return api.post("/v1/shipments/reroute/bulk", json=body)
    if operation == "resubmitShipment":
        return api.post(f"/v1/shipments/{sid}/resubmit")
    if operation == "rejectShipment":
        return api.post("/v1/shipments/reject", json={"shipmentId": sid})
    if operation == "updatePackage":
        if variant == "shippedDate":
            return ship(api, sid, ctx["pid"])
        return api.patch(f"/v1/shipments/{sid}/packages/{ctx['pid']}", json={"carrierName": "DHL"})
    if operation == "cancelShipment":
        return api.patch(f"/v1/shipments/{sid}/cancel", json={"reason": "r"})
    if operation == "unassignShipmentItems":
        return api.post(f"/v1/shipments/{sid}/unassign", json={"orderItemIds": items[:1]})
    if operation == "deleteShipment":
        return api.delete(f"/v1/shipments/{sid}")
    if operation == "createPackages":
        return api.post(f"/v1/shipments/{sid}/packages", json=[{"carrierName": "UPS"}])
    if operation == "updateShipment":
        return api.patch(f"/v1/shipments/{sid}", json={"shippingMethod": "Express"})
    if operation == "retryShipmentPolling":
        return api.post(f"/v1/shipments/{sid}/retryPolling")
    if operation == "generatePackingSlip":
        return api.post(f"/v1/shipments/{sid}/packingSlip")
    raise AssertionError(f"no action for {operation}")


def state_of(api: Api, ctx: dict, entity: str) -> str | None:
    if entity == "order":
        return get_order(api, ctx["oid"])["status"] if ctx.get("oid") else None
    if entity == "orderItem":
        return get_item(api, ctx["items"][0])["status"] if ctx.get("items") else None
    if not ctx.get("sid"):
        return None
    r = api.get(f"/v1/shipments/{ctx['sid']}")
    if r.status_code == 404:
        return None
    return LIFECYCLE.state_of(WORDS, "shipment", get_shipment(api, ctx["sid"])["shipmentStatus"])
