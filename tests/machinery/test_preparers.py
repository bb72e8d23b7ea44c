"""Preparers turn generated cases into positive cases a real target accepts."""

from __future__ import annotations

import pytest
from schemathesis.config import SchemathesisConfig

from spec.implied import sort_parameters
from strategies.formats import schema_with_formats


@pytest.mark.parametrize("quantity", [1267, 1267.0])
def test_a_cancel_quantity_is_cut_to_what_the_item_has(harness, quantity):
    """JSON Schema 2020-12 counts 1267.0 as an integer, so generated cases carry both forms."""
    schema = schema_with_formats(harness.spec.document, SchemathesisConfig())
    cancel, read = (harness.spec.operation(op) for op in ("cancelOrder", "getOrderById"))
    operation = schema[cancel.path][cancel.method]
    case = operation.Case(
        path_parameters={"orderId": "0" * 24},
        body={"orderItems": [{"id": "x", "quantity": quantity}], "cancelReason": "r"},
    )
    harness.preparation.prepare(case)
    entry = case.body["orderItems"][0]
    order_id = case.path_parameters["orderId"]
    order = harness.client.get(read.path.replace("{orderId}", order_id)).json()["order"]
    item = next(i for i in order["items"] if i["id"] == entry["id"])
    assert 1 <= entry["quantity"] <= item["quantity"]
    answer = harness.client.post(cancel.path.replace("{orderId}", order_id), json=case.body)
    assert answer.status_code == 200, answer.text


def test_list_cases_take_every_declared_sort_in_turn(harness):
    """The first cases of a sorted list already name every key and every direction."""
    schema = schema_with_formats(harness.spec.document, SchemathesisConfig())
    listing = harness.spec.operation("listOrders")
    operation = schema[listing.path][listing.method]
    asked = []
    for _ in range(3):
        case = operation.Case(query={"page": 1})
        harness.preparation.prepare(case)
        asked.append((case.query["sortBy"], case.query["sortDirection"]))
        assert case.query["page"] == 1  # the rest of the generated query is kept
    declared = sort_parameters(harness.spec, "listOrders")
    assert declared is not None and len(declared.keys) == 3
    assert {key for key, _ in asked} == set(declared.keys)
    assert {direction for _, direction in asked} == set(declared.directions)


def test_note_listings_take_every_resource_type_and_find_a_note_of_it(harness):
    """Each value of the spec's resource-type filter in turn, on a real resource that holds a
    note, so every kind of note comes back in a listing."""
    schema = schema_with_formats(harness.spec.document, SchemathesisConfig())
    listing = harness.spec.operation("listNotes")
    operation = schema[listing.path][listing.method]
    declared = next(p for p in listing.parameters if p.name == "resourceType").schema["enum"]
    answered = set()
    for _ in declared:
        case = operation.Case(query={"resourceId": "x", "resourceType": declared[0]})
        harness.preparation.prepare(case)
        answer = harness.client.get(listing.path, params=case.query)
        assert answer.status_code in listing.success_statuses, answer.text
        notes = harness.preparation.factory.words.records("listNotes", answer.json())
        assert notes, case.query
        assert {n["resourceId"] for n in notes} == {case.query["resourceId"]}
        answered.update(n["resourceType"] for n in notes)
    assert answered == set(declared)


@pytest.mark.parametrize("operation_id", ["createOrdersBulk", "updateOrdersBulk"])
def test_every_other_bulk_answers_a_refused_entry_beside_the_accepted(harness, operation_id):
    """A 2xx bulk answer documents a refused entry's result and its errors: every other case
    of two entries or more carries one such entry, the others are all accepted."""
    schema = schema_with_formats(harness.spec.document, SchemathesisConfig())
    bulk = harness.spec.operation(operation_id)
    operation = schema[bulk.path][bulk.method]
    entry = harness.preparation.factory.order_payload(items=1)
    if operation_id == "updateOrdersBulk":
        entry = {"id": "x", "customerShippingMethod": "Ground"}
    refused = []
    for _ in range(2):
        case = operation.Case(body={"bulk": [dict(entry), dict(entry)]})
        harness.preparation.prepare(case)
        answer = harness.client.request(bulk.method, bulk.path, json=case.body)
        assert answer.status_code in bulk.success_statuses, answer.text
        results = answer.json()["results"]
        assert results[0]["success"]
        refused += [r for r in results if not r["success"]]
    assert len(refused) == 1 and refused[0]["errors"], refused


def test_some_fresh_orders_carry_a_refund_their_answers_list(harness):
    schema = schema_with_formats(harness.spec.document, SchemathesisConfig())
    update = harness.spec.operation("updateOrderItem")
    operation = schema[update.path][update.method]
    refunds = []
    for _ in range(4):
        case = operation.Case(path_parameters={}, body={"quantity": 1})
        harness.preparation.prepare(case)
        answer = harness.client.request(
            update.method, update.url(case.path_parameters), json=case.body
        )
        assert answer.status_code in update.success_statuses, answer.text
        refunds.append(len(answer.json()["orderItem"]["refundData"]["refunds"]))
    assert sorted(refunds) == [0, 0, 0, 1]


def test_an_unassign_leaves_an_item_in_the_shipment(harness):
    schema = schema_with_formats(harness.spec.document, SchemathesisConfig())
    unassign = harness.spec.operation("unassignShipmentItems")
    operation = schema[unassign.path][unassign.method]
    case = operation.Case(path_parameters={}, body={"orderItemIds": ["x"]})
    harness.preparation.prepare(case)
    answer = harness.client.request(
        unassign.method, unassign.url(case.path_parameters), json=case.body
    )
    assert answer.status_code in unassign.success_statuses, answer.text
    assert len(answer.json()["orderItems"]) == 1
