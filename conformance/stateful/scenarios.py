"""Named scenarios: the flows QA signs a release off on, as explicit step lists.

Together they walk every transition of the state table (a test checks that against
lifecycle.yaml), so the coverage gate does not depend on what the random walks happen to reach.
Steps name resources by handle: `order1` is the first order the scenario creates.
"""

from __future__ import annotations

from conformance.stateful.driver import Driver, Step, actions

RANDOM_WALKS = "random walks"  # the state machine's test, selectable like a named scenario


def walk_part(part: int) -> str:
    """The name of one part of the random walks (machine.walk_parts), selectable alone."""
    return f"{RANDOM_WALKS} {part}"


def is_walk_part(name: str) -> bool:
    head, _, part = name.rpartition(" ")
    return head == RANDOM_WALKS and part.isdigit() and int(part) >= 1


def s(action: str, **args: object) -> Step:
    return Step(action, args)


SCENARIOS: dict[str, list[Step]] = {
    # The canonical flow: create -> ship -> cancel -> refund.
    "create, ship, cancel, refund": [
        s("create_order", lines=[[2, 19.99, 4.5], [1, 5.0, 0.0]]),
        s("create_shipment", order="order1", items=["item1"]),
        s("create_package", shipment="shipment1"),
        s("update_package", package="package1", ship=True),
        s("cancel", order="order1", lines=[["item2", None]]),
        s("cancel", order="order1", lines=[["item2", None]]),  # twice is harmless
        s("cancel", order="order1"),  # a shipped item cannot be cancelled
        s("refund", order="order1", lines=[["item1", 10.0, False], ["item1", 4.5, True]]),
        s("refund", order="order1", lines=[["item1", 100.0, False]]),  # over the balance
        s("refund", order="order1", lines=[["item2", 5.0, False]]),
        s("search", order="order1"),
    ],
    "Customer Care Hold": [
        s("create_order", lines=[[1, 12.5, 2.0], [3, 4.0, 1.0]]),
        s("hold", order="order1"),
        s("hold", order="order1"),  # already on hold
        s("create_shipment", order="order1", items=["item1"]),  # a hold blocks shipping
        s("release", order="order1"),
        s("release", order="order1"),  # not on hold: nothing changes
        s("create_shipment", order="order1", items=["item1"]),
        s("hold", order="order1"),
        s("assign", shipment="shipment1"),  # a hold blocks assigning
        s("create_package", shipment="shipment1"),
        s("update_package", package="package1", ship=True),  # ... and shipping
        s("release", order="order1"),
        s("cancel", order="order1", lines=[["item2", 1]]),
        s("hold", order="order1"),
        s("cancel_shipment", shipment="shipment1"),
        s("cancel", order="order1"),
        s("cancel", order="order1"),  # twice is harmless
        s("release", order="order1"),  # a Cancelled order cannot be edited
        s("search", order="order1"),
    ],
    # A hold outlives the shipping it blocks: release derives Fulfilled when all is shipped.
    "hold released once shipped": [
        s("create_order", lines=[[1, 10.0, 1.0], [1, 5.0, 0.0]]),
        s("create_shipment", order="order1", items=["item1"]),
        s("create_package", shipment="shipment1"),
        s("update_package", package="package1", ship=True),
        s("hold", order="order1"),
        s("cancel", order="order1", lines=[["item2", None]]),  # cancelling is not blocked
        s("release", order="order1"),
        s("search", order="order1"),
    ],
    "reroute": [
        s("create_order", lines=[[1, 30.0, 5.0], [2, 8.0, 1.5]]),
        s("create_shipment", order="order1", items=["item1", "item2"]),
        s("reroute", shipment="shipment1", facility=1),
        s("reroute", shipment="shipment1", facility=0),
        s("reroute_bulk", entries=[["shipment1", 1]]),
        s("create_package", shipment="shipment1"),
        s("packing_slip", shipment="shipment1"),
        s("update_shipment", shipment="shipment1", method="Express"),
        s("retry_polling", shipment="shipment1"),
        s("unassign", shipment="shipment1", items=["item2"]),
        s("update_package", package="package1", tracking="1Z0003", ship=True),
        s("reroute", shipment="shipment1"),  # a Shipped shipment cannot be rerouted
        s("create_shipment", order="order1", items=["item2"]),
        s("assign", shipment="shipment2"),
        s("assign", shipment="shipment2"),  # only once
        s("reroute_bulk", entries=[["shipment1", 0], ["shipment2", 1]]),
        s("create_package", shipment="shipment2"),
        s("update_package", package="package2", ship=True),
        s("delete_shipment", shipment="shipment2"),  # a Shipped shipment stays
        s("search", order="order1"),
    ],
    "reject": [
        s("create_order", lines=[[1, 15.0, 3.0]]),
        s("create_shipment", order="order1", items=["item1"]),
        s("packing_slip", shipment="shipment1"),  # no package yet
        s("reject", shipment="shipment1"),
        s("resubmit", shipment="shipment1"),  # never assigned: nowhere to resubmit
        s("reroute", shipment="shipment1"),
        s("reject", shipment="shipment1"),
        s("resubmit", shipment="shipment1"),
        s("resubmit", shipment="shipment1"),
        s("reject", shipment="shipment1"),
        s("reject", shipment="shipment1"),  # already rejected
        s("cancel_shipment", shipment="shipment1"),
        s("retry_polling", shipment="shipment1"),  # a Cancelled shipment is not polled
        s("create_shipment", order="order1", items=["item1"]),
        s("assign", shipment="shipment2"),
        s("unassign", shipment="shipment2", items=["item1"]),
        s("delete_shipment", shipment="shipment2"),
        s("create_shipment", order="order1", items=["item1"]),
        s("delete_shipment", shipment="shipment3"),
        s("cancel", order="order1"),
        s("create_shipment", order="order1", items=["item1"]),  # a cancelled item cannot ship
        s("search", order="order1"),
    ],
    # The refusals no other scenario reaches: a hold blocks rerouting and resubmitting.
    "hold blocks reroute and resubmit": [
        s("create_order", lines=[[1, 11.0, 1.0]]),
        s("create_shipment", order="order1", items=["item1"]),
        s("assign", shipment="shipment1"),
        s("hold", order="order1"),
        s("reroute", shipment="shipment1"),  # a hold blocks rerouting
        s("resubmit", shipment="shipment1"),  # ... and resubmitting
        s("release", order="order1"),
        s("resubmit", shipment="shipment1"),
        s("search", order="order1"),
    ],
    # A Cancelled shipment refuses cancelling, unassigning, packages, shipping, editing, a
    # packing slip and resubmitting: refusals the random walks reach only on some seeds.
    "cancelled shipment": [
        s("create_order", lines=[[1, 7.0, 0.5]]),
        s("create_shipment", order="order1", items=["item1"]),
        s("create_package", shipment="shipment1"),
        s("cancel_shipment", shipment="shipment1"),
        s("cancel_shipment", shipment="shipment1"),  # once is all
        s("unassign", shipment="shipment1", items=["item1"]),
        s("create_package", shipment="shipment1"),
        s("update_package", package="package1", ship=True),
        s("update_shipment", shipment="shipment1", method="Express"),
        s("packing_slip", shipment="shipment1"),
        s("resubmit", shipment="shipment1"),
        s("search", order="order1"),
    ],
    # An item in a shipment can be neither shipped again, cancelled nor edited.
    "item in a shipment": [
        s("create_order", lines=[[1, 6.0, 0.5], [1, 4.0, 0.0]]),
        s("create_shipment", order="order1", items=["item1"]),
        s("create_shipment", order="order1", items=["item1"]),
        s("cancel", order="order1", lines=[["item1", None]]),
        s("update_item", item="item1"),
        s("search", order="order1"),
    ],
    "notes": [
        s("create_order", lines=[[1, 9.5, 0.0]]),
        s("create_note", order="order1", text="call the customer before shipping"),
        s("update_note", note="note1", text="customer called: ship as planned"),
        s("update_note", note="note1", text="customer called: ship as planned"),  # PUT twice
        s("create_note", order="order1", text="gift wrap"),
        s("delete_note", note="note1"),
        s("create_orders_bulk", orders=[[[1, 3.0, 0.5]], [[2, 6.0, 1.0], [1, 2.0, 0.0]]]),
        s("create_note", order="order3", text="bulk order note"),
        s("search", order="order2"),
    ],
}


def run_steps(driver: Driver, steps: list[Step]) -> None:
    """Replay a step list: each step, then the invariant; at the end, every resource."""
    for planned in steps:
        action = getattr(driver, planned.action, None)
        if action is None or not getattr(action, "is_step", False):
            raise ValueError(f"unknown step action {planned.action!r}")
        action(**planned.args)
        driver.verify()
    driver.verify_all()


def operations_of(steps: list[Step]) -> frozenset[str]:
    """The operations a step list calls: what its actions declare (driver.step)."""
    known = actions()
    return frozenset(op for planned in steps for op in known[planned.action].operations)


def scenario_operations() -> dict[str, frozenset[str]]:
    """Every lifecycle scenario by name, with the operations it calls. The random walks' rules
    draw from every step action, so they call every operation any action declares."""
    walks = frozenset(op for action in actions().values() for op in action.operations)
    return {
        **{name: operations_of(steps) for name, steps in SCENARIOS.items()},
        RANDOM_WALKS: walks,
    }
