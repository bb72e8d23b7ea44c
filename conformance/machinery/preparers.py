"""Turn a generated positive case into one the API can accept: real ids, in the right state.

Schemathesis generates schema-valid data, but a random 24-hex order id does not exist and a
random shipment is not Created. For each operation, a small preparer swaps in ids made by the
`Factory`: fresh resources for calls that change state, shared ones for reads. It keeps the rest
of the generated data. Negative cases are never touched: they must reach the API as generated.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

from conformance.config.settings import Credentials
from conformance.machinery.contract import ContractBreach, is_success, json_of
from conformance.machinery.factory import NOTES_ON, VENDOR, Factory
from conformance.transport.operations import Preparable, operation_of
from spec.implied import sort_parameters
from spec.vocabulary import number

T = TypeVar("T")

Preparer = Callable[["Preparation", Preparable], None]
PREPARERS: dict[str, Preparer] = {}


def prepares(*operation_ids: str) -> Callable[[Preparer], Preparer]:
    def register(fn: Preparer) -> Preparer:
        for operation_id in operation_ids:
            PREPARERS[operation_id] = fn
        return fn

    return register


class Preparation:
    """Shared read-only resources (made once) plus access to the factory for fresh ones."""

    def __init__(self, factory: Factory, credentials: Credentials) -> None:
        self.factory = factory
        self.credentials = credentials
        self._shared: dict[str, object] = {}
        # Re-entrant: a shared note is made from the shared order.
        self._lock = threading.RLock()
        self._sort_turns: dict[str, int] = {}  # operationId -> cases given a declared sort
        self._turns: dict[str, int] = {}  # rotation key -> cases prepared with it

    def shared(self, key: str, make: Callable[[], T]) -> T:
        """Made once. A contract breach while making it is kept too: every case that needs the
        resource is blocked by the same answer, without asking the target again."""
        with self._lock:
            if key not in self._shared:
                try:
                    self._shared[key] = make()
                except ContractBreach as breach:
                    self._shared[key] = breach
            made = self._shared[key]
            if isinstance(made, ContractBreach):
                raise made
            return cast(T, made)

    @property
    def order(self) -> dict[str, Any]:
        # Full-bodied: the reads it serves answer every documented field, optional ones too.
        return self.shared("order", lambda: self.factory.order(items=2, full=True))

    @property
    def shipment(self) -> dict[str, Any]:
        def make() -> dict[str, object]:
            shipment = self.factory.shipment(self.factory.order(items=2, full=True))
            self.factory.package(shipment["id"])
            return self.factory.read_shipment(shipment["id"], packages=1)

        return self.shared("shipment", make)

    @property
    def note(self) -> dict[str, object]:
        return self.shared("note", lambda: self.factory.note(self.order))

    def turn(self, key: str) -> int:
        """How many times `key` asked before: rotations over a set of values start here."""
        with self._lock:
            turn = self._turns.get(key, 0)
            self._turns[key] = turn + 1
            return turn

    def prepare(self, case: Preparable) -> None:
        preparer = PREPARERS.get(operation_of(case))
        if preparer is not None:
            preparer(self, case)
        self._next_sort(case)

    def _next_sort(self, case: Preparable) -> None:
        """Each declared sort key and direction in turn (spec/implied.py): generated cases
        rarely pick them all, and the sort check judges what a case asks for."""
        operation_id = operation_of(case)
        sort = sort_parameters(self.factory.spec, operation_id)
        if sort is None:
            return
        with self._lock:
            turn = self._sort_turns.get(operation_id, 0)
            self._sort_turns[operation_id] = turn + 1
        combinations = sort.combinations()
        key, direction = combinations[turn % len(combinations)]
        query = dict(case.query or {})
        if sort.key_parameter is not None and key is not None:
            query[sort.key_parameter] = key
        query[sort.direction_parameter] = direction
        case.query = query


def _body(case: Preparable) -> dict[str, Any]:
    if not isinstance(case.body, dict):
        case.body = {}
    return case.body


def _tag(value: object, run_id: str, limit: int) -> str:
    """Prefix the run id (live-target safety) without breaking the length limit."""
    return f"{run_id}-{value if isinstance(value, str) else ''}"[:limit]


# ---------------------------------------------------------------------- notes
# The shared resource of each kind a note can be on, by the names of the spec's enum of note
# resource types (which are the x-audit resource names resources.py reads them by).
NOTE_TARGETS: dict[str, Callable[[Preparation], str]] = {
    "Order": lambda p: p.order["id"],
    "OrderItem": lambda p: p.order["items"][0]["id"],
    "Shipment": lambda p: p.shipment["id"],
}


def _note_kind(p: Preparation, case: Preparable) -> tuple[str, str]:
    """Each kind of the spec's note resource types in turn: its wire value and a real id."""
    kinds = [k for k in p.factory.words.names(NOTES_ON[0]) if k in NOTE_TARGETS]
    kind = kinds[p.turn(operation_of(case)) % len(kinds)]
    return p.factory.words.wire(NOTES_ON[0], kind), NOTE_TARGETS[kind](p)


