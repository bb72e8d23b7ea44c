"""list_ownership without a server: every record a list or search answers is the caller's."""

from __future__ import annotations

import pytest
from check_helpers import MERCHANT, OTHER_MERCHANT, Judge, answer

from conformance.checks.ownership import SAMPLE, list_ownership
from conformance.failures.hierarchy import OwnershipFailure

COVERS = ("list_ownership",)
MINE, THEIRS = "a" * 24, "b" * 24


@pytest.fixture
def check(ctx):
    return Judge(ctx, list_ownership)


def listing(*ids: str) -> dict:
    orders = [{"id": i, "externalId": i} for i in ids]
    return {"orders": orders, "page": 1, "pageSize": 20, "totalCount": len(orders)}


@pytest.fixture
def listed(make_case, api):
    case = make_case("listOrders", query={})
    api.on("GET", f"/v1/orders/{MINE}", 200, {"order": {"id": MINE, "merchantId": MERCHANT}})
    return case


def test_records_the_caller_reads_as_its_own_pass(check, listed, api):
    assert check(None, answer(listed, 200, listing(MINE)), listed) is None
    assert api.sent() == [f"GET /v1/orders/{MINE}"]


def test_a_listed_record_the_caller_cannot_read_fails(check, listed, api):
    api.on("GET", listed.formatted_path, 200, listing(THEIRS, MINE))
    with pytest.raises(OwnershipFailure, match=f"{THEIRS} answers 404.*leak") as raised:
        check(None, answer(listed, 200, listing(THEIRS, MINE)), listed)
    assert raised.value.category == "auth"


def test_a_record_gone_from_the_list_meanwhile_is_no_finding(check, listed, api):
    api.on("GET", listed.formatted_path, 200, listing(MINE))  # deleted since the first listing
    assert check(None, answer(listed, 200, listing(THEIRS, MINE)), listed) is None


def test_a_listed_record_that_reads_as_another_merchant_s_fails(check, listed, api):
    api.on("GET", f"/v1/orders/{THEIRS}", 200, {"order": {"id": THEIRS, "merchantId": "m-9"}})
    api.on("GET", listed.formatted_path, 200, listing(THEIRS))
    with pytest.raises(OwnershipFailure, match="m-9"):
        check(None, answer(listed, 200, listing(THEIRS)), listed)


def test_a_sample_of_unseen_records_is_read(check, listed, api):
    ids = [f"{n:024x}" for n in range(SAMPLE + 2)]
    for i in ids:
        api.on("GET", f"/v1/orders/{i}", 200, {"order": {"id": i, "merchantId": MERCHANT}})
    check(None, answer(listed, 200, listing(*ids)), listed)
    assert len(api.requests) == SAMPLE
    check(None, answer(listed, 200, listing(*ids)), listed)
    assert len(api.requests) == SAMPLE + 2  # the two not read yet, and no record twice


def test_an_owner_the_records_show_is_compared_without_reads(check, make_case, api):
    case = make_case("getOrdersBulk", query={"ids": [MINE, THEIRS]})
    body = {
        "orders": [
            {"id": MINE, "merchantId": MERCHANT},
            {"id": THEIRS, "merchantId": OTHER_MERCHANT},
        ],
        "notFound": [],
    }
    with pytest.raises(OwnershipFailure, match=THEIRS):
        check(None, answer(case, 200, body), case)
    assert api.requests == []
