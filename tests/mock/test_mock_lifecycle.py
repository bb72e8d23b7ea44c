"""Every transition and every refusal of spec/lifecycle.yaml, table-driven."""

from __future__ import annotations

import copy

import pytest
from mock_helpers import assign, count_events, ok_status, ship
from mock_scenarios import LIFECYCLE, act, new_order, setup, state_of, with_shipment

# How to reach each transition's source state (and which variant of the operation to run).
# entity/state for `setup`, plus the variant; None = creation.
TRANSITION_SETUP: dict[str, tuple[str | None, str | None, str]] = {
    "item.create": (None, None, ""),
    "item.assign": ("orderItem", "Open", ""),
    "item.unassign": ("orderItem", "Processing", ""),
    "item.ship": ("orderItem", "Processing", "shippedDate"),
    "item.cancel": ("orderItem", "Open", "item"),
    "item.cancel-partial": ("orderItem", "Open", "partial"),
    "order.create": (None, None, ""),
    "order.process": ("order", "Open", ""),
    "order.unprocess": ("order", "Processing", ""),
    "order.fulfil": ("order", "Processing:all", "shippedDate"),
    "order.fulfil-by-cancel": ("order", "Processing:shipped-one", "open-items"),
    "order.cancel": ("order", "Open", "whole"),
    "order.hold": ("order", "Open", ""),
    "order.hold-processing": ("order", "Processing", ""),
    "order.release": ("order", "CustomerCareHold:open", "release"),
    "order.release-processing": ("order", "CustomerCareHold", "release"),
    "order.release-fulfilled": ("order", "CustomerCareHold:rest-shipped", "release"),
    "order.cancel-held": ("order", "CustomerCareHold:open", "whole"),
    "shipment.create": (None, None, ""),
    "shipment.assign": ("shipment", "Created", ""),
    "shipment.reroute-created": ("shipment", "Created", ""),
    "shipment.reroute": ("shipment", "Assigned", ""),
    "shipment.reroute-rejected": ("shipment", "Rejected", ""),
    "shipment.resubmit": ("shipment", "Assigned", ""),
    "shipment.resubmit-rejected": ("shipment", "Rejected", ""),
    "shipment.reject-created": ("shipment", "Created", ""),
    "shipment.reject": ("shipment", "Assigned", ""),
    "shipment.ship-created": ("shipment", "Created", "shippedDate"),
    "shipment.ship": ("shipment", "Assigned", "shippedDate"),
    "shipment.cancel-created": ("shipment", "Created", ""),
    "shipment.cancel": ("shipment", "Assigned", ""),
    "shipment.cancel-rejected": ("shipment", "Rejected", ""),
}

TRANSITIONS = [(t, op) for t in LIFECYCLE.transitions for op in t.operations]


def test_every_transition_has_a_scenario():
    assert {t.id for t in LIFECYCLE.transitions} == set(TRANSITION_SETUP)


def _prepare(api, entity, state, op):
    if entity is None:
        ctx = new_order(api) if op == "createShipment" else {}
        return ctx
    if state == "Processing:all":
        return _all_in_shipment(api)
    if state == "Processing:shipped-one":
        ctx = with_shipment(api, new_order(api))
        ok_status(ship(api, ctx["sid"], ctx["pid"]))
        return ctx
    if state == "CustomerCareHold:open":
        ctx = new_order(api)
        ok_status(act(api, ctx, "holdOrder"))
        return ctx
    if state == "CustomerCareHold:rest-shipped":  # held; then every item not shipped cancelled
        ctx = with_shipment(api, new_order(api))
        ok_status(ship(api, ctx["sid"], ctx["pid"]))
        ok_status(act(api, ctx, "holdOrder"))
        ok_status(act(api, ctx, "cancelOrder", "open-items"))
        return ctx
    if state == "CustomerCareHold":  # held while an item is in a shipment
        ctx = with_shipment(api, new_order(api))
        ok_status(act(api, ctx, "holdOrder"))
        return ctx
    return setup(api, entity, state, op)


def _all_in_shipment(api):
    ctx = new_order(api)
    return with_shipment(api, ctx, ctx["items"])


@pytest.mark.parametrize(
    ("transition", "operation"), TRANSITIONS, ids=[f"{t.id}-{op}" for t, op in TRANSITIONS]
)
def test_transition(api, transition, operation):
    entity, state, variant = TRANSITION_SETUP[transition.id]
    ctx = _prepare(api, entity, state, operation)
    assert state_of(api, ctx, transition.entity) == transition.source
    r = act(api, ctx, operation, variant)
    assert r.status_code < 300, r.text
    if operation.endswith("Bulk"):
        assert r.json()["successCount"] == 1, r.text
    if operation == "deleteShipment":  # the shipment is gone; its items and order moved
        assert transition.entity != "shipment"
    assert state_of(api, ctx, transition.entity) == transition.target


