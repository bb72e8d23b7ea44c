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

from collections import Counter

from conformance.stateful.entities import (
    ITEM,
    ORDER,
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
from conformance.stateful.shipment_rules import ShipmentRules
from spec.lifecycle import Lifecycle, Transition


class Model(ShipmentRules):
    def __init__(self, lifecycle: Lifecycle) -> None:
        self.lifecycle = lifecycle
        self.orders: dict[str, Order] = {}
        self.items: dict[str, Item] = {}
        self.shipments: dict[str, Shipment] = {}
        self.packages: dict[str, Package] = {}
        self.notes: dict[str, Note] = {}
        self.audit: Counter = Counter()  # (resource type, handle) -> events the log must hold
        self.states_seen: set[str] = set()  # "entity.State", as the coverage report counts
        self.transitions_seen: set[str] = set()
        self.refusals_seen: set[str] = set()  # rules of the forbidden calls predicted (and sent)
        self.gaps: set[str] = set()  # derived order moves the table does not list
        self._serial: Counter = Counter()

    # ------------------------------------------------------------------ the table
    def _refusals(self, entity: str, state: str, operation: str, when=None) -> list[Rule]:
        refusal = self.lifecycle.refusal(entity, state, operation, when)
        if refusal:
            self.refusals_seen.add(refusal.rule)
        return [refusal] if refusal else []

    def _move(
        self, expected: Expected, entity: str, source: str | None, operation: str, target=None
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

    def add_order(self, expected: Expected, external_id: str, lines) -> Order:
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

    def create_orders_bulk(self, orders: list[tuple[str, list]]) -> Expected:
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
            item.cancelled = item.quantity if whole else item.cancelled + quantity
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
        wanted: Counter = Counter()
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
