"""The expected state of everything a scenario created, predicted with the state table.

The model never keeps its own copy of the lifecycle. Which calls are refused, and with which
rule, comes from `Lifecycle.refusal` and `Lifecycle.rule`; where a status moves comes from the
table's transitions (`_move`), and a move the table does not list is a `TableGap`. The model adds
only what the table leaves to prose: which items a call touches, quantities and balances, the
derived order status, and which audit events a call writes (the audit rule of spec/README.md).

Every operation method returns an `Expected` and, when the call is allowed, updates the model as
the target should have. Resources are named by handles (`order1`, `item2`) so a step list can be
replayed against a fresh target, where the server-side ids differ.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from conformance.stateful.entities import (
    ITEM,
    ORDER,
    SHIPMENT,
    Expected,
    Item,
    Note,
    Order,
    Package,
    Rule,
    Shipment,
    TableGap,
    money,
)
from spec.lifecycle import Lifecycle, Transition


class Model:
    def __init__(self, lifecycle: Lifecycle) -> None:
        self.lifecycle = lifecycle
        self.orders: dict[str, Order] = {}
        self.items: dict[str, Item] = {}
        self.shipments: dict[str, Shipment] = {}
        self.packages: dict[str, Package] = {}
        self.notes: dict[str, Note] = {}
        # (resource type, handle) -> events the log must hold
        self.audit: Counter[tuple[str, str]] = Counter()
        self.states_seen: set[str] = set()  # "entity.State", as the coverage report counts
        self.transitions_seen: set[str] = set()
        self.refusals_seen: set[str] = set()  # rules of the forbidden calls predicted (and sent)
        self.gaps: set[str] = set()  # derived order moves the table does not list
        self._serial: Counter[str] = Counter()

    # ------------------------------------------------------------------ the table
    def _refusals(
        self, entity: str, state: str, operation: str, when: str | None = None
    ) -> list[Rule]:
        refusal = self.lifecycle.refusal(entity, state, operation, when)
        if refusal:
            self.refusals_seen.add(refusal.rule)
        return [refusal] if refusal else []

    def _move(
        self,
        expected: Expected,
        entity: str,
        source: str | None,
        operation: str,
        target: str | None = None,
    ) -> str:
        """The state the table moves `entity` to; records the transition.

        No listed move and no target given: the state stays. A target the table does not list
        is a `TableGap`, except for the order: its status is derived from its items by the
        table's own `derived` rule, so an unlisted derived move is noted in `gaps` (a hole in the
        inferred table, reported) and followed.
        """
        candidates = [
            t
            for t in self.lifecycle.transitions
            if t.entity == entity and t.source == source and operation in t.operations
            if target is None or t.target == target
        ]
        if len(candidates) > 1:
            raise TableGap(f"{entity} {source} --{operation}--> ambiguous: {_ids(candidates)}")
        if not candidates:
            if target is None or target == source:
                return source or ""
            if entity == ORDER:
                self.gaps.add(f"{entity} {source} --{operation}--> {target}")
                self.states_seen.add(f"{entity}.{target}")
                return target
            raise TableGap(f"{entity} {source} --{operation}--> {target} is not in the table")
        move = candidates[0]
        expected.transitions.append(move.id)
        self.transitions_seen.add(move.id)
        self.states_seen.add(f"{entity}.{move.target}")
        return move.target

    def _noop(self, entity: str, state: str | None, operation: str) -> bool:
        return any(
            n["entity"] == entity
            and n["operation"] == operation
            and ("from" not in n or state in n["from"])
            for n in self.lifecycle.noops
        )

    def derive(self, order: Order) -> str:
        """lifecycle.yaml `entities.order.derived` (spec.Lifecycle.derive_order_status)."""
        statuses = [self.items[i].status for i in order.items]
        return self.lifecycle.derive_order_status(statuses, order.held)

    def _rederive(self, expected: Expected, order: Order, operation: str) -> None:
        new = self.derive(order)
        if new != order.status:
            order.status = self._move(expected, ORDER, order.status, operation, new)
            expected.audit["Order", order.handle] += 1

    def _new_handle(self, kind: str) -> str:
        self._serial[kind] += 1
        return f"{kind}{self._serial[kind]}"

    def _shipment_event(self, expected: Expected, shipment: Shipment) -> None:
        expected.audit["Shipment", shipment.handle] += 1
        expected.audit["ShipmentMessage", shipment.handle] += 1

    def commit(self, expected: Expected) -> None:
        """The target agreed: its audit logs now hold the predicted events."""
        self.audit.update(expected.audit)

    # ------------------------------------------------------------------ orders
    def create_order(self, external_id: str, lines: list[tuple[int, float, float]]) -> Expected:
        """One order; `lines` are (quantity, unit price, shipping price) per item."""
        expected = Expected("createOrder")
        self.add_order(expected, external_id, lines)
        return expected

    def add_order(
        self, expected: Expected, external_id: str, lines: list[tuple[int, float, float]]
    ) -> Order:
        order = Order(self._new_handle("order"), external_id, [])
        for quantity, price, shipping in lines:
            item = Item(self._new_handle("item"), order.handle, quantity, price, shipping)
            item.price_balance = money(price * quantity)
            item.shipping_balance = shipping
            item.status = self._move(expected, ITEM, None, expected.operation)
            self.items[item.handle] = item
            order.items.append(item.handle)
            expected.audit["OrderItem", item.handle] += 1
        order.status = self._move(expected, ORDER, None, expected.operation)
        self.orders[order.handle] = order
        expected.audit["Order", order.handle] += 1
        return order

    def create_orders_bulk(
        self, orders: list[tuple[str, list[tuple[int, float, float]]]]
    ) -> Expected:
        """Bulk = the sum of single creates: same orders, items, transitions and events."""
        expected = Expected("createOrdersBulk")
        for external_id, lines in orders:
            self.add_order(expected, external_id, lines)
        return expected

    def hold(self, handle: str) -> Expected:
        order = self.orders[handle]
        expected = Expected("holdOrder", tuple(self._refusals(ORDER, order.status, "holdOrder")))
        if expected.refused:
            return expected
        order.status = self._move(expected, ORDER, order.status, "holdOrder")
        order.held = True
        expected.audit["Order", handle] += 1
        return expected

    def release(self, handle: str) -> Expected:
        """updateOrder {status: Open}: lifts a Customer Care Hold."""
        order = self.orders[handle]
        expected = Expected(
            "updateOrder", tuple(self._refusals(ORDER, order.status, "updateOrder"))
        )
        if expected.refused:
            return expected
        if self._noop(ORDER, order.status, "updateOrder"):
            expected.noop = True
            return expected
        order.held = False
        expected.audit["Order", handle] += 1
        new = self.derive(order)
        if new != order.status:
            order.status = self._move(expected, ORDER, order.status, "updateOrder", new)
        return expected

    def cancel(self, handle: str, lines: list[tuple[str, int | None]] | None) -> Expected:
        """cancelOrder: `lines` (item, quantity or None = all left), or None for every item."""
        order = self.orders[handle]
        expected = Expected("cancelOrder")
        if self._noop(ORDER, order.status, "cancelOrder"):
            expected.noop = True
            return expected
        targets = [(i, None) for i in order.items] if lines is None else lines
        refusals: list[Rule] = []
        for item_handle, _ in targets:
            item = self.items[item_handle]
            if not self._noop(ITEM, item.status, "cancelOrder"):
                refusals += self._refusals(ITEM, item.status, "cancelOrder")
        if refusals:
            expected.refusals = tuple(refusals)
            return expected
        changed = False
        for item_handle, quantity in targets:
            item = self.items[item_handle]
            if self._noop(ITEM, item.status, "cancelOrder"):
                continue
            whole = quantity is None or quantity == item.remaining
            target = "Cancelled" if whole else item.status
            item.status = self._move(expected, ITEM, item.status, "cancelOrder", target)
            item.cancelled = (
                item.quantity if quantity is None or whole else item.cancelled + quantity
            )
            expected.audit["OrderItem", item_handle] += 1
            changed = True
        if not changed:
            expected.noop = True
            return expected
        expected.audit["Order", handle] += 1  # the primary resource, changed or not
        new = self.derive(order)
        if new != order.status:
            order.status = self._move(expected, ORDER, order.status, "cancelOrder", new)
        return expected

    def refund(self, handle: str, lines: list[tuple[str, float, bool]]) -> Expected:
        """addRefund, all or nothing: (item, amount, is shipping refund) per line."""
        expected = Expected("addRefund")
        wanted: defaultdict[tuple[str, bool], float] = defaultdict(float)
        for item_handle, amount, shipping in lines:
            item = self.items[item_handle]
            wanted[item_handle, shipping] += amount
            balance = item.shipping_balance if shipping else item.price_balance
            if wanted[item_handle, shipping] > balance + 1e-9:
                expected.refusals = (self.lifecycle.rule("refund-over-balance"),)
                return expected
        for item_handle, amount, shipping in lines:
            item = self.items[item_handle]
            if shipping:
                item.shipping_balance = money(item.shipping_balance - amount)
            else:
                item.price_balance = money(item.price_balance - amount)
            expected.audit["OrderItem", item_handle] = 1
        expected.audit["Order", handle] += 1
        return expected

    def update_item(self, handle: str) -> Expected:
        """updateOrderItem (edits details, not the status): only Open items."""
        item = self.items[handle]
        expected = Expected(
            "updateOrderItem", tuple(self._refusals(ITEM, item.status, "updateOrderItem"))
        )
        if not expected.refused:
            expected.audit["OrderItem", handle] += 1
        return expected

    # ------------------------------------------------------------------ shipments
    def create_shipment(self, order_handle: str, item_handles: list[str]) -> Expected:
        order = self.orders[order_handle]
        expected = Expected("createShipment")
        refusals = self._refusals(ORDER, order.status, "createShipment")
        for item_handle in item_handles:
            refusals += self._refusals(ITEM, self.items[item_handle].status, "createShipment")
        if refusals:
            expected.refusals = tuple(refusals)
            return expected
        shipment = Shipment(self._new_handle("shipment"), order_handle, list(item_handles))
        shipment.status = self._move(expected, SHIPMENT, None, "createShipment")
        self.shipments[shipment.handle] = shipment
        order.shipments.append(shipment.handle)
        self._shipment_event(expected, shipment)
        for item_handle in item_handles:
            item = self.items[item_handle]
            item.status = self._move(expected, ITEM, item.status, "createShipment")
            item.shipment = shipment.handle
            expected.audit["OrderItem", item_handle] += 1
        self._rederive(expected, order, "createShipment")
        return expected

    def _shipment_refusals(
        self, shipment: Shipment, operation: str, when: str | None = None
    ) -> list[Rule]:
        """The shipment's own refusal and, for the moves a hold blocks, its order's."""
        order = self.orders[shipment.order]
        return self._refusals(SHIPMENT, shipment.status, operation, when) + self._refusals(
            ORDER, order.status, operation, when
        )

    def _simple_shipment_move(
        self, handle: str, operation: str, facility: str | None = None
    ) -> Expected:
        """assign, reroute, reject, resubmit: one shipment moves, nothing else changes."""
        shipment = self.shipments[handle]
        expected = Expected(operation, tuple(self._shipment_refusals(shipment, operation)))
        if not expected.refused and operation == "resubmitShipment" and not shipment.facility:
            expected.refusals = (self.lifecycle.rule("shipment-resubmit-never-assigned"),)
        if expected.refused:
            return expected
        shipment.status = self._move(expected, SHIPMENT, shipment.status, operation)
        if facility is not None:
            shipment.facility = facility
        self._shipment_event(expected, shipment)
        return expected

    def assign(self, handle: str, facility: str) -> Expected:
        return self._simple_shipment_move(handle, "assignShipment", facility)

    def reroute(self, handle: str, facility: str) -> Expected:
        return self._simple_shipment_move(handle, "rerouteShipment", facility)

    def reroute_bulk(self, entries: list[tuple[str, str]]) -> tuple[Expected, list[Expected]]:
        """Bulk = the sum of single reroutes; each entry succeeds or fails on its own."""
        total = Expected("rerouteShipmentsBulk")
        singles = [self.reroute(handle, facility) for handle, facility in entries]
        for single in singles:
            total.transitions += single.transitions
            total.audit.update(single.audit)
        return total, singles

    def reject(self, handle: str) -> Expected:
        return self._simple_shipment_move(handle, "rejectShipment")

    def resubmit(self, handle: str) -> Expected:
        return self._simple_shipment_move(handle, "resubmitShipment")

    def touch_shipment(self, handle: str, operation: str) -> Expected:
        """updateShipment and retryShipmentPolling: one event, no status move."""
        shipment = self.shipments[handle]
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if not expected.refused:
            self._shipment_event(expected, shipment)
        return expected

    def _release_items(self, expected: Expected, shipment: Shipment, items: list[str]) -> None:
        for item_handle in items:
            item = self.items[item_handle]
            if item.shipment != shipment.handle:
                continue
            item.shipment = None
            if item.status == "Processing":
                item.status = self._move(expected, ITEM, item.status, expected.operation)
                expected.audit["OrderItem", item_handle] += 1
        self._rederive(expected, self.orders[shipment.order], expected.operation)

    def cancel_shipment(self, handle: str) -> Expected:
        shipment = self.shipments[handle]
        operation = "cancelShipment"
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if expected.refused:
            return expected
        shipment.status = self._move(expected, SHIPMENT, shipment.status, operation)
        self._shipment_event(expected, shipment)
        self._release_items(expected, shipment, shipment.items)
        return expected

    def unassign(self, handle: str, item_handles: list[str]) -> Expected:
        shipment = self.shipments[handle]
        operation = "unassignShipmentItems"
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if expected.refused:
            return expected
        self._shipment_event(expected, shipment)
        self._release_items(expected, shipment, item_handles)
        shipment.items = [i for i in shipment.items if i not in item_handles]
        for package_handle in shipment.packages:
            package = self.packages[package_handle]
            if any(i in item_handles for i in package.items):
                package.items = [i for i in package.items if i not in item_handles]
                expected.audit["Package", package_handle] += 1
        if not shipment.items:
            shipment.status = self._move(
                expected, SHIPMENT, shipment.status, operation, "Cancelled"
            )
        return expected

    def delete_shipment(self, handle: str) -> Expected:
        shipment = self.shipments[handle]
        operation = "deleteShipment"
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if expected.refused:
            return expected
        self._release_items(expected, shipment, shipment.items)
        for package_handle in shipment.packages:
            self.packages[package_handle].deleted = True
            expected.audit["Package", package_handle] += 1
        shipment.deleted = True
        self.orders[shipment.order].shipments.remove(handle)
        self._shipment_event(expected, shipment)
        return expected

    # ------------------------------------------------------------------ packages
    def create_package(self, shipment_handle: str, tracking: str) -> Expected:
        shipment = self.shipments[shipment_handle]
        operation = "createPackages"
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if expected.refused:
            return expected
        package = Package(
            self._new_handle("package"), shipment_handle, list(shipment.items), tracking=tracking
        )
        self.packages[package.handle] = package
        shipment.packages.append(package.handle)
        self._shipment_event(expected, shipment)
        expected.audit["Package", package.handle] += 1
        return expected

    def update_package(self, handle: str, tracking: str, ship: bool) -> Expected:
        """updatePackage; with `ship` it sets shippedDate, which ships the whole shipment."""
        package = self.packages[handle]
        shipment = self.shipments[package.shipment]
        operation = "updatePackage"
        when = "shippedDate" if ship else None
        expected = Expected(operation, tuple(self._shipment_refusals(shipment, operation, when)))
        if expected.refused:
            return expected
        package.tracking = tracking
        expected.audit["Package", handle] += 1
        if not ship:
            return expected
        package.shipped = True
        before = shipment.status
        shipment.status = self._move(expected, SHIPMENT, shipment.status, operation)
        if shipment.status != before:
            self._shipment_event(expected, shipment)
        for item_handle in shipment.items:
            item = self.items[item_handle]
            if item.status == "Processing":
                item.status = self._move(expected, ITEM, item.status, operation)
                expected.audit["OrderItem", item_handle] += 1
        self._rederive(expected, self.orders[shipment.order], operation)
        return expected

    def packing_slip(self, shipment_handle: str) -> Expected:
        shipment = self.shipments[shipment_handle]
        operation = "generatePackingSlip"
        expected = Expected(operation, tuple(self._refusals(SHIPMENT, shipment.status, operation)))
        if not expected.refused and not shipment.packages:
            expected.refusals = (self.lifecycle.rule("packing-slip-needs-package"),)
        if expected.refused:
            return expected
        self._shipment_event(expected, shipment)
        for package_handle in shipment.packages:  # each gets the new slip id
            expected.audit["Package", package_handle] += 1
        return expected

    # ------------------------------------------------------------------ notes
    def create_note(self, order_handle: str, text: str) -> Expected:
        expected = Expected("createNote")
        note = Note(self._new_handle("note"), order_handle, text)
        self.notes[note.handle] = note
        self.orders[order_handle].notes.append(note.handle)
        expected.audit["Note", note.handle] += 1
        return expected

    def update_note(self, handle: str, text: str) -> Expected:
        note = self.notes[handle]
        expected = Expected("updateNote")
        if note.text == text and self._noop("note", None, "updateNote"):
            expected.noop = True
            return expected
        note.text = text
        expected.audit["Note", handle] += 1
        return expected

    def delete_note(self, handle: str) -> Expected:
        self.notes[handle].deleted = True
        expected = Expected("deleteNote")
        expected.audit["Note", handle] += 1
        return expected

    # ------------------------------------------------------------------ queries
    def live_shipments(self) -> list[Shipment]:
        return [s for s in self.shipments.values() if not s.deleted]

    def live_packages(self) -> list[Package]:
        return [p for p in self.packages.values() if not p.deleted]

    def live_notes(self) -> list[Note]:
        return [n for n in self.notes.values() if not n.deleted]

    def order_handles_of(self, expected: Expected) -> set[str]:
        """The orders whose resources a call touched: their reads and logs get checked."""
        touched = set()
        for kind, handle in expected.audit:
            touched.add(self.owner_order(kind, handle))
        return touched

    def owner_order(self, kind: str, handle: str) -> str:
        if kind == "Order":
            return handle
        if kind == "OrderItem":
            return self.items[handle].order
        if kind in ("Shipment", "ShipmentMessage"):
            return self.shipments[handle].order
        if kind == "Package":
            return self.shipments[self.packages[handle].shipment].order
        return self.notes[handle].order

    def resource(self, handle: str) -> Order | Item | Shipment | Package | Note:
        for table in (self.orders, self.items, self.shipments, self.packages, self.notes):
            if handle in table:
                return table[handle]
        raise KeyError(f"no resource {handle!r} in the model")


def _ids(transitions: list[Transition]) -> list[str]:
    return [t.id for t in transitions]
