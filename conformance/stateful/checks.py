"""After each step: the target reads back as the model says, and its audit logs grew exactly.

Checks run per order (an order, its items, shipments, packages and notes), for the orders the
step touched, with the audit logs the step was due to grow (audit_logs.py); the end of a
scenario checks every order and every log not read at its last step, so a write that leaked
into another order's resources or another log is caught too.
"""

from __future__ import annotations

import re
from functools import partial
from http import HTTPStatus
from typing import Any

from conformance.failures.hierarchy import (
    AuditFailure,
    LifecycleFailure,
    ListingFailure,
    ProjectFailure,
)
from conformance.machinery.contract import is_success
from conformance.machinery.factory import NOTES_ON
from conformance.stateful.audit_logs import AuditLogs, LogKey
from conformance.stateful.entities import Order
from conformance.stateful.model import Model
from conformance.stateful.target import Target
from spec.vocabulary import number, vocabulary

EPSILON = 1e-6
PAGE_SIZE = "pageSize"  # the query parameter of a listing's page size, as the spec names it
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
        self.audit = AuditLogs(target, model, self.state, self.fail)
        self.last_verified: set[str] = set()  # orders the latest check read: they are current
        self.words = vocabulary(target.spec)
        # A named scenario goes on past a wrong audit event or listing, so the steps after it
        # still judge the target (a later business rule is named in the same run); a random
        # walk stops at once, for Hypothesis to shrink.
        self.keep_going = False
        self.deferred: list[ProjectFailure] = []

    def state(self, entity: str, value: object) -> object:
        """The state name a read value stands for (`4`, `"4"`, `"Shipped"` alike), else the
        value itself, so a difference is shown as the target spelled it."""
        if value is ABSENT:
            return ABSENT
        return self.model.lifecycle.state_of(self.words, entity, value) or value

    def resource(self, operation_id: str, got: tuple[int, object]) -> Any:
        """The resource out of a read's answer, as the spec wraps it; None if not a success."""
        status, body = got
        return self.words.resource(operation_id, body) if is_success(status) else None

    def records(self, operation_id: str, got: tuple[int, object]) -> list[Any]:
        status, body = got
        found = self.words.records(operation_id, body) if is_success(status) else None
        return [r for r in found or [] if isinstance(r, dict)]

    def whole_page(self, operation_id: str, query: dict[str, object]) -> dict[str, object]:
        """`query` asking for the largest page the spec allows: a walk can give one order more
        notes than the default page holds, and a read of one page would miss the rest."""
        for parameter in self.target.spec.operation(operation_id).parameters:
            largest = parameter.schema.get("maximum")
            if parameter.name == PAGE_SIZE and parameter.location == "query" and largest:
                return {**query, PAGE_SIZE: largest}
        return query

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
        """After a step: the orders it touched, and the audit logs it was due to grow."""
        self.audit.read_last = set()
        for handle in sorted(order_handles):
            order = self.model.orders[handle]
            self.verify_order(order, operation, self.audit.due(order, operation))
        self.last_verified = set(order_handles)

    def verify_end(self, operation: str) -> None:
        """The end of a scenario: every order the last step did not check, in full, and every
        audit log that step did not read, so a write that leaked anywhere is caught."""
        for handle in sorted(self.model.orders):
            order = self.model.orders[handle]
            if handle in self.last_verified:
                self.audit.check(self.audit.unread_keys(order), operation, {})
            else:
                self.verify_order(order, operation, self.audit.keys(order))

    def verify_order(self, order: Order, operation: str, logs: list[LogKey]) -> None:
        current = self.read_back(order, operation)
        self.check_gone(order, operation)
        self.audit.check(logs, operation, current)

    # ------------------------------------------------------------------ state
    def read_back(self, order: Order, operation: str) -> dict[tuple[str, str], object]:
        """Order, items, shipments, packages and notes equal the model; returns what was read,
        by (resource type, handle), for the audit check."""
        body, problems = self.target.poller.settle(
            lambda: self.target.read("getOrderById", orderId=order.id),
            lambda got: self._order_problems(order, got),
        )
        if problems:
            self.fail("lifecycle_state", operation, f"{order.handle} reads back wrong", problems)
        read = self.resource("getOrderById", body)
        current: dict[tuple[str, str], object] = {("Order", order.handle): read}
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

    def _read_shipments(
        self, order: Order, operation: str, current: dict[tuple[str, str], object]
    ) -> None:
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
                query=self.whole_page(
                    "listNotes",
                    {"resourceType": self.words.wire(*NOTES_ON), "resourceId": order.id},
                ),
            ),
            lambda got: self._note_problems(order, got),
        )
        if problems:
            title = f"notes of {order.handle} read back wrong"
            self.fail("lifecycle_state", operation, title, problems)

    def _order_problems(self, order: Order, got: tuple[int, object]) -> list[str]:
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

    def _item_problems(self, handle: str, read: dict[str, Any] | None) -> list[str]:
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

    def _shipment_problems(self, order: Order, got: tuple[int, object]) -> list[str]:
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

    def _note_problems(self, order: Order, got: tuple[int, object]) -> list[str]:
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
        query = self.whole_page("searchOrderItems", {"orderId": order.id})
        item_rows = self.records("searchOrderItems", read("searchOrderItems", query=query))
        found = {i.get("id"): self.state("orderItem", i.get("status", ABSENT)) for i in item_rows}
        want_statuses = {model.items[i].id: model.items[i].status for i in order.items}
        problems += _differ("searchOrderItems(orderId)", found, want_statuses)
        query = self.whole_page("searchShipments", {"orderId": order.id})
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


def _differ(what: str, got: object, want: object) -> list[str]:
    if got is ABSENT:
        return []  # the schema check reports the missing field, once, at its operation
    if isinstance(got, dict) and isinstance(want, dict):  # records by id: an absent value
        got = {k: want.get(k) if v is ABSENT else v for k, v in got.items()}  # has no verdict
    if got == want or (isinstance(got, str) and want is not None and number(got) == want):
        return []  # a number given as text is the schema check's finding, not a wrong value
    return [f"{what} is {got!r}, expected {want!r}"]


def _gone_problems(handle: str, got: tuple[int, object]) -> list[str]:
    return [] if got[0] == HTTPStatus.NOT_FOUND else [f"{handle} deleted, GET answered {got[0]}"]
