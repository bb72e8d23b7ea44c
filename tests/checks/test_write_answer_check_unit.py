"""write_answer without a server: a write answers what was sent, and what a read shows."""

from __future__ import annotations

import pytest
from check_helpers import Judge, answer

from conformance.checks.write_answer import same, write_answer
from conformance.failures.hierarchy import WriteAnswerFailure

COVERS = ("write_answer",)
ORDER, NOTE = "a" * 24, "b" * 24


@pytest.fixture
def check(ctx):
    return Judge(ctx, write_answer)


def order(**fields) -> dict:
    return {"id": ORDER, "externalId": "ext-new", "status": "Open", **fields}


@pytest.fixture
def update(make_case):
    return make_case(
        "updateOrder", path_parameters={"orderId": ORDER}, body={"externalId": "ext-new"}
    )


def test_an_answer_equal_to_the_body_and_the_read_passes(check, api, update):
    api.on("GET", f"/v1/orders/{ORDER}", 200, {"order": order()})
    assert check(None, answer(update, 200, {"order": order()}), update) is None


def test_an_answer_from_before_the_write_fails_naming_sent_answered_and_read(check, api, update):
    api.on("GET", f"/v1/orders/{ORDER}", 200, {"order": order()})
    stale = order(externalId="ext-old")
    with pytest.raises(WriteAnswerFailure) as raised:
        check(None, answer(update, 200, {"order": stale}), update)
    message = raised.value.message
    assert "externalId: sent 'ext-new', answered 'ext-old', read 'ext-new'" in message
    assert raised.value.check == "write_answer"


def test_an_answer_that_a_read_contradicts_fails(check, api, update):
    api.on("GET", f"/v1/orders/{ORDER}", 200, {"order": order(status="Cancelled")})
    with pytest.raises(
        WriteAnswerFailure, match="status: sent '\\(absent\\)', answered 'Open', read 'Cancelled'"
    ):
        check(None, answer(update, 200, {"order": order()}), update)


def test_a_read_that_does_not_answer_leaves_the_answer_judged_against_the_body(check, api, update):
    """The read is read_after_write's to report; here it only cannot confirm or contradict."""
    api.on("GET", f"/v1/orders/{ORDER}", 404, {"statusCode": 404, "message": "Not Found"})
    assert check(None, answer(update, 200, {"order": order()}), update) is None
    stale = order(externalId="ext-old")
    with pytest.raises(WriteAnswerFailure, match="externalId: sent 'ext-new', answered 'ext-old'"):
        check(None, answer(update, 200, {"order": stale}), update)


def test_a_derived_field_is_the_target_s_to_answer(check, api, make_case):
    """`status: Open` releases a hold; the answered status follows from the items."""
    case = make_case("updateOrder", path_parameters={"orderId": ORDER}, body={"status": "Open"})
    shipped = order(status="PartiallyShipped")
    api.on("GET", f"/v1/orders/{ORDER}", 200, {"order": shipped})
    assert check(None, answer(case, 200, {"order": shipped}), case) is None


def test_an_answer_without_the_resource_is_not_judged(check, api, make_case):
    case = make_case("createNote", body={"resourceType": "Order", "resourceId": ORDER, "text": "t"})
    assert check(None, answer(case, 201, {"message": "created"}), case) is None
    assert api.requests == []


def test_values_compare_after_normalisation():
    assert same("2026-01-01T10:00:00Z", "2026-01-01T12:00:00+02:00")
    assert same(2, 2.0)
    assert same({"city": "Oslo"}, {"city": "Oslo", "zip": "0150"})
    assert not same({"city": "Oslo"}, {"city": "Bergen"})
    assert not same([1, 2], [2, 1])
    assert not same(True, 1)


def test_an_undeclared_property_sent_is_the_api_s_to_ignore(check, api, make_case):
    """What was sent is the body's declared part: an address's undeclared key may be dropped,
    while a declared field of it that does not come back still fails."""
    address = {"firstName": "Ada", "city": "Oslo"}
    body = {"returnAddress": {**address, "location": {}}}
    case = make_case("updateOrder", path_parameters={"orderId": ORDER}, body=body)
    stored = order(returnAddress=address)
    api.on("GET", f"/v1/orders/{ORDER}", 200, {"order": stored})
    assert check(None, answer(case, 200, {"order": stored}), case) is None
    moved = order(returnAddress={**address, "city": "Bergen"})
    with pytest.raises(WriteAnswerFailure, match="returnAddress"):
        check(None, answer(case, 200, {"order": moved}), case)
