"""The Hypothesis state machine: random walks over every lifecycle operation.

Rules pick resources by index among what the model holds, in any state: the model predicts
whether the call is allowed or which rule refuses it, so one rule covers both the move and its
forbidden variants. `forbidden_move` aims straight at a refusal the table lists for the current
state. After each step the invariant reads back what the step touched (`Driver.verify`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from hypothesis import HealthCheck, Phase, reject, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from conformance.stateful.driver import Driver
from conformance.stateful.entities import Item, Order, Shipment
from conformance.stateful.model import Model
from conformance.stateful.scenarios import walk_part
from conformance.stateful.target import Target
from spec.lifecycle import Refusal

T = TypeVar("T")

MAX_ORDERS = 3  # a walk stays small, so each step's checks stay cheap
# The walks run as up to this many tests, so that a run's processes share them: each is one
# sequential chain of round trips, and behind a network one test of every walk was the tail.
MAX_WALK_PARTS = 8
NOTE_TEXTS = ("call first", "gift wrap", "fragile: keep upright, do not stack, signature needed")

MINOR_SHIPMENT_ACTIONS = ("update_shipment", "retry_polling", "packing_slip")
# Few, distinct values: shrinking a failing walk replays it once per candidate value, and
# prices need only be tellable apart, not fuzzed (the property suite fuzzes the inputs).
picks = st.integers(min_value=0, max_value=7)
prices = st.sampled_from((0.5, 19.99, 125.0, 1234.56))
shipping_prices = st.sampled_from((0.0, 4.5, 12.99))
order_lines = st.lists(
    st.tuples(st.integers(1, 3), prices, shipping_prices).map(list), min_size=1, max_size=3
)


@dataclass
class Recorder:
    """What the walks of one test covered, and the driver of the latest (on failure: the
    shrunk, finally replayed) walk."""

    states: set[str] = field(default_factory=set)
    transitions: set[str] = field(default_factory=set)
    refusals: set[str] = field(default_factory=set)
    gaps: set[str] = field(default_factory=set)
    walks: int = 0
    skip_simplest: bool = False  # another part runs Hypothesis' simplest walk (walk_parts)
    on_first_failure: Callable[[], None] | None = None  # told once, when a walk first fails
    last: Driver | None = None
    first_failed: Driver | None = None  # the first walk that failed: kept if replays do not

    def finished(self, driver: Driver) -> None:
        if driver.failure is not None and self.first_failed is None:
            self.first_failed = driver
            if self.on_first_failure is not None:
                self.on_first_failure()
        self.states |= driver.model.states_seen
        self.transitions |= driver.model.transitions_seen
        self.refusals |= driver.model.refusals_seen
        self.gaps |= driver.model.gaps


def _pick(options: Sequence[T], index: int) -> T:
    return options[index % len(options)]


def forbidden_moves(model: Model) -> list[tuple[str, dict[str, object]]]:
    """(action, arguments) for every call the state table forbids right now."""
    moves = []
    for refusal in model.lifecycle.refusals:
        for resource in _in_states(model, refusal):
            move = _forbidden_call(model, refusal, resource)
            if move is not None:
                moves.append(move)
    return moves


def _in_states(model: Model, refusal: Refusal) -> list[Order | Item | Shipment]:
    pools: dict[str, Sequence[Order | Item | Shipment]] = {
        "order": list(model.orders.values()),
        "orderItem": list(model.items.values()),
        "shipment": model.live_shipments(),
    }
    return [r for r in pools[refusal.entity] if r.status in refusal.states]


SHIPMENT_ACTIONS = {
    "assignShipment": "assign",
    "rerouteShipment": "reroute",
    "resubmitShipment": "resubmit",
    "rejectShipment": "reject",
    "cancelShipment": "cancel_shipment",
    "deleteShipment": "delete_shipment",
    "createPackages": "create_package",
    "updateShipment": "update_shipment",
    "retryShipmentPolling": "retry_polling",
    "generatePackingSlip": "packing_slip",
}


def _forbidden_call(
    model: Model, refusal: Refusal, resource: Any
) -> tuple[str, dict[str, object]] | None:
    operation = refusal.operation
    if refusal.entity == "orderItem":
        return {
            "cancelOrder": (
                "cancel",
                {"order": resource.order, "lines": [[resource.handle, None]]},
            ),
            "createShipment": (
                "create_shipment",
                {"order": resource.order, "items": [resource.handle]},
            ),
            "updateOrderItem": ("update_item", {"item": resource.handle}),
        }.get(operation)
    if refusal.entity == "order":
        if operation == "holdOrder":
            return "hold", {"order": resource.handle}
        if operation == "updateOrder":
            return "release", {"order": resource.handle}
        if operation == "createShipment":
            return "create_shipment", {"order": resource.handle, "items": resource.items[:1]}
        shipments = [model.shipments[s] for s in resource.shipments]
        return _shipment_call(model, operation, shipments)
    return _shipment_call(model, operation, [resource])


def _shipment_call(
    model: Model, operation: str, shipments: list[Shipment]
) -> tuple[str, dict[str, object]] | None:
    for shipment in shipments:
        if operation == "updatePackage" and shipment.packages:
            return "update_package", {"package": shipment.packages[0], "ship": True}
        if operation == "unassignShipmentItems" and shipment.items:
            return "unassign", {"shipment": shipment.handle, "items": shipment.items[:1]}
        if operation in SHIPMENT_ACTIONS:
            return SHIPMENT_ACTIONS[operation], {"shipment": shipment.handle}
    return None


class LifecycleMachine(RuleBasedStateMachine):
    target: ClassVar[Target]
    recorder: ClassVar[Recorder]

    def __init__(self) -> None:
        super().__init__()
        self.driver = Driver(self.target, narrate=False)
        self.model = self.driver.model
        self.recorder.walks += 1
        self.recorder.last = self.driver

    # ------------------------------------------------------------------ selections
    def _order(self, n: int) -> Order:
        return _pick(list(self.model.orders.values()), n)

    def _shipment(self, n: int) -> Shipment:
        return _pick(self.model.live_shipments(), n)

    def has_shipments(self) -> bool:
        return bool(self.model.live_shipments())

    # ------------------------------------------------------------------ orders
    @initialize(lines=order_lines)
    def first_order(self, lines: list[list[object]]) -> None:
        if self.recorder.skip_simplest:
            # Hypothesis starts every run with its simplest walk: the first part runs it once,
            # the others would repeat it. Rejected before any call, it does not count.
            self.recorder.skip_simplest = False
            self.recorder.walks -= 1
            reject()
        self.driver.create_order(lines=lines)

    @precondition(lambda self: len(self.model.orders) < MAX_ORDERS)
    @rule(lines=order_lines)
    def create_order(self, lines: list[list[object]]) -> None:
        self.driver.create_order(lines=lines)

    @precondition(lambda self: len(self.model.orders) <= MAX_ORDERS - 2)
    @rule(first=order_lines, second=order_lines)
    def create_orders_bulk(self, first: list[list[object]], second: list[list[object]]) -> None:
        self.driver.create_orders_bulk(orders=[first, second])

    @rule(order=picks)
    def hold(self, order: int) -> None:
        self.driver.hold(order=self._order(order).handle)

    @rule(order=picks)
    def release(self, order: int) -> None:
        self.driver.release(order=self._order(order).handle)

    @rule(order=picks, item=picks, quantity=st.integers(0, 3))
    def cancel_item(self, order: int, item: int, quantity: int) -> None:
        """quantity 0: all that is left; more than is left: all that is left."""
        chosen = self._order(order)
        handle = _pick(chosen.items, item)
        left = self.model.items[handle].remaining
        amount = quantity if 0 < quantity < left else None
        self.driver.cancel(order=chosen.handle, lines=[[handle, amount]])

    @rule(order=picks)
    def cancel_order(self, order: int) -> None:
        self.driver.cancel(order=self._order(order).handle)

    @rule(order=picks, item=picks, percent=st.sampled_from((100, 50, 10)), shipping=st.booleans())
    def refund(self, order: int, item: int, percent: int, shipping: bool) -> None:
        chosen = self._order(order)
        record = self.model.items[_pick(chosen.items, item)]
        balance = record.shipping_balance if shipping else record.price_balance
        amount = max(0.01, round(balance * percent / 100, 2))
        self.driver.refund(order=chosen.handle, lines=[[record.handle, amount, shipping]])

    @rule(order=picks, item=picks, shipping=st.booleans())
    def refund_over_balance(self, order: int, item: int, shipping: bool) -> None:
        chosen = self._order(order)
        record = self.model.items[_pick(chosen.items, item)]
        balance = record.shipping_balance if shipping else record.price_balance
        amount = round(balance + 0.01, 2)
        self.driver.refund(order=chosen.handle, lines=[[record.handle, amount, shipping]])

    @rule(order=picks, item=picks)
    def update_item(self, order: int, item: int) -> None:
        self.driver.update_item(item=_pick(self._order(order).items, item))

    @rule(order=picks)
    def search(self, order: int) -> None:
        self.driver.search(order=self._order(order).handle)

    # ------------------------------------------------------------------ notes
    @rule(order=picks, text=st.sampled_from(NOTE_TEXTS))
    def create_note(self, order: int, text: str) -> None:
        self.driver.create_note(order=self._order(order).handle, text=text)

    @precondition(lambda self: self.model.live_notes())
    @rule(note=picks, text=st.sampled_from(NOTE_TEXTS), twice=st.booleans())
    def update_note(self, note: int, text: str, twice: bool) -> None:
        """twice: the same PUT again must change nothing."""
        handle = _pick(self.model.live_notes(), note).handle
        self.driver.update_note(note=handle, text=text)
        if twice:
            self.driver.verify()
            self.driver.update_note(note=handle, text=text)

    @precondition(lambda self: self.model.live_notes())
    @rule(note=picks)
    def delete_note(self, note: int) -> None:
        self.driver.delete_note(note=_pick(self.model.live_notes(), note).handle)

    # ------------------------------------------------------------------ shipments
    @rule(order=picks, mask=st.integers(1, 7))
    def create_shipment(self, order: int, mask: int) -> None:
        """The items whose bit is set in `mask` (at least one), in whatever state they are."""
        items = self._order(order).items
        chosen = [h for n, h in enumerate(items) if mask >> n & 1] or items[:1]
        self.driver.create_shipment(order=self._order(order).handle, items=chosen)

    @precondition(has_shipments)
    @rule(shipment=picks, facility=st.integers(0, 1))
    def assign(self, shipment: int, facility: int) -> None:
        self.driver.assign(shipment=self._shipment(shipment).handle, facility=facility)

    @precondition(has_shipments)
    @rule(shipment=picks, facility=st.integers(0, 1))
    def reroute(self, shipment: int, facility: int) -> None:
        self.driver.reroute(shipment=self._shipment(shipment).handle, facility=facility)

    @precondition(has_shipments)
    @rule(first=picks, second=picks, facility=st.integers(0, 1))
    def reroute_bulk(self, first: int, second: int, facility: int) -> None:
        handles = dict.fromkeys([self._shipment(first).handle, self._shipment(second).handle])
        self.driver.reroute_bulk(entries=[[h, facility] for h in handles])

    @precondition(has_shipments)
    @rule(shipment=picks)
    def create_package(self, shipment: int) -> None:
        self.driver.create_package(shipment=self._shipment(shipment).handle)

    @precondition(has_shipments)
    @rule(shipment=picks)
    def pack_and_ship(self, shipment: int) -> None:
        """The common path in one rule, so short walks reach shipped orders."""
        chosen = self._shipment(shipment)
        if not chosen.packages:
            self.driver.create_package(shipment=chosen.handle)
            self.driver.verify()
        if chosen.packages:
            self.driver.update_package(package=chosen.packages[-1], ship=True)

    @precondition(has_shipments)
    @rule(shipment=picks, action=st.sampled_from(("reject", "resubmit")))
    def reject_or_resubmit(self, shipment: int, action: str) -> None:
        getattr(self.driver, action)(shipment=self._shipment(shipment).handle)

    @precondition(has_shipments)
    @rule(shipment=picks, action=st.sampled_from(("cancel_shipment", "delete_shipment")))
    def cancel_or_delete_shipment(self, shipment: int, action: str) -> None:
        getattr(self.driver, action)(shipment=self._shipment(shipment).handle)

    @precondition(has_shipments)
    @rule(shipment=picks, action=st.sampled_from(MINOR_SHIPMENT_ACTIONS))
    def shipment_action(self, shipment: int, action: str) -> None:
        """Edits that move no status: shipping method, polling, packing slip."""
        getattr(self.driver, action)(shipment=self._shipment(shipment).handle)

    @precondition(lambda self: any(s.items for s in self.model.live_shipments()))
    @rule(shipment=picks, item=picks)
    def unassign(self, shipment: int, item: int) -> None:
        chosen = _pick([s for s in self.model.live_shipments() if s.items], shipment)
        self.driver.unassign(shipment=chosen.handle, items=[_pick(chosen.items, item)])

    @precondition(lambda self: bool(self.model.live_packages()))
    @rule(package=picks, ship=st.booleans())
    def update_package(self, package: int, ship: bool) -> None:
        self.driver.update_package(
            package=_pick(self.model.live_packages(), package).handle, ship=ship
        )

    # ------------------------------------------------------------------ refusals
    @precondition(lambda self: bool(forbidden_moves(self.model)))
    @rule(move=picks)
    def forbidden_move(self, move: int) -> None:
        action, arguments = _pick(forbidden_moves(self.model), move)
        getattr(self.driver, action)(**arguments)

    # ------------------------------------------------------------------ invariants
    @invariant()
    def target_agrees_with_model(self) -> None:
        self.driver.verify()

    def teardown(self) -> None:
        if self.driver.failure is None:
            self.driver.verify_all()
        self.recorder.finished(self.driver)


def machine_for(target: Target, recorder: Recorder) -> type[LifecycleMachine]:
    return type("LifecycleMachine", (LifecycleMachine,), {"target": target, "recorder": recorder})


def walk_settings(walks: int, steps: int, shrink: bool = True) -> settings:
    phases = [Phase.explicit, Phase.generate] + ([Phase.shrink] if shrink else [])
    return settings(
        max_examples=walks,
        stateful_step_count=steps,
        phases=phases,
        deadline=None,
        database=None,  # a run is reproduced from its seed, not from a local example store
        derandomize=False,
        print_blob=False,
        report_multiple_bugs=False,  # one shrunk walk, whose journal is the reproduction
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


def walk_parts(walks: int) -> list[int]:
    """How many walks each part of the random walks runs: the budget split into at most
    MAX_WALK_PARTS tests. Fixed by the budget, never by the processes, so the same seed gives
    the same walks at any --concurrency."""
    parts = max(1, min(walks, MAX_WALK_PARTS))
    return [walks // parts + (n < walks % parts) for n in range(parts)]


def walk_part_names(walks: int) -> list[str]:
    """The selectable name of each part (`--scenario "random walks 2"`)."""
    return [walk_part(n) for n in range(1, len(walk_parts(walks)) + 1)]


def part_seed(run_seed: int, part: int) -> int:
    """The seed of part `part` (from 1): the run's own for the first, derived for the rest."""
    if part == 1:
        return run_seed
    digest = hashlib.sha256(f"{run_seed}/{part}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


def run_walks(
    target: Target,
    recorder: Recorder,
    walks: int,
    steps: int,
    walk_seed: int,
    configure: Callable[[settings], settings] | None = None,
    skip_simplest: bool = False,
    shrink: bool = True,
) -> None:
    """Random walks; raises the (shrunk) failure, with `recorder.last` the walk that shows it.
    `skip_simplest`: leave out Hypothesis' simplest walk, which another part runs."""
    recorder.skip_simplest = skip_simplest
    machine = seed(walk_seed)(machine_for(target, recorder))
    chosen = walk_settings(walks, steps, shrink)
    run_state_machine_as_test(machine, settings=configure(chosen) if configure else chosen)
