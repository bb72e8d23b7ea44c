"""The stateful scenarios' checks without a server: model versus what a stub target reads.

`Verifier` compares what the target reads back (lifecycle_state), its audit logs
(lifecycle_audit) and its searches (lifecycle_listing) with the model; the driver compares each
answer's status with the state table (lifecycle_status). The model here holds one open order of
one item, as a createOrder step leaves it; the stub answers the reads of that order.
"""

from __future__ import annotations

from typing import Any

import pytest
from check_helpers import IDENTITY, event

from conformance.failures.hierarchy import ProjectFailure
from conformance.stateful.checks import Verifier
from conformance.stateful.driver import Driver
from conformance.stateful.entities import Expected, Item, Note, Order
from conformance.stateful.model import Model
from conformance.stateful.target import Target

COVERS = ("lifecycle_state", "lifecycle_audit", "lifecycle_listing", "lifecycle_status")
ORDER, ITEM, NOTE = "a" * 24, "c" * 24, "b" * 24


@pytest.fixture
def target(ctx, lifecycle) -> Target:
    return Target(ctx.client, ctx.spec, "m-1", IDENTITY, "run-1", lifecycle=lifecycle)


@pytest.fixture
def model(lifecycle) -> Model:
    """One open order (order1) of one open item (item1), each with its creation event."""
    built = Model(lifecycle)
    built.orders["order1"] = Order("order1", "ext-1", ["item1"], id=ORDER, safe_id="omct-1")
    built.items["item1"] = Item(
        "item1", "order1", 2, 10.0, 5.0, price_balance=20.0, shipping_balance=5.0, id=ITEM
    )
    built.audit.update({("Order", "order1"): 1, ("OrderItem", "item1"): 1})
    return built


@pytest.fixture
def verifier(target, model) -> Verifier:
    return Verifier(target, model)


def item_read(**fields: Any) -> dict[str, Any]:
    refund = {"remainingPriceBalance": 20.0, "remainingShippingBalance": 5.0, "refunds": []}
    return {
        "id": ITEM,
        "status": "Open",
        "quantity": 2,
        "cancelledQuantity": 0,
        "refundData": refund,
        **fields,
    }


def created(action: str) -> dict[str, Any]:
    return event(action, 0, changes=[{"field": "status", "oldValue": None, "newValue": "Open"}])


@pytest.fixture
def reads(api, target):
    """Stub the order as the model says it is, and its two audit logs; each part replaceable."""

    def stub(order_status: str = "Open", item: dict | None = None, order_events=None) -> None:
        order = {
            "id": ORDER,
            "status": order_status,
            "shipmentIds": [],
            "items": [item or item_read()],
        }
        api.on("GET", target.path("getOrderById", orderId=ORDER), 200, {"order": order})
        events = order_events if order_events is not None else [created("createOrder")]
        api.on("GET", target.path("getOrderAuditLogs", orderId=ORDER), 200, {"auditLogs": events})
        item_log = target.path("getOrderItemAuditLogs", orderItemId=ITEM)
        api.on("GET", item_log, 200, {"auditLogs": [created("createOrder")]})

    return stub


def test_an_order_that_reads_as_modelled_passes(verifier, reads):
    reads()
    verifier.verify({"order1"}, "createOrder")
    assert verifier.audit.seen == {("Order", "order1"): 1, ("OrderItem", "item1"): 1}


@pytest.mark.parametrize(
    "wrong",
    [
        {"order_status": "Cancelled"},
        {"item": item_read(cancelledQuantity=1)},
        {
            "item": item_read(
                refundData={
                    "remainingPriceBalance": 20.0,
                    "remainingShippingBalance": 5.0,
                    "refunds": [{"amount": 25.0}],
                }
            )
        },
    ],
    ids=["order-status", "item-quantity", "refund-over-paid"],
)
def test_an_order_that_reads_otherwise_fails_lifecycle_state(verifier, reads, wrong):
    reads(**wrong)
    with pytest.raises(ProjectFailure) as raised:
        verifier.verify({"order1"}, "createOrder")
    assert raised.value.check == "lifecycle_state"


def test_a_deleted_note_still_readable_fails_lifecycle_state(verifier, reads, model, api, target):
    model.notes["note1"] = Note("note1", "order1", "t", deleted=True, id=NOTE)
    model.orders["order1"].notes.append("note1")
    reads()
    api.on("GET", target.path("listNotes"), 200, {"notes": []})
    api.on("GET", target.path("getNoteById", noteId=NOTE), 200, {"note": {"id": NOTE}})
    with pytest.raises(ProjectFailure, match="still readable") as raised:
        verifier.verify({"order1"}, "deleteNote")
    assert raised.value.check == "lifecycle_state"
    api.on("GET", target.path("getNoteById", noteId=NOTE), 404, {"message": "gone"})
    verifier.check_gone(model.orders["order1"], "deleteNote")


WRONG_LOGS = {
    "missing": [],
    "extra": [created("createOrder"), event("holdOrder", 1)],
    "action": [created("updateOrder")],
    "actor": [{**created("createOrder"), "clientId": "someone-else"}],
    "value": [event("createOrder", 0, changes=[{"field": "status", "newValue": "Cancelled"}])],
}


@pytest.mark.parametrize("wrong", sorted(WRONG_LOGS))
def test_an_audit_log_other_than_modelled_fails_lifecycle_audit(verifier, reads, wrong):
    reads(order_events=WRONG_LOGS[wrong])
    with pytest.raises(ProjectFailure) as raised:
        verifier.verify({"order1"}, "createOrder")
    assert raised.value.check == "lifecycle_audit"


