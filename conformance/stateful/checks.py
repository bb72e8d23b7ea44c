"""After each step: the target reads back as the model says, and its audit logs grew exactly.

Checks run per order (an order, its items, shipments, packages and notes), for the orders the
step touched; the end of a scenario checks every order, so a write that leaked into another
order's resources is caught too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from conformance.audit_rule import event_problems
from conformance.checks.failures import AuditFailure, LifecycleFailure, ListingFailure
from conformance.stateful.entities import Order
from conformance.stateful.model import Model
from conformance.stateful.target import Target
from conformance.together import together

EPSILON = 1e-6
# fields whose last audited newValue must equal what the resource reads now
AUDITED_FIELDS = {
    "Order": ("status",),
    "OrderItem": ("status", "cancelledQuantity"),
    "Shipment": ("shipmentStatus",),
}
AUDIT_OPERATION = {
    "Order": ("getOrderAuditLogs", "orderId"),
    "OrderItem": ("getOrderItemAuditLogs", "orderItemId"),
    "Shipment": ("getShipmentAuditLogs", "shipmentId"),
    "ShipmentMessage": ("getShipmentMessageAuditLogs", "shipmentId"),
    "Note": ("getNoteAuditLogs", "id"),
}

# What verify_listings reads and judges (the `search` step declares them).
LISTINGS = (
    "searchOrders",
    "getOrdersBulk",
    "getOrderBySafeId",
    "searchOrderItems",
    "searchShipments",
    "getOrderItemById",
    "getShipmentByOrderItemId",
)

# The target disagrees with the model; what was compared decides the failure's category.
FAILURES = {"lifecycle_audit": AuditFailure, "lifecycle_listing": ListingFailure}


class Verifier:
    def __init__(self, target: Target, model: Model) -> None:
        self.target = target
        self.model = model
        self.audit_seen: dict[tuple[str, str], int] = {}  # events already checked, per log
        self.last_verified: set[str] = set()  # orders the latest check read: they are current

    def fail(self, check: str, operation: str, title: str, problems: list[str]) -> None:
        failure = FAILURES.get(check, LifecycleFailure)
        raise failure(
            check=check, operation=operation, title=title, message="; ".join(problems[:8])
        )

    # ------------------------------------------------------------------ entry points
    def verify(self, order_handles: set[str], operation: str) -> None:
        for handle in sorted(order_handles):
            self.verify_order(self.model.orders[handle], operation)
        self.last_verified = set(order_handles)

    def verify_order(self, order: Order, operation: str) -> None:
        current = self.read_back(order, operation)
        self.check_gone(order, operation)
        self.check_audit(order, operation, current)

    # ------------------------------------------------------------------ state
    def read_back(self, order: Order, operation: str) -> dict[tuple[str, str], dict]:
        """Order, items, shipments, packages and notes equal the model; returns what was read,
        by (resource type, handle), for the audit check."""
        body, problems = self.target.poller.settle(
            lambda: self.target.read("getOrderById", orderId=order.id),
            lambda got: self._order_problems(order, got),
        )
        if problems:
            self.fail("lifecycle_state", operation, f"{order.handle} reads back wrong", problems)
        current: dict[tuple[str, str], dict] = {("Order", order.handle): body[1]["order"]}
        by_id = {i["id"]: i for i in body[1]["order"].get("items", [])}
        for handle in order.items:
            current["OrderItem", handle] = by_id[self.model.items[handle].id]
        # No shipments or notes in the model: the order's shipmentIds already showed there are
        # no shipments, and an order that never had notes is not listed for them (saves reads).
        if order.shipments:
            self._read_shipments(order, operation, current)
        if order.notes:
            self._read_notes(order, operation)
        return current

    def _read_shipments(self, order: Order, operation: str, current: dict) -> None:
        rows, problems = self.target.poller.settle(
            lambda: self.target.read("getShipmentsByOrderId", orderId=order.id),
            lambda got: self._shipment_problems(order, got),
        )
        if problems:
            title = f"shipments of {order.handle} read back wrong"
            self.fail("lifecycle_state", operation, title, problems)
        by_id = {row["id"]: row for row in rows[1]}
        for handle in order.shipments:
            current["Shipment", handle] = by_id[self.model.shipments[handle].id]

    def _read_notes(self, order: Order, operation: str) -> None:
        _, problems = self.target.poller.settle(
            lambda: self.target.read(
                "listNotes", query={"resourceType": "Order", "resourceId": order.id}
            ),
            lambda got: self._note_problems(order, got),
        )
        if problems:
            title = f"notes of {order.handle} read back wrong"
            self.fail("lifecycle_state", operation, title, problems)

    def _order_problems(self, order: Order, got: tuple[int, Any]) -> list[str]:
        status, body = got
        if status != 200 or not isinstance(body, dict) or "order" not in body:
            return [f"getOrderById answered {status}"]
        read = body["order"]
        problems = _differ(f"{order.handle}.status", read.get("status"), order.status)
        items = {i.get("id"): i for i in read.get("items") or []}
        for handle in order.items:
            problems += self._item_problems(handle, items.get(self.model.items[handle].id))
        want = [self.model.shipments[s].id for s in order.shipments]
        problems += _differ(f"{order.handle}.shipmentIds", read.get("shipmentIds"), want)
        return problems

    def _item_problems(self, handle: str, read: dict | None) -> list[str]:
        item = self.model.items[handle]
        if read is None:
            return [f"{handle} missing from its order"]
        problems = _differ(f"{handle}.status", read.get("status"), item.status)
        problems += _differ(f"{handle}.quantity", read.get("quantity"), item.quantity)
        problems += _differ(
            f"{handle}.cancelledQuantity", read.get("cancelledQuantity"), item.cancelled
        )
        refund = read.get("refundData") or {}
        for key, want in (
            ("remainingPriceBalance", item.price_balance),
            ("remainingShippingBalance", item.shipping_balance),
        ):
            got = refund.get(key)
            if not isinstance(got, int | float) or abs(got - want) > EPSILON:
                problems.append(f"{handle}.refundData.{key} is {got!r}, expected {want!r}")
        # The semantic property, independent of the model: never refund more than was paid.
        refunds = refund.get("refunds") or []
        paid = {False: item.price * item.quantity, True: item.shipping}
        for shipping, limit in paid.items():
            total = sum(
                r.get("amount", 0) for r in refunds if bool(r.get("isShippingRefund")) == shipping
            )
            if total > limit + EPSILON:
                kind = "shipping" if shipping else "price"
                problems.append(f"{handle}: {kind} refunds total {total}, more than paid {limit}")
        return problems

    def _shipment_problems(self, order: Order, got: tuple[int, Any]) -> list[str]:
        status, rows = got
        if status != 200 or not isinstance(rows, list):
            return [f"getShipmentsByOrderId answered {status}"]
        by_id = {row.get("id"): row for row in rows}
        problems = []
        known = {self.model.shipments[s].id for s in order.shipments}
        problems += [f"unexpected shipment {sid}" for sid in by_id if sid not in known]
        for handle in order.shipments:
            shipment = self.model.shipments[handle]
            row = by_id.get(shipment.id)
            if row is None:
                problems.append(f"{handle} missing")
                continue
            code = self.model.lifecycle.shipment_code(shipment.status)
            problems += _differ(f"{handle}.shipmentStatus", row.get("shipmentStatus"), code)
            item_ids = [self.model.items[i].id for i in shipment.items]
            problems += _differ(f"{handle}.orderItemIDs", row.get("orderItemIDs"), item_ids)
            problems += _differ(f"{handle}.facilityId", row.get("facilityId"), shipment.facility)
            packages = {p.get("id"): p for p in row.get("packages") or []}
            for package_handle in shipment.packages:
                package = self.model.packages[package_handle]
                read = packages.get(package.id)
                if read is None:
                    problems.append(f"{package_handle} missing from {handle}")
                    continue
                items = [self.model.items[i].id for i in package.items]
                problems += _differ(
                    f"{package_handle}.orderItemIDs", read.get("orderItemIDs"), items
                )
                problems += _differ(
                    f"{package_handle}.carrierTrackingNumber",
                    read.get("carrierTrackingNumber"),
                    package.tracking,
                )
                if bool(read.get("shippedDate")) != package.shipped:
                    problems.append(f"{package_handle}.shippedDate is {read.get('shippedDate')!r}")
        return problems

    def _note_problems(self, order: Order, got: tuple[int, Any]) -> list[str]:
        status, body = got
        if status != 200 or not isinstance(body, dict):
            return [f"listNotes answered {status}"]
        read = {n.get("id"): n.get("text") for n in body.get("notes") or []}
        want = {
            self.model.notes[n].id: self.model.notes[n].text
            for n in order.notes
            if not self.model.notes[n].deleted
        }
        return _differ(f"notes of {order.handle}", read, want)

    def check_gone(self, order: Order, operation: str) -> None:
        """DELETE then GET: 404."""
        gone = [
            ("getShipmentById", {"shipmentId": s.id}, s.handle)
            for s in self.model.shipments.values()
            if s.deleted and s.order == order.handle
        ]
        gone += [
            ("getNoteById", {"noteId": self.model.notes[n].id}, n)
            for n in order.notes
            if self.model.notes[n].deleted
        ]
        for operation_id, params, handle in gone:
            _, problems = self.target.poller.settle(
                partial(self.target.read, operation_id, **params),
                partial(_gone_problems, handle),
            )
            if problems:
                self.fail("lifecycle_state", operation, "Deleted resource still readable", problems)

    # ------------------------------------------------------------------ audit
    def audit_keys(self, order: Order) -> list[tuple[str, str]]:
        keys = [("Order", order.handle)] + [("OrderItem", i) for i in order.items]
        for shipment in self.model.shipments.values():
            if shipment.order == order.handle:
                keys += [("Shipment", shipment.handle), ("ShipmentMessage", shipment.handle)]
                keys += [("Package", p) for p in shipment.packages]
        return keys + [("Note", n) for n in order.notes]

    def read_audit(self, kind: str, handle: str) -> tuple[int, Any]:
        if kind == "Package":
            package = self.model.packages[handle]
            shipment = self.model.shipments[package.shipment]
            return self.target.read(
                "getPackageAuditLogs", shipmentId=shipment.id, packageId=package.id
            )
        resource = self.model.resource(handle)
        operation_id, name = AUDIT_OPERATION[kind]
        return self.target.read(operation_id, **{name: resource.id})

    def check_audit(self, order: Order, operation: str, current: dict) -> None:
        keys = self.audit_keys(order)
        # The first read of every log at once (one round trip, not one a log); a log still
        # behind is then read again on its own until it settles.
        first = together([partial(self.read_audit, kind, handle) for kind, handle in keys])
        for (kind, handle), read in zip(keys, first, strict=True):
            want = self.model.audit[kind, handle]
            (_, body), problems = self.target.poller.settle(
                _first_then(read, partial(self.read_audit, kind, handle)),
                partial(_count_problems, want=want),
            )
            if problems:
                title = f"Audit log of {kind} {handle}"
                self.fail("lifecycle_audit", operation, title, problems)
            start = self.audit_seen.get((kind, handle), 0)
            events = body["auditLogs"][start:]
            problems = self._event_problems(kind, handle, events, start, operation)
            problems += self._value_problems(kind, handle, events, current.get((kind, handle)))
            if problems:
                self.fail(
                    "lifecycle_audit", operation, f"Audit events of {kind} {handle}", problems
                )
            self.audit_seen[kind, handle] = want

    def _event_problems(self, kind, handle, events, start, operation) -> list[str]:
        problems = []
        for offset, event in enumerate(events):
            where = f"{kind} {handle} event {start + offset}"
            problems += [
                f"{where}: {problem}"
                for _, problem in event_problems(
                    event, operation, start + offset, self.target.identity
                )
            ]
        return problems

    def _value_problems(self, kind, handle, events, read: dict | None) -> list[str]:
        """The last audited newValue of a field is the value the resource has now."""
        if read is None:
            return []
        problems = []
        for name in AUDITED_FIELDS.get(kind, ()):
            logged = [c for e in events for c in e.get("changes") or [] if c.get("field") == name]
            if logged and logged[-1].get("newValue") != read.get(name):
                problems.append(
                    f"{kind} {handle}: audit says {name} became {logged[-1].get('newValue')!r},"
                    f" it reads {read.get(name)!r}"
                )
        return problems

    # ------------------------------------------------------------------ lists and searches
    def verify_listings(self, order: Order) -> None:
        """Search and list operations find exactly what the model says exists. A failure names
        the operation whose answer was wrong (each problem starts with its operationId).
        Search indexes lag behind reads by id: the listings are read again until they agree or
        --poll-timeout passes, as every other judging read is (polling.py)."""
        problems, _ = self.target.poller.settle(
            lambda: self._listing_problems(order), lambda found: found
        )
        if problems:
            named = re.match(r"[A-Za-z]+", problems[0])
            operation = named.group() if named else "search"
            self.fail("lifecycle_listing", operation, f"Searches for {order.handle}", problems)

    def _listing_problems(self, order: Order) -> list[str]:
        read, model = self.target.read, self.model
        problems = []
        status, body = read("searchOrders", query={"externalId": order.external_id})
        found = {o.get("id"): o.get("status") for o in (body or {}).get("orders", [])}
        problems += _differ("searchOrders(externalId)", found, {order.id: order.status})
        others = [s for s in model.lifecycle.states("order") if s != order.status][:1]
        for status_filter in [order.status, *others]:
            query = {"externalId": order.external_id, "status": status_filter}
            status, body = read("searchOrders", query=query)
            ids = [o.get("id") for o in (body or {}).get("orders", [])]
            want_ids = [order.id] if status_filter == order.status else []
            problems += _differ(f"searchOrders(status={status_filter})", ids, want_ids)
        status, body = read("getOrdersBulk", query={"ids": [order.id]})
        ids = [o.get("id") for o in (body or {}).get("orders", [])]
        problems += _differ("getOrdersBulk", ids, [order.id])
        status, body = read("getOrderBySafeId", safeId=order.safe_id)
        problems += _differ("getOrderBySafeId", (body or {}).get("order", {}).get("id"), order.id)
        status, body = read("searchOrderItems", query={"orderId": order.id, "pageSize": 100})
        found = {i.get("id"): i.get("status") for i in (body or {}).get("orderItems", [])}
        want_statuses = {model.items[i].id: model.items[i].status for i in order.items}
        problems += _differ("searchOrderItems(orderId)", found, want_statuses)
        status, body = read("searchShipments", query={"orderId": order.id, "pageSize": 100})
        found = {s.get("id"): s.get("shipmentStatus") for s in (body or {}).get("shipments", [])}
        want_codes = {
            model.shipments[s].id: model.lifecycle.shipment_code(model.shipments[s].status)
            for s in order.shipments
        }
        problems += _differ("searchShipments(orderId)", found, want_codes)
        for handle in order.items:
            item = model.items[handle]
            status, body = read("getOrderItemById", orderItemId=item.id)
            problems += _differ(
                f"getOrderItemById({handle}).status",
                (body or {}).get("orderItem", {}).get("status"),
                item.status,
            )
            status, body = read("getShipmentByOrderItemId", orderItemId=item.id)
            want_id = model.shipments[item.shipment].id if item.shipment else None
            got_id = (body or {}).get("id") if status == 200 else None
            problems += _differ(f"getShipmentByOrderItemId({handle})", got_id, want_id)
        return problems


def _differ(what: str, got: Any, want: Any) -> list[str]:
    return [] if got == want else [f"{what} is {got!r}, expected {want!r}"]


def _gone_problems(handle: str, got: tuple[int, Any]) -> list[str]:
    return [] if got[0] == 404 else [f"{handle} deleted, GET answered {got[0]}"]


def _first_then(first: Any, read: Callable[[], Any]) -> Callable[[], Any]:
    """A read that answers `first` the first time it is called and reads afresh after that."""
    pending = [first]

    def next_read() -> Any:
        return pending.pop() if pending else read()

    return next_read


def _count_problems(got: tuple[int, Any], want: int) -> list[str]:
    status, body = got
    if status != 200 or not isinstance(body, dict):
        return [f"audit log answered {status}"]
    count = len(body.get("auditLogs") or [])
    if count != want:
        return [f"holds {count} events, expected {want}"]
    return []
