"""Turn a generated positive case into one the API can accept: real ids, in the right state.

Schemathesis generates schema-valid data, but a random 24-hex order id does not exist and a
random shipment is not Created. For each operation, a small preparer swaps in ids made by the
`Factory`: fresh resources for calls that change state, shared ones for reads. It keeps the rest
of the generated data. Negative cases are never touched: they must reach the API as generated.
This module holds the preparers of orders, notes and tokens; shipment_preparers.py those of
shipments (imported here, so importing this module registers them all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance.machinery import shipment_preparers  # registers the shipment preparers
from conformance.machinery.contract import is_success, json_of
from conformance.machinery.factory import NOTES_ON
from conformance.machinery.preparation import PREPARERS, Preparation, body_of, prepares, tagged
from conformance.transport.operations import Preparable, operation_of
from spec.natural_key import natural_key
from spec.vocabulary import number

__all__ = ["PREPARERS", "Preparation", "prepares", "shipment_preparers"]


# ---------------------------------------------------------------------- notes
# The shared resource of each kind a note can be on, by the names of the spec's enum of note
# resource types (which are the x-audit resource names resources.py reads them by).
NOTE_TARGETS: dict[str, Callable[[Preparation], str]] = {
    "Order": lambda p: p.order["id"],
    "OrderItem": lambda p: p.order["items"][0]["id"],
    "Shipment": lambda p: p.shipment["id"],
}


def _note_kind(p: Preparation, case: Preparable) -> tuple[str, str, str]:
    """Each kind of the spec's note resource types in turn: its name, wire value and the id of
    a real resource of that kind."""
    kinds = [k for k in p.factory.words.names(NOTES_ON[0]) if k in NOTE_TARGETS]
    kind = kinds[p.turn(operation_of(case)) % len(kinds)]
    return kind, p.factory.words.wire(NOTES_ON[0], kind), NOTE_TARGETS[kind](p)


@prepares("createNote")
def _create_note(p: Preparation, case: Preparable) -> None:
    _, wire, resource_id = _note_kind(p, case)
    body_of(case).update(resourceType=wire, resourceId=resource_id)


@prepares("listNotes")
def _list_notes(p: Preparation, case: Preparable) -> None:
    """A filter by kind, or by resource, finds a note: one is made on each shared resource."""
    query = case.query or {}
    if "resourceId" not in query and "resourceType" not in query:
        return
    kind, wire, resource_id = _note_kind(p, case)
    p.shared(f"note on {kind}", lambda: p.factory.note(kind=kind, resource_id=resource_id))
    query["resourceType"] = wire
    if "resourceId" in query:
        query["resourceId"] = resource_id
    case.query = query


@prepares("getNoteById")
def _get_note(p: Preparation, case: Preparable) -> None:
    case.path_parameters["noteId"] = p.note["id"]


@prepares("getNoteAuditLogs")
def _note_audit(p: Preparation, case: Preparable) -> None:
    case.path_parameters["id"] = p.note["id"]


@prepares("updateNote", "deleteNote")
def _fresh_note(p: Preparation, case: Preparable) -> None:
    case.path_parameters["noteId"] = p.factory.note(p.order)["id"]


# ---------------------------------------------------------------------- orders
def _own_order_payload(p: Preparation, payload: dict[str, object]) -> None:
    payload["merchantId"] = p.credentials.merchant_id
    payload["externalId"] = tagged(payload.get("externalId"), p.factory.run_id, 64)
    payload["safeId"] = p.factory.next_id()


@prepares("createOrder")
def _create_order(p: Preparation, case: Preparable) -> None:
    _own_order_payload(p, body_of(case))


@prepares("createOrdersBulk")
def _create_orders_bulk(p: Preparation, case: Preparable) -> None:
    payloads = [x for x in body_of(case).get("bulk", []) if isinstance(x, dict)]
    for payload in payloads:
        _own_order_payload(p, payload)
    # Every other bulk of two or more: its last entry repeats the first's natural key, so the
    # 2xx answer also carries a refused entry's result (its errors).
    key = natural_key(p.factory.spec, "createOrder")
    if key is not None and len(payloads) > 1 and p.turn(operation_of(case)) % 2:
        payloads[-1][key.field] = payloads[0][key.field]


@prepares("listOrders")
def _list_orders(p: Preparation, case: Preparable) -> None:
    """Two orders at least, even on an empty target, so the listing has a second page for the
    paging check (checks/listing.py) to read."""
    p.shared("second order", lambda: (p.order, p.factory.order(items=1)))


@prepares("searchOrderItems", "searchShipments")
def _search_by_order(p: Preparation, case: Preparable) -> None:
    if case.query and "orderId" in case.query:
        case.query["orderId"] = p.order["id"]


@prepares("getOrdersBulk")
def _get_orders_bulk(p: Preparation, case: Preparable) -> None:
    ids = list((case.query or {}).get("ids") or [])
    case.query = {**(case.query or {}), "ids": [p.order["id"], *ids][:50]}


@prepares("updateOrdersBulk")
def _update_orders_bulk(p: Preparation, case: Preparable) -> None:
    entries = [x for x in body_of(case).get("bulk", []) if isinstance(x, dict)]
    for item in entries:
        item["id"] = p.factory.order(items=1)["id"]
        if "externalId" in item:
            item["externalId"] = tagged(item["externalId"], p.factory.run_id, 64)
    # Every other bulk of two or more: its last entry is a cancelled order, which the lifecycle
    # table closes to edits, so the 2xx answer also carries a refused entry's result.
    if len(entries) > 1 and p.turn(operation_of(case)) % 2:
        entries[-1]["id"] = p.factory.cancelled_order()["id"]


@prepares("getOrderById", "getOrderAuditLogs", "getShipmentsByOrderId")
def _shared_order(p: Preparation, case: Preparable) -> None:
    case.path_parameters["orderId"] = p.order["id"]


@prepares("getOrderBySafeId", "getOrderAuditLogsBySafeId")
def _shared_safe_id(p: Preparation, case: Preparable) -> None:
    case.path_parameters["safeId"] = p.order["safeId"]


@prepares("getOrderItemById", "getOrderItemAuditLogs")
def _shared_item(p: Preparation, case: Preparable) -> None:
    case.path_parameters["orderItemId"] = p.order["items"][0]["id"]


REFUNDED_EVERY = 4  # one fresh order in this many has a refund, so its answer lists one


def _full_order(p: Preparation, case: Preparable) -> dict[str, Any]:
    """A fresh full-bodied order; now and then refunded, so the answers show refunds too."""
    order = p.factory.order(items=1, full=True)
    if p.turn(operation_of(case)) % REFUNDED_EVERY == 0:
        order = p.factory.refunded(order)
    return order


@prepares("updateOrder", "holdOrder")
def _fresh_order(p: Preparation, case: Preparable) -> None:
    case.path_parameters["orderId"] = _full_order(p, case)["id"]
    if isinstance(case.body, dict) and "externalId" in case.body:
        case.body["externalId"] = tagged(case.body["externalId"], p.factory.run_id, 64)


@prepares("updateOrderItem")
def _fresh_item(p: Preparation, case: Preparable) -> None:
    order = _full_order(p, case)
    case.path_parameters.update(orderId=order["id"], orderItemId=order["items"][0]["id"])


@prepares("cancelOrder")
def _cancel(p: Preparation, case: Preparable) -> None:
    order = p.factory.order(items=2)
    items = order["items"]
    case.path_parameters["orderId"] = order["id"]
    body = body_of(case)
    if body.get("orderItems"):
        body.pop("orderItemIds", None)
        chosen: dict[object, object] = {}
        for index, entry in enumerate(body["orderItems"]):
            item = items[index % len(items)]
            if isinstance(entry, dict):
                quantity = entry.get("quantity")
                entry["id"] = item["id"]
                # 2020-12 (the spec is OpenAPI 3.1) counts 3.0 as an integer, so both come.
                available = number(item.get("quantity"))  # read as the target wrote it
                asked = number(quantity) if not isinstance(quantity, str) else None
                if asked is not None and available is not None:
                    entry["quantity"] = max(1, min(asked, available))
                chosen.setdefault(item["id"], entry)
        body["orderItems"] = list(chosen.values())  # one entry per item: no double cancel
    elif body.get("orderItemIds"):
        body["orderItemIds"] = [items[0]["id"]]


@prepares("addRefund")
def _refund(p: Preparation, case: Preparable) -> None:
    order = p.factory.order(items=2)
    body = body_of(case)
    body["orderId"] = order["id"]
    refunds = [r for r in body.get("refunds", []) if isinstance(r, dict)][:2]
    for index, refund in enumerate(refunds):
        item = order["items"][index % len(order["items"])]
        refund["itemId"] = item["id"]
        refund["isShippingRefund"] = False  # the price balance is never 0; shipping may be
        balance = item["refundData"]["remainingPriceBalance"] / 2
        amount = refund.get("amount")
        refund["amount"] = (
            round(min(amount, balance) if isinstance(amount, (int, float)) else balance, 2) or 0.01
        )
    body["refunds"] = refunds or [
        {"itemId": order["items"][0]["id"], "amount": 1.0, "reason": "prepared"}
    ]


# ---------------------------------------------------------------------- auth
@prepares("getClientToken")
def _client_token(p: Preparation, case: Preparable) -> None:
    if p.credentials.client_id:
        body_of(case).update(
            client_id=p.credentials.client_id, client_secret=p.credentials.client_secret
        )


@prepares("loginUser")
def _login(p: Preparation, case: Preparable) -> None:
    if p.credentials.username:
        body_of(case).update(username=p.credentials.username, password=p.credentials.password)


@prepares("loginUserWithRefreshToken")
def _refresh(p: Preparation, case: Preparable) -> None:
    if p.credentials.username:
        login = p.factory.spec.operation("loginUser")
        response = p.factory.client.request(
            login.method,
            login.path,
            json={"username": p.credentials.username, "password": p.credentials.password},
            authenticated=False,
        )
        body = json_of(response) if is_success(response.status_code) else None
        token = body.get("refresh_token") if isinstance(body, dict) else None
        if isinstance(token, str):
            p.factory.client.redactor.add(token)
            body_of(case)["refresh_token"] = token