@pytest.fixture
def held(verifier, model):
    """order1 and item1 checked once (their creation events seen); a hold is then due to add
    one event to the order's log and none to the item's."""
    verifier.audit.seen.update(model.audit)
    model.audit["Order", "order1"] += 1
    return verifier


HELD = [created("createOrder"), event("holdOrder", 1)]


def audit_reads(api, target) -> list[str]:
    logs = {target.path("getOrderAuditLogs", orderId=ORDER): "Order"}
    logs[target.path("getOrderItemAuditLogs", orderItemId=ITEM)] = "OrderItem"
    return [logs[r.url.path] for r in api.requests if r.url.path in logs]


def test_a_step_reads_only_the_logs_it_was_due_to_grow(held, reads, api, target):
    reads(order_events=HELD)
    held.verify({"order1"}, "holdOrder")
    assert audit_reads(api, target) == ["Order"]  # the item's log had nothing due


def test_a_refused_call_that_wrote_an_event_fails_at_its_own_step(held, reads, model):
    """Nothing was due (the model's count is back where it was), but the log is of the kind
    the operation audits: it is read, and the event the refusal wrote is named there."""
    model.audit["Order", "order1"] -= 1
    reads(order_events=HELD)
    with pytest.raises(ProjectFailure, match="holds 2 events, expected 1") as raised:
        held.verify({"order1"}, "holdOrder")
    assert (raised.value.check, raised.value.operation) == ("lifecycle_audit", "holdOrder")


def test_an_event_where_nothing_was_due_is_caught_at_the_end(held, reads, api, target):
    reads(order_events=HELD)
    item_log = target.path("getOrderItemAuditLogs", orderItemId=ITEM)
    api.on("GET", item_log, 200, {"auditLogs": [created("createOrder"), event("holdOrder", 1)]})
    held.verify({"order1"}, "holdOrder")  # the item's log is not read here
    with pytest.raises(ProjectFailure, match="OrderItem item1") as raised:
        held.verify_end("(end of scenario)")
    assert raised.value.check == "lifecycle_audit"
    assert audit_reads(api, target) == ["Order", "OrderItem"]  # the order's log was current


@pytest.fixture
def searches(api, target, lifecycle):
    """Stub every search of the order; `leaky` answers a search by another status with it."""

    def stub(leaky: bool = False) -> None:
        search = target.path("searchOrders")
        found = {"orders": [{"id": ORDER, "status": "Open"}]}
        api.on("GET", search, 200, found)
        other = next(s for s in lifecycle.states("order") if s != "Open")
        api.on("GET", search, 200, found if leaky else {"orders": []}, when={"status": other})
        api.on("GET", target.path("getOrdersBulk"), 200, {"orders": [{"id": ORDER}]})
        by_safe_id = target.path("getOrderBySafeId", safeId="omct-1")
        api.on("GET", by_safe_id, 200, {"order": {"id": ORDER}})
        items = {"orderItems": [{"id": ITEM, "status": "Open"}]}
        api.on("GET", target.path("searchOrderItems"), 200, items)
        api.on("GET", target.path("searchShipments"), 200, {"shipments": []})
        item = target.path("getOrderItemById", orderItemId=ITEM)
        api.on("GET", item, 200, {"orderItem": {"status": "Open"}})

    return stub


def test_searches_that_find_the_order_pass(verifier, searches, api):
    searches()
    verifier.verify_listings(verifier.model.orders["order1"])
    assert len(api.requests) == 9


def test_a_search_that_ignores_its_status_filter_fails_lifecycle_listing(verifier, searches):
    searches(leaky=True)
    with pytest.raises(ProjectFailure, match="status=") as raised:
        verifier.verify_listings(verifier.model.orders["order1"])
    assert (raised.value.check, raised.value.operation) == ("lifecycle_listing", "searchOrders")


@pytest.fixture
def driver(target) -> Driver:
    return Driver(target, narrate=False)


@pytest.fixture
def refused_cancel(lifecycle) -> Expected:
    """A cancel the table forbids: the item is already in a shipment."""
    rule = lifecycle.refusal("orderItem", "Processing", "cancelOrder")
    assert rule is not None
    return Expected("cancelOrder", (rule,))


def test_an_answer_the_table_expects_passes_lifecycle_status(driver, refused_cancel):
    driver._check_answer(Expected("holdOrder"), 200, {"order": {}})
    body = {"rule": refused_cancel.refusals[0].rule}
    driver._check_answer(refused_cancel, refused_cancel.refusals[0].status, body)


def test_an_allowed_call_refused_fails_lifecycle_status(driver):
    with pytest.raises(ProjectFailure, match="Allowed call refused") as raised:
        driver._check_answer(Expected("holdOrder"), 409, {"message": "no"})
    assert raised.value.check == "lifecycle_status"


@pytest.mark.parametrize("answered", ["allowed", "wrong rule"])
def test_a_forbidden_call_not_refused_as_the_table_says_fails(driver, refused_cancel, answered):
    status = 200 if answered == "allowed" else refused_cancel.refusals[0].status
    with pytest.raises(ProjectFailure) as raised:
        driver._check_answer(refused_cancel, status, {"rule": "some-other-rule"})
    assert raised.value.check == "lifecycle_status"
