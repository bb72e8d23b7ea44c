"""The model alone (no server): predictions come from the state table, not from a copy of it."""

from __future__ import annotations

import copy

import pytest
import yaml

from conformance.stateful.machine import SHIPMENT_ACTIONS, forbidden_moves
from conformance.stateful.model import Model
from spec.lifecycle import Lifecycle
from spec.loader import LIFECYCLE_PATH

LINES = [(2, 10.0, 3.0), (1, 5.0, 0.0)]


@pytest.fixture
def model(lifecycle) -> Model:
    return Model(lifecycle)


def test_create_fires_the_creation_transitions_and_one_event_per_resource(model):
    expected = model.create_order("ext-1", LINES)
    assert sorted(expected.transitions) == ["item.create", "item.create", "order.create"]
    assert expected.audit == {
        ("Order", "order1"): 1,
        ("OrderItem", "item1"): 1,
        ("OrderItem", "item2"): 1,
    }
    assert model.items["item1"].price_balance == 20.0


def test_bulk_create_is_the_sum_of_single_creates(lifecycle):
    single, bulk = Model(lifecycle), Model(lifecycle)
    singles = [single.create_order("a", LINES), single.create_order("b", LINES[:1])]
    combined = bulk.create_orders_bulk([("a", LINES), ("b", LINES[:1])])
    assert combined.audit == singles[0].audit + singles[1].audit
    assert sorted(combined.transitions) == sorted(singles[0].transitions + singles[1].transitions)


def test_a_hold_blocks_shipping_with_the_tables_rule(model, lifecycle):
    model.create_order("x", LINES)
    model.hold("order1")
    expected = model.create_shipment("order1", ["item1"])
    assert [r.rule for r in expected.refusals] == ["hold-blocks-shipment"]
    assert (
        expected.refusals[0].status
        == lifecycle.refusal("order", "CustomerCareHold", "createShipment").status
    )
    assert not expected.audit and model.items["item1"].status == "Open"


def test_partial_then_full_cancel(model):
    model.create_order("x", LINES)
    partial = model.cancel("order1", [("item1", 1)])
    assert partial.transitions == ["item.cancel-partial"]
    assert partial.audit == {("OrderItem", "item1"): 1, ("Order", "order1"): 1}
    whole = model.cancel("order1", None)
    assert sorted(whole.transitions) == ["item.cancel", "item.cancel", "order.cancel"]
    again = model.cancel("order1", None)
    assert again.noop and not again.audit and not again.refused  # cancelling twice is harmless


def test_ship_then_cancel_the_rest_fulfils_the_order(model):
    model.create_order("x", LINES)
    model.create_shipment("order1", ["item1"])
    model.create_package("shipment1", "1Z")
    shipped = model.update_package("package1", "1Z", ship=True)
    assert sorted(shipped.transitions) == ["item.ship", "shipment.ship-created"]
    assert model.cancel("order1", None).refusals[0].rule == "item-cancel-shipped"
    rest = model.cancel("order1", [("item2", None)])
    assert "order.fulfil-by-cancel" in rest.transitions


def test_refunds_never_exceed_the_balance(model):
    model.create_order("x", LINES)
    assert not model.refund("order1", [("item1", 15.0, False)]).refused
    over = model.refund("order1", [("item1", 5.0, False), ("item1", 0.01, False)])
    assert [r.rule for r in over.refusals] == ["refund-over-balance"]
    assert model.items["item1"].price_balance == 5.0


def test_note_put_twice_equals_put_once(model):
    model.create_order("x", LINES)
    model.create_note("order1", "a")
    assert model.update_note("note1", "b").audit == {("Note", "note1"): 1}
    assert model.update_note("note1", "b").noop


def test_release_of_a_held_order_whose_items_all_shipped_is_the_listed_release_fulfilled(model):
    """Derived Fulfilled on release is in the table (order.release-fulfilled), not a gap."""
    model.create_order("x", LINES)
    model.create_shipment("order1", ["item1"])
    model.create_package("shipment1", "1Z")
    model.update_package("package1", "1Z", ship=True)
    model.hold("order1")
    model.cancel("order1", [("item2", None)])
    expected = model.release("order1")
    assert model.orders["order1"].status == "Fulfilled"
    assert "order.release-fulfilled" in expected.transitions
    assert model.gaps == set()


def test_predictions_follow_an_edited_table():
    """Drop a refusal from the table: the model allows the call. It keeps no copy of its own."""
    document = yaml.safe_load(LIFECYCLE_PATH.read_text(encoding="utf-8"))
    edited = copy.deepcopy(document)
    edited["forbidden"] = [f for f in edited["forbidden"] if f["rule"] != "hold-blocks-shipment"]
    model = Model(Lifecycle(edited))
    model.create_order("x", LINES)
    model.hold("order1")
    assert not model.create_shipment("order1", ["item1"]).refused


def test_every_refusal_in_the_table_has_a_forbidden_move(lifecycle):
    handled = set(SHIPMENT_ACTIONS) | {
        "cancelOrder",
        "createShipment",
        "updateOrderItem",
        "holdOrder",
        "updateOrder",
        "updatePackage",
        "unassignShipmentItems",
    }
    assert {r.operation for r in lifecycle.refusals} <= handled


def test_forbidden_moves_are_refused_by_the_model(model):
    model.create_order("x", LINES)
    model.create_shipment("order1", ["item1"])
    model.hold("order1")
    moves = forbidden_moves(model)
    assert ("assign", {"shipment": "shipment1"}) in moves
    assert ("hold", {"order": "order1"}) in moves