@prepares("createNote")
def _create_note(p: Preparation, case: Preparable) -> None:
    wire, resource_id = _note_kind(p, case)
    _body(case).update(resourceType=wire, resourceId=resource_id)


@prepares("listNotes")
def _list_notes(p: Preparation, case: Preparable) -> None:
    """A filter by kind, or by resource, finds a note: one is made on each shared resource."""
    query = case.query or {}
    if "resourceId" not in query and "resourceType" not in query:
        return
    wire, resource_id = _note_kind(p, case)
    kind = p.factory.words.name_of(NOTES_ON[0], wire) or NOTES_ON[1]
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
    payload["externalId"] = _tag(payload.get("externalId"), p.factory.run_id, 64)
    payload["safeId"] = p.factory.next_id()


@prepares("createOrder")
def _create_order(p: Preparation, case: Preparable) -> None:
    _own_order_payload(p, _body(case))


@prepares("createOrdersBulk")
def _create_orders_bulk(p: Preparation, case: Preparable) -> None:
    for payload in _body(case).get("bulk", []):
        if isinstance(payload, dict):
            _own_order_payload(p, payload)


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
    for item in _body(case).get("bulk", []):
        if isinstance(item, dict):
            item["id"] = p.factory.order(items=1)["id"]
            if "externalId" in item:
                item["externalId"] = _tag(item["externalId"], p.factory.run_id, 64)


@prepares("getOrderById", "getOrderAuditLogs", "getShipmentsByOrderId")
def _shared_order(p: Preparation, case: Preparable) -> None:
    case.path_parameters["orderId"] = p.order["id"]


@prepares("getOrderBySafeId", "getOrderAuditLogsBySafeId")
def _shared_safe_id(p: Preparation, case: Preparable) -> None:
    case.path_parameters["safeId"] = p.order["safeId"]


@prepares("getOrderItemById", "getOrderItemAuditLogs")
def _shared_item(p: Preparation, case: Preparable) -> None:
    case.path_parameters["orderItemId"] = p.order["items"][0]["id"]


@prepares("updateOrder", "holdOrder")
def _fresh_order(p: Preparation, case: Preparable) -> None:
    case.path_parameters["orderId"] = p.factory.order(items=1, full=True)["id"]
    if isinstance(case.body, dict) and "externalId" in case.body:
        case.body["externalId"] = _tag(case.body["externalId"], p.factory.run_id, 64)


@prepares("updateOrderItem")
def _fresh_item(p: Preparation, case: Preparable) -> None:
    order = p.factory.order(items=1, full=True)
    case.path_parameters.update(orderId=order["id"], orderItemId=order["items"][0]["id"])


@prepares("cancelOrder")
def _cancel(p: Preparation, case: Preparable) -> None:
    order = p.factory.order(items=2)
    items = order["items"]
    case.path_parameters["orderId"] = order["id"]
    body = _body(case)
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
    body = _body(case)
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


