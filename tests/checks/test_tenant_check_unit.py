"""tenant_isolation without a server: merchant B's read of A's resource must be refused."""

from __future__ import annotations

import pytest
from check_helpers import answer

from conformance.checks.tenant import make_tenant_check
from conformance.failures.hierarchy import TenantFailure

COVERS = ("tenant_isolation",)
ORDER_ID = "a" * 24
NOTE_PATH = "/v1/notes/" + "b" * 24


@pytest.fixture
def check(harness):
    return make_tenant_check(harness)


@pytest.fixture
def order_read(make_case):
    case = make_case("getOrderById", path_parameters={"orderId": ORDER_ID})
    return case, answer(case, 200, {"order": {"id": ORDER_ID}})


@pytest.mark.parametrize("status", [403, 404])
def test_a_read_merchant_b_is_refused_passes(check, tenant_api, order_read, status):
    tenant_api.on("GET", f"/v1/orders/{ORDER_ID}", status, {"message": "no"})
    assert check(None, order_read[1], order_read[0]) is None
    assert tenant_api.sent() == [f"GET /v1/orders/{ORDER_ID}"]


def test_a_read_merchant_b_is_answered_fails(check, tenant_api, order_read):
    tenant_api.on("GET", f"/v1/orders/{ORDER_ID}", 200, {"order": {"id": ORDER_ID}})
    with pytest.raises(TenantFailure, match="answered 200"):
        check(None, order_read[1], order_read[0])


@pytest.fixture
def note_created(make_case):
    body = {"resourceType": "Order", "resourceId": ORDER_ID, "text": "t"}
    case = make_case("createNote", body=body)
    return case, answer(case, 201, {"id": "b" * 24}, Location=NOTE_PATH)


def test_a_created_resource_is_read_at_its_location(check, tenant_api, note_created):
    tenant_api.on("GET", NOTE_PATH, 404, {"message": "no"})
    assert check(None, note_created[1], note_created[0]) is None
    assert tenant_api.sent() == [f"GET {NOTE_PATH}"]


def test_a_created_resource_merchant_b_can_read_fails(check, tenant_api, note_created):
    tenant_api.on("GET", NOTE_PATH, 200, {"note": {"text": "t"}})
    with pytest.raises(TenantFailure):
        check(None, note_created[1], note_created[0])


def test_a_refused_call_is_not_probed(check, tenant_api, make_case):
    case = make_case("getOrderById", path_parameters={"orderId": ORDER_ID})
    assert check(None, answer(case, 404, {"message": "no"}), case) is None
    assert tenant_api.sent() == []


def test_a_resource_is_read_by_merchant_b_once_per_operation_and_path(
    check, tenant_api, order_read, note_created, make_case
):
    tenant_api.on("GET", f"/v1/orders/{ORDER_ID}", 404, {"message": "no"})
    tenant_api.on("GET", NOTE_PATH, 404, {"message": "no"})
    other_id = "c" * 24
    tenant_api.on("GET", f"/v1/orders/{other_id}", 404, {"message": "no"})
    other = make_case("getOrderById", path_parameters={"orderId": other_id})
    for case, response in (order_read, order_read, note_created, note_created):
        assert check(None, response, case) is None
    assert check(None, answer(other, 200, {"order": {"id": other_id}}), other) is None
    assert tenant_api.sent() == [
        f"GET /v1/orders/{ORDER_ID}",  # the second read of the same order is not repeated
        f"GET {NOTE_PATH}",
        f"GET {NOTE_PATH}",  # what a case creates is read every time
        f"GET /v1/orders/{other_id}",
    ]
