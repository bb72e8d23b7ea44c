"""State names and answer shapes come from the spec, so a corrected spec moves every reader."""

from __future__ import annotations

import copy

import pytest

from spec import Lifecycle, Spec
from spec.vocabulary import Vocabulary, vocabulary


def respelled(spec: Spec, change) -> Vocabulary:
    document = copy.deepcopy(spec.document)
    change(document)
    return Vocabulary(Spec(document))


@pytest.mark.parametrize("value", [4, "4", "Shipped"])
def test_every_reading_of_a_shipment_state_is_one_state(spec, lifecycle: Lifecycle, value):
    assert lifecycle.state_of(vocabulary(spec), "shipment", value) == "Shipped"


def test_wire_values_follow_the_spec_not_a_copy(spec, lifecycle: Lifecycle):
    assert lifecycle.wire(vocabulary(spec), "shipment", "Shipped") == 4

    def as_names(document):
        schema = document["components"]["schemas"]["ShipmentStatus"]
        schema.update(type="string", enum=[n.upper() for n in schema["x-enum-varnames"]])

    names = respelled(spec, as_names)
    assert lifecycle.wire(names, "shipment", "Shipped") == "SHIPPED"
    assert lifecycle.state_of(names, "shipment", "SHIPPED") == "Shipped"
    assert lifecycle.state_of(names, "shipment", "Lost") is None


def test_envelopes_and_records_are_read_by_the_schema_names(spec):
    words = vocabulary(spec)
    assert words.envelope("getOrderById") == "order"
    assert words.envelope("getShipmentById") is None  # the shipment is the answer itself
    assert words.records_key("searchOrders") == "orders"
    body = {"order": {"id": "o1"}, "region": {"id": "eu"}}  # an undocumented object beside it
    assert words.resource("getOrderById", body) == {"id": "o1"}
    page = {"orders": [{"id": "o1"}], "extra": [{"id": "x"}], "page": 1}
    assert words.records("searchOrders", page) == [{"id": "o1"}]


def test_a_renamed_list_envelope_in_the_spec_is_read_under_its_new_name(spec):
    def rename(document):
        schema = document["components"]["schemas"]["ListOrdersResponse"]
        for branch in schema["allOf"]:
            properties = branch.get("properties", {})
            if "orders" in properties:
                properties["data"] = properties.pop("orders")

    words = respelled(spec, rename)
    assert words.records("listOrders", {"data": [{"id": "o1"}]}) == [{"id": "o1"}]