REFUSALS = [(r, s) for r in LIFECYCLE.refusals for s in r.states]


@pytest.mark.parametrize(("refusal", "state"), REFUSALS, ids=[f"{r.rule}-{s}" for r, s in REFUSALS])
def test_refusal_changes_nothing(api, refusal, state):
    ctx = setup(api, refusal.entity, state, refusal.operation)
    variant = refusal.when or ""
    if refusal.entity == "orderItem" and refusal.operation == "cancelOrder":
        variant = "item"
    if refusal.entity == "order" and refusal.operation == "createShipment":
        variant = "second"
    store = api.app.state.mock.store
    before = copy.deepcopy(store.tables)
    events = count_events(api)
    r = act(api, ctx, refusal.operation, variant)
    assert r.status_code == refusal.status, r.text
    body = r.json()
    assert body["rule"] == refusal.rule
    assert body["statusCode"] == refusal.status
    if refusal.status == 409:
        assert "currentStatus" in body
    assert store.tables == before
    assert count_events(api) == events


def test_refused_cancel_whole_order_with_item_in_shipment(api):
    ctx = with_shipment(api, new_order(api))
    r = act(api, ctx, "cancelOrder", "whole")
    assert r.status_code == 400 and r.json()["rule"] == "item-cancel-in-shipment"
    assert state_of(api, ctx, "order") == "Processing"


@pytest.mark.parametrize("noop", ["order", "item"])
def test_cancel_noops_write_nothing(api, noop):
    ctx = new_order(api)
    ok_status(act(api, ctx, "cancelOrder", "whole" if noop == "order" else "item"))
    events = count_events(api)
    r = act(api, ctx, "cancelOrder", "whole" if noop == "order" else "item")
    assert r.status_code == 200
    assert count_events(api) == events


def test_release_noop_on_open_order(api):
    ctx = new_order(api)
    events = count_events(api)
    assert act(api, ctx, "updateOrder", "release").status_code == 200
    assert count_events(api) == events


def test_packing_slip_needs_package(api):
    ctx = new_order(api)
    ctx["sid"] = act(api, ctx, "createShipment").json()["id"]
    r = act(api, ctx, "generatePackingSlip")
    assert r.status_code == 409 and r.json()["rule"] == "packing-slip-needs-package"
    add = api.post(f"/v1/shipments/{ctx['sid']}/packages", json=[{"carrierName": "UPS"}])
    pid = add.json()["packages"][0]["id"]
    slip = act(api, ctx, "generatePackingSlip").json()
    assert slip["packageIds"] == [pid]


def test_package_items_must_be_in_shipment(api):
    ctx = with_shipment(api, new_order(api))
    r = api.post(
        f"/v1/shipments/{ctx['sid']}/packages",
        json=[{"carrierName": "UPS", "orderItemIDs": ctx["items"][1:]}],
    )
    assert r.status_code == 400 and r.json()["rule"] == "package-items-in-shipment"


def test_unassign_last_item_cancels_shipment_and_reassign(api):
    ctx = with_shipment(api, new_order(api))
    assign(api, ctx["sid"])
    r = act(api, ctx, "unassignShipmentItems")
    assert r.json()["shipmentStatus"] == 5
    assert state_of(api, ctx, "orderItem") == "Open"
    assert act(api, ctx, "createShipment").status_code == 201


def test_refund_balances(api):
    ctx = new_order(api)
    item = ctx["items"][0]
    body = {
        "orderId": ctx["oid"],
        "refunds": [
            {"itemId": item, "amount": 12},
            {"itemId": item, "amount": 5, "isShippingRefund": True},
        ],
    }
    assert api.post("/v1/orders/refund", json=body).status_code == 204
    data = api.get(f"/v1/orders/items/{item}").json()["orderItem"]["refundData"]
    assert (data["remainingPriceBalance"], data["remainingShippingBalance"]) == (8, 0)
    assert len({r["transactionId"] for r in data["refunds"]}) == 2
    over = {"orderId": ctx["oid"], "refunds": [{"itemId": item, "amount": 8.01}]}
    store = api.app.state.mock.store
    before = copy.deepcopy(store.tables)
    r = api.post("/v1/orders/refund", json=over)
    assert r.status_code == 403 and r.json()["rule"] == "refund-over-balance"
    assert store.tables == before


def test_a_shipment_rejected_before_assignment_cannot_be_resubmitted(api):
    """lifecycle.yaml rule shipment-resubmit-never-assigned: nothing to go back to."""
    ctx = with_shipment(api, new_order(api))
    ok_status(act(api, ctx, "rejectShipment"))
    before = state_of(api, ctx, "shipment")
    r = act(api, ctx, "resubmitShipment")
    assert r.status_code == 409, r.text
    assert r.json()["rule"] == "shipment-resubmit-never-assigned"
    assert state_of(api, ctx, "shipment") == before == "Rejected"
