"""paging_and_filters without a server: pages do not overlap, and filters are honoured."""

from __future__ import annotations

import pytest
from check_helpers import answer

from conformance.checks.listing import make_listing_check
from conformance.failures.hierarchy import ListingFailure

COVERS = ("paging_and_filters",)


@pytest.fixture
def check(harness):
    return make_listing_check(harness)


def page(number: int, *ids: str, total: int = 4, status: str = "Open") -> dict:
    orders = [{"id": i, "status": status} for i in ids]
    return {"orders": orders, "page": number, "pageSize": 2, "totalCount": total}


@pytest.fixture
def first_page(make_case):
    case = make_case("searchOrders", query={"status": "Open", "pageSize": 2})
    return case, answer(case, 200, page(1, "o1", "o2"))


def test_distinct_pages_pass_and_the_next_page_keeps_the_filters(check, api, first_page):
    case, response = first_page
    api.on("GET", case.formatted_path, 200, page(2, "o3", "o4"))
    assert check(None, response, case) is None
    assert api.sent() == [f"GET {case.formatted_path}?status=Open&pageSize=2&page=2"]


def test_a_record_on_two_pages_fails(check, api, first_page):
    case, response = first_page
    api.on("GET", case.formatted_path, 200, page(1, "o1", "o2"), when={"page": 1})
    api.on("GET", case.formatted_path, 200, page(2, "o2", "o3"), when={"page": 2})
    with pytest.raises(ListingFailure, match="o2"):
        check(None, response, case)
    # page 1 is read again after page 2: it had not moved, so the overlap is the target's
    assert [request.url.params["page"] for request in api.requests] == ["2", "1"]


def test_an_overlap_made_by_a_concurrent_insert_passes(check, api, first_page):
    """Another writer put o0 first after the case read page 1 (o1, o2): page 2 now starts with
    o2. Page 1 read again shows the shift, and the pair read again does not overlap."""
    case, response = first_page
    api.on("GET", case.formatted_path, 200, page(1, "o0", "o1", total=5), when={"page": 1})
    api.on("GET", case.formatted_path, 200, page(2, "o2", "o3", total=5), when={"page": 2})
    assert check(None, response, case) is None
    assert [request.url.params["page"] for request in api.requests] == ["2", "1", "2"]


def test_a_listing_on_one_page_is_paged_smaller_once_per_operation(check, api, make_case):
    case = make_case("searchOrders", query={"pageSize": 2})
    api.on("GET", case.formatted_path, 200, page(1, "o1"), when={"page": 1})
    api.on("GET", case.formatted_path, 200, page(2, "o2"), when={"page": 2})
    assert check(None, answer(case, 200, page(1, "o1", "o2", total=2)), case) is None
    assert check(None, answer(case, 200, page(1, "o1", "o2", total=2)), case) is None
    assert api.sent() == [
        f"GET {case.formatted_path}?pageSize=1&page=1",
        f"GET {case.formatted_path}?pageSize=1&page=2",
    ]


def test_an_overlap_found_by_paging_smaller_fails(check, api, make_case):
    case = make_case("searchOrders", query={"pageSize": 2})
    api.on("GET", case.formatted_path, 200, page(1, "o1"), when={"page": 1})
    api.on("GET", case.formatted_path, 200, page(2, "o1"), when={"page": 2})
    with pytest.raises(ListingFailure, match="page 1 and page 2 both contain"):
        check(None, answer(case, 200, page(1, "o1", "o2", total=2)), case)


def test_a_single_record_asks_for_no_more(check, api, make_case):
    case = make_case("searchOrders", query={"pageSize": 2})
    assert check(None, answer(case, 200, page(1, "o1", total=1)), case) is None
    assert api.sent() == []


def test_a_record_outside_the_filter_fails(check, api, make_case):
    case = make_case("searchOrders", query={"status": "Cancelled"})
    body = page(1, "o1", total=1, status="Open")
    with pytest.raises(ListingFailure, match="Cancelled"):
        check(None, answer(case, 200, body), case)
