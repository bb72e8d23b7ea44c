"""After each step: the target reads back as the model says, and its audit logs grew exactly.

Checks run per order (an order, its items, shipments, packages and notes), for the orders the
step touched; the end of a scenario checks every order, so a write that leaked into another
order's resources is caught too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from typing import Any

from conformance.checks.audit_rule import event_problems
from conformance.failures.hierarchy import (
    AuditFailure,
    LifecycleFailure,
    ListingFailure,
    ProjectFailure,
)
from conformance.machinery.contract import is_success
from conformance.machinery.factory import NOTES_ON
from conformance.stateful.entities import Order
from conformance.stateful.model import Model
from conformance.stateful.target import Target
from conformance.transport.together import together
from spec.vocabulary import number, vocabulary

EPSILON = 1e-6
# fields whose last audited newValue must equal what the resource reads now
AUDITED_FIELDS = {
    "Order": ("status",),
    "OrderItem": ("status", "cancelledQuantity"),
    "Shipment": ("shipmentStatus",),
}
# resource type -> lifecycle entity, for the fields that hold a state
ENTITIES = {"Order": "order", "OrderItem": "orderItem", "Shipment": "shipment"}
AUDIT_OPERATION = {
    "Order": ("getOrderAuditLogs", "orderId"),
    "OrderItem": ("getOrderItemAuditLogs", "orderItemId"),
    "Shipment": ("getShipmentAuditLogs", "shipmentId"),
    "ShipmentMessage": ("getShipmentMessageAuditLogs", "shipmentId"),
    "Note": ("getNoteAuditLogs", "id"),
    "Package": ("getPackageAuditLogs", "packageId"),  # read with its shipment: read_audit
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

# Checks after which the model still matches the target: what they found is reported, and a
# named scenario goes on (Verifier.keep_going).
DEFERRABLE = ("lifecycle_audit", "lifecycle_listing")
# The target disagrees with the model; what was compared decides the failure's category.
FAILURES = {"lifecycle_audit": AuditFailure, "lifecycle_listing": ListingFailure}

# A field the answer left out: the schema check reports that, once; the model has no verdict.
ABSENT = object()


class Verifier:
    def __init__(self, target: Target, model: Model) -> None:
        self.target = target
        self.model = model
        self.audit_seen: dict[tuple[str, str], int] = {}  # events already checked, per log
        self.last_verified: set[str] = set()  # orders the latest check read: they are current
        self.words = vocabulary(target.spec)
        # A named scenario goes on past a wrong audit event or listing, so the steps after it
        # still judge the target (a later business rule is named in the same run); a random
        # walk stops at once, for Hypothesis to shrink.
        self.keep_going = False
        self.deferred: list[ProjectFailure] = []

    def state(self, entity: str, value: Any) -> Any:
        """The state name a read value stands for (`4`, `"4"`, `"Shipped"` alike), else the
        value itself, so a difference is shown as the target spelled it."""
        if value is ABSENT:
            return ABSENT
        return self.model.lifecycle.state_of(self.words, entity, value) or value

    def resource(self, operation_id: str, got: tuple[int, Any]) -> Any:
        """The resource out of a read's answer, as the spec wraps it; None if not a success."""
        status, body = got
        return self.words.resource(operation_id, body) if is_success(status) else None

    def records(self, operation_id: str, got: tuple[int, Any]) -> list[Any]:
        status, body = got
        found = self.words.records(operation_id, body) if is_success(status) else None
        return [r for r in found or [] if isinstance(r, dict)]

    def fail(self, check: str, operation: str, title: str, problems: list[str]) -> None:
        failure = FAILURES.get(check, LifecycleFailure)(
            check=check, operation=operation, title=title, message="; ".join(problems[:8])
        )
        if self.keep_going and check in DEFERRABLE:
            self.deferred.append(failure)  # the model still holds: the scenario goes on
            return
        raise failure

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
        read = self.resource("getOrderById", body)
        current: dict[tuple[str, str], dict] = {("Order", order.handle): read}
        by_id = {i.get("id"): i for i in read.get("items") or []}
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
                "listNotes",
                query={"resourceType": self.words.wire(*NOTES_ON), "resourceId": order.id},
            ),
            lambda got: self._note_problems(order, got),
        )
        if problems:
            title = f"notes of {order.handle} read back wrong"
            self.fail("lifecycle_state", operation, title, problems)

    def _order_problems(self, order: Order, got: tuple[int, Any]) -> list[str]:
        read = self.resource("getOrderById", got)
        if not isinstance(read, dict):
            return [f"getOrderById answered {got[0]} with no order"]
        status = self.state("order", read.get("status", ABSENT))
        problems = _differ(f"{order.handle}.status", status, order.status)
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
        problems = _differ(
            f"{handle}.status", self.state("orderItem", read.get("status", ABSENT)), item.status
        )
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
        if not is_success(status) or not isinstance(rows, list):
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
            read_status = self.state("shipment", row.get("shipmentStatus", ABSENT))
            problems += _differ(f"{handle}.shipmentStatus", read_status, shipment.status)
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
        if not is_success(got[0]) or not isinstance(got[1], dict):
            return [f"listNotes answered {got[0]}"]
        read = {n.get("id"): n.get("text") for n in self.records("listNotes", got)}
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
                partial(self._count_problems, AUDIT_OPERATION[kind][0], want=want),
            )
            if problems:
                title = f"Audit log of {kind} {handle}"
                self.fail("lifecycle_audit", operation, title, problems)
                # Deferred: count from what the log holds, so one wrong event is named once.
                want = len(self.words.records(AUDIT_OPERATION[kind][0], body) or [])
                self.model.audit[kind, handle] = want
            start = self.audit_seen.get((kind, handle), 0)
            events = (self.words.records(AUDIT_OPERATION[kind][0], body) or [])[start:]
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
        entity = ENTITIES.get(kind)
        status_field = self.model.lifecycle.entities[entity]["field"] if entity else None
        for name in AUDITED_FIELDS.get(kind, ()):
            logged = [c for e in events for c in e.get("changes") or [] if c.get("field") == name]
            if not logged or name not in read:
                continue  # a field the answer left out is the schema check's finding
            said, reads = logged[-1].get("newValue"), read.get(name)
            if entity and name == status_field:  # one state, however each answer spells it
                said, reads = self.state(entity, said), self.state(entity, reads)
            if said != reads:
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
        order_rows = self.records(
            "searchOrders", read("searchOrders", query={"externalId": order.external_id})
        )
        found = {o.get("id"): self.state("order", o.get("status", ABSENT)) for o in order_rows}
        problems += _differ("searchOrders(externalId)", found, {order.id: order.status})
        others = [s for s in model.lifecycle.states("order") if s != order.status][:1]
        for status_filter in [order.status, *others]:
            wire = model.lifecycle.wire(self.words, "order", status_filter)
            query = {"externalId": order.external_id, "status": wire}
            ids = [
                o.get("id") for o in self.records("searchOrders", read("searchOrders", query=query))
            ]
            want_ids = [order.id] if status_filter == order.status else []
            problems += _differ(f"searchOrders(status={wire})", ids, want_ids)
        bulk = self.records("getOrdersBulk", read("getOrdersBulk", query={"ids": [order.id]}))
        problems += _differ("getOrdersBulk", [o.get("id") for o in bulk], [order.id])
        by_safe_id = self.resource(
            "getOrderBySafeId", read("getOrderBySafeId", safeId=order.safe_id)
        )
        problems += _differ("getOrderBySafeId", (by_safe_id or {}).get("id"), order.id)
        query = {"orderId": order.id, "pageSize": 100}
        item_rows = self.records("searchOrderItems", read("searchOrderItems", query=query))
        found = {i.get("id"): self.state("orderItem", i.get("status", ABSENT)) for i in item_rows}
        want_statuses = {model.items[i].id: model.items[i].status for i in order.items}
        problems += _differ("searchOrderItems(orderId)", found, want_statuses)
        rows = self.records("searchShipments", read("searchShipments", query=query))
        found = {r.get("id"): self.state("shipment", r.get("shipmentStatus", ABSENT)) for r in rows}
        want_states = {model.shipments[s].id: model.shipments[s].status for s in order.shipments}
        problems += _differ("searchShipments(orderId)", found, want_states)
        for handle in order.items:
            problems += self._item_lookups(handle)
        return problems

    def _item_lookups(self, handle: str) -> list[str]:
        item, read = self.model.items[handle], self.target.read
        by_id = self.resource("getOrderItemById", read("getOrderItemById", orderItemId=item.id))
        status = self.state("orderItem", (by_id or {}).get("status", ABSENT))
        problems = _differ(f"getOrderItemById({handle}).status", status, item.status)
        got = read("getShipmentByOrderItemId", orderItemId=item.id)
        want_id = self.model.shipments[item.shipment].id if item.shipment else None
        shipment = self.resource("getShipmentByOrderItemId", got)
        got_id = shipment.get("id") if isinstance(shipment, dict) else None
        return problems + _differ(f"getShipmentByOrderItemId({handle})", got_id, want_id)

    def _count_problems(self, operation_id: str, got: tuple[int, Any], want: int) -> list[str]:
        status, body = got
        events = self.words.records(operation_id, body) if is_success(status) else None
        if events is None:
            return [f"audit log answered {status}"]
        if len(events) != want:
            return [f"holds {len(events)} events, expected {want}"]
        return []


def _differ(what: str, got: Any, want: Any) -> list[str]:
    if got is ABSENT:
        return []  # the schema check reports the missing field, once, at its operation
    if isinstance(got, dict) and isinstance(want, dict):  # records by id: an absent value
        got = {k: want.get(k) if v is ABSENT else v for k, v in got.items()}  # has no verdict
    if got == want or (isinstance(got, str) and want is not None and number(got) == want):
        return []  # a number given as text is the schema check's finding, not a wrong value
    return [f"{what} is {got!r}, expected {want!r}"]


def _gone_problems(handle: str, got: tuple[int, Any]) -> list[str]:
    return [] if got[0] == HTTPStatus.NOT_FOUND else [f"{handle} deleted, GET answered {got[0]}"]


def _first_then(first: Any, read: Callable[[], Any]) -> Callable[[], Any]:
    """A read that answers `first` the first time it is called and reads afresh after that."""
    pending = [first]

    def next_read() -> Any:
        return pending.pop() if pending else read()

    return next_read