# ---------------------------------------------------------------------- shipments
@prepares("createShipment")
def _create_shipment(p: Preparation, case: Preparable) -> None:
    order = p.factory.order(items=2)
    body = _body(case)
    body.update(orderId=order["id"], orderItemIds=[order["items"][0]["id"]])
    body.setdefault("vendorId", VENDOR)


@prepares("getShipmentById", "getShipmentAuditLogs", "getShipmentMessageAuditLogs")
def _shared_shipment(p: Preparation, case: Preparable) -> None:
    case.path_parameters["shipmentId"] = p.shipment["id"]


@prepares("getShipmentForOrderAndVendor")
def _shipment_for_vendor(p: Preparation, case: Preparable) -> None:
    case.path_parameters.update(orderId=p.shipment["orderId"], vendorId=p.shipment["vendorId"])


@prepares("getShipmentByOrderItemId")
def _shipment_for_item(p: Preparation, case: Preparable) -> None:
    case.path_parameters["orderItemId"] = p.shipment["orderItemIDs"][0]


@prepares("getPackageAuditLogs")
def _shared_package(p: Preparation, case: Preparable) -> None:
    case.path_parameters.update(
        shipmentId=p.shipment["id"], packageId=p.shipment["packages"][0]["id"]
    )


FRESH_SHIPMENT_STATE = {
    "updateShipment": "Created",
    "deleteShipment": "Created",
    "createPackages": "Created",
    "cancelShipment": "Created",
    "unassignShipmentItems": "Created",
    "resubmitShipment": "Assigned",
    "retryShipmentPolling": "Assigned",
    "assignShipment": "Created",
    "generatePackingSlip": "Created",
    "updatePackage": "Assigned",
}


@prepares(*FRESH_SHIPMENT_STATE)
def _fresh_shipment(p: Preparation, case: Preparable) -> None:
    operation_id = operation_of(case)
    shipment = p.factory.shipment(state=FRESH_SHIPMENT_STATE[operation_id])
    case.path_parameters["shipmentId"] = shipment["id"]
    if operation_id in ("generatePackingSlip", "updatePackage"):
        package = p.factory.package(shipment["id"])
        case.path_parameters["packageId"] = package["id"]
    body = case.body if isinstance(case.body, dict) else None
    if operation_id == "unassignShipmentItems":
        _body(case)["orderItemIds"] = shipment["orderItemIDs"][:1]
    if operation_id == "createPackages" and isinstance(case.body, list):
        for entry in case.body:
            if isinstance(entry, dict) and "orderItemIDs" in entry:
                entry["orderItemIDs"] = shipment["orderItemIDs"]
    if body is not None and operation_id == "updatePackage":
        body.pop("fulfilledDate", None)
        if not body:  # the schema wants at least one field
            body["carrierTrackingNumber"] = f"{p.factory.run_id}-TRACK"


@prepares("rerouteShipment", "rejectShipment")
def _shipment_in_body(p: Preparation, case: Preparable) -> None:
    shipment = p.factory.shipment()
    body = _body(case)
    body["shipmentId"] = shipment["id"]
    if "orderItems" in body:
        body["orderItems"] = [{"id": i} for i in shipment["orderItemIDs"]]


@prepares("rerouteShipmentsBulk")
def _reroute_bulk(p: Preparation, case: Preparable) -> None:
    for entry in _body(case).get("bulk", []):
        if isinstance(entry, dict):
            shipment = p.factory.shipment()
            entry["shipmentId"] = shipment["id"]
            if "orderItems" in entry:
                entry["orderItems"] = [{"id": i} for i in shipment["orderItemIDs"]]


# ---------------------------------------------------------------------- auth
@prepares("getClientToken")
def _client_token(p: Preparation, case: Preparable) -> None:
    if p.credentials.client_id:
        _body(case).update(
            client_id=p.credentials.client_id, client_secret=p.credentials.client_secret
        )


@prepares("loginUser")
def _login(p: Preparation, case: Preparable) -> None:
    if p.credentials.username:
        _body(case).update(username=p.credentials.username, password=p.credentials.password)


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
            _body(case)["refresh_token"] = token
