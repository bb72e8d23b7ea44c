"""sort_order without a server: a page, and the page after it, in the order asked for."""

from __future__ import annotations

import pytest
from check_helpers import Judge, answer

from conformance.checks.sorting import out_of_order, sort_order
from conformance.failures.hierarchy import SortFailure
from spec.implied import ASCENDING, DESCENDING

COVERS = ("sort_order",)


@pytest.fixture
def check(ctx):
    return Judge(ctx, sort_order)


def page(*external_ids: str, number: int = 1, total: int | None = None, **fields: str) -> dict:
    orders = [{"id": f"o-{e}", "externalId": e, **fields} for e in external_ids]
    size = max(len(orders), 1)
    return {
        "orders": orders,
        "page": number,
        "pageSize": size,
        "totalCount": len(orders) if total is None else total,
    }


@pytest.fixture
def asked(make_case):
    def build(**query: str):
        return make_case("listOrders", query=query)

    return build


def test_records_in_the_asked_order_pass(check, asked):
    case = asked(sortBy="externalId", sortDirection="asc")
    assert check(None, answer(case, 200, page("a", "b", "b", "c")), case) is None


def test_records_against_the_asked_direction_fail(check, asked):
    case = asked(sortBy="externalId", sortDirection="asc")
    with pytest.raises(SortFailure, match=r"o-c .*o-a .*ascending.*sortBy=externalId") as raised:
        check(None, answer(case, 200, page("c", "a")), case)
    assert raised.value.check == "sort_order"
    assert raised.value.category == "side effect"


def test_the_spec_defaults_apply_when_nothing_is_asked(check, asked, spec):
    """No sort asked: the spec's default key and direction (creation time, newest first)."""
    case = asked()
    older = {"id": "o-1", "createdAt": "2026-01-01T10:00:00Z"}
    newer = {"id": "o-2", "createdAt": "2026-01-01T11:00:00Z"}
    body = {"orders": [older, newer], "page": 1, "pageSize": 2, "totalCount": 2}
    with pytest.raises(SortFailure, match="descending"):
        check(None, answer(case, 200, body), case)
    body["orders"] = [newer, older]
    check.ctx.run.first_time = lambda *key: False  # no second sweep of the declared sorts
    assert check(None, answer(case, 200, body), case) is None


def test_the_next_page_goes_on_where_this_one_stopped(check, api, asked):
    case = asked(sortBy="externalId", sortDirection="asc")
    first = page("a", "c", total=4)
    api.on("GET", case.formatted_path, 200, page("b", "e", number=2, total=4), when={"page": 2})
    api.on("GET", case.formatted_path, 200, first, when={"page": 1})  # read again: unchanged
    with pytest.raises(SortFailure, match=r"o-c .*across pages 1 and 2"):
        check(None, answer(case, 200, first), case)


def test_a_listing_that_moved_between_the_two_reads_is_read_again(check, api, asked):
    """Another writer's insert shifted page 1's last record onto page 2: page 1, read again,
    has changed, and with it the two pages are in order."""
    case = asked(sortBy="externalId", sortDirection="asc")
    check.ctx.run.first_time = lambda *key: "next page" in key
    api.on("GET", case.formatted_path, 200, page("c", "e", number=2, total=5), when={"page": 2})
    api.on("GET", case.formatted_path, 200, page("a", "b", total=5), when={"page": 1})
    assert check(None, answer(case, 200, page("a", "d", total=4)), case) is None
    assert [r.url.params["page"] for r in api.requests] == ["2", "1", "2"]


def test_every_declared_sort_is_asked_once_per_operation(check, api, asked, spec):
    """The check's own pass over every declared key and direction, once per run."""
    case = asked(sortBy="externalId", sortDirection="asc")
    api.on(
        "GET",
        case.formatted_path,
        200,
        page("a", "z"),
        when={"sortBy": "externalId", "sortDirection": "desc"},
    )
    with pytest.raises(SortFailure, match="descending"):
        check(None, answer(case, 200, page("a")), case)
    asked_for = [r.url.params.get("sortBy") for r in api.requests]
    assert {"createdAt", "updatedAt", "externalId"} <= set(asked_for)
    sent = len(api.requests)
    check(None, answer(case, 200, page("a")), case)
    assert len(api.requests) == sent  # once per operation per run


def test_an_undeclared_sort_is_not_judged(check, api, asked):
    case = asked(sortBy="price", sortDirection="asc")
    check.ctx.run.first_time = lambda *key: False
    assert check(None, answer(case, 200, page("c", "a")), case) is None
    assert api.requests == []


def test_order_is_judged_on_instants_and_numbers():
    utc = {"id": "a", "t": "2026-01-01T10:00:00Z"}
    offset = {"id": "b", "t": "2026-01-01T11:30:00+02:00"}  # 09:30Z: earlier
    assert out_of_order([offset, utc], "t", ASCENDING) is None
    assert out_of_order([utc, offset], "t", ASCENDING) is not None
    assert out_of_order([{"n": 10}, {"n": 9}, {}, {"n": 2}], "n", DESCENDING) is None
    assert out_of_order([{"n": 2}, {"n": 10}], "n", DESCENDING) is not None
