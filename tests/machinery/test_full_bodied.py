"""Full-bodied resources: every optional property the spec declares is sent and read back."""

from __future__ import annotations

import random
import re

import jsonschema_rs
import pytest

from conformance.coverage import walk
from strategies.full import filled, matching


def places_filled(schema: dict, value: object) -> set[str]:
    found: set[str] = set()
    walk.Shape([schema]).fill(value, found, set())
    return found


def declared(schema: dict) -> set[str]:
    return {pointer for pointer, _ in walk.places(schema) if pointer}


def test_every_request_body_is_filled_valid_and_whole(spec):
    """Each operation's body, filled from nothing, is valid and has every declared place."""
    bodies = [op for op in spec.operations if op.request_schema]
    assert bodies
    for op in bodies:
        value = filled(op.request_schema, None, random.Random(op.operation_id))
        errors = [
            e.message for e in jsonschema_rs.validator_for(op.request_schema).iter_errors(value)
        ]
        assert not errors, (op.operation_id, errors)
        assert declared(op.request_schema) <= places_filled(op.request_schema, value), (
            op.operation_id
        )


def test_what_the_caller_set_is_kept(spec):
    schema = spec.operation("createOrder").request_schema
    mine = {"externalId": "mine", "items": [{"sku": "MY-SKU", "quantity": 1}]}
    value = filled(schema, mine, random.Random(0))
    assert value["externalId"] == "mine"
    assert value["items"][0]["sku"] == "MY-SKU" and len(value["items"]) == 1
    assert "customerPrice" in value["items"][0]


@pytest.mark.parametrize("pattern", [r"^[0-9]{4}$", r"^S[0-9]{10}$", r"^[A-Za-z0-9_-]{1,64}$"])
def test_a_pattern_gets_a_string_it_matches(pattern):
    assert re.search(pattern, matching(pattern))


def test_a_full_bodied_order_reads_back_every_property_its_create_can_set(harness):
    """The shared order of the read preparers answers every property the create body and the
    read model both declare, the optional ones included."""
    spec = harness.spec
    read = spec.operation("getOrderById")
    create = declared(spec.operation("createOrder").request_schema)
    order = harness.preparation.order
    answer = harness.client.get(read.url({"orderId": order["id"]}))
    assert answer.status_code in read.success_statuses
    schema = next(s for s in read.responses[str(answer.status_code)].values() if s)
    envelope = harness.preparation.factory.words.envelope("getOrderById")
    prefix = f"/{envelope}" if envelope else ""
    readable = {p for p in create if f"{prefix}{p}" in declared(schema)}
    assert len(readable) > len(spec.operation("createOrder").request_schema["required"])
    seen = places_filled(schema, answer.json())
    assert {f"{prefix}{p}" for p in readable} <= seen
