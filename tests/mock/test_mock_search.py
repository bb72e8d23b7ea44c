"""searchOrders against a plain reference: every filter, both directions, every page, both paths.

The handler finds a page either by picking the few ids a small filter names or by walking the
creation-ordered list (PICK_LIMIT chooses); both must give what filtering the full list gives.
"""

from __future__ import annotations

import itertools

import pytest
from mock_helpers import create_order

from ordermesh_mock.config import MockConfig
from ordermesh_mock.handlers import orders as order_handlers

ORDERS = 23


@pytest.fixture
def catalogue(make_api, clock):
    """23 orders, some sharing a creation millisecond, some held, external ids repeating."""
    api = make_api(MockConfig(token="t", clock=clock))
    rows = []
    for n in range(ORDERS):
        if n % 3:  # every third order shares the previous one's timestamp
            clock.advance(0.5)
        order = create_order(api, externalId=f"EXT-{n % 4}")
        if n % 5 == 0:
            assert api.post(f"/v1/orders/{order['id']}/customerCareHold").status_code < 300
        rows.append(api.get(f"/v1/orders/{order['id']}").json()["order"])
    return api, rows


def reference(rows: list[dict], query: dict) -> tuple[list[str], int]:
    hits = [
        r
        for r in rows
        if ("status" not in query or r["status"] == query["status"])
        and ("externalId" not in query or r["externalId"] == query["externalId"])
        and ("safeId" not in query or r["safeId"] == query["safeId"])
        and ("createdFrom" not in query or r["createdAt"] >= query["createdFrom"])
        and ("createdTo" not in query or r["createdAt"] < query["createdTo"])
    ]
    if query.get("sortDirection", "desc") == "desc":
        hits.reverse()
    size = query.get("pageSize", 20)
    start = (query.get("page", 1) - 1) * size
    return [r["id"] for r in hits[start : start + size]], len(hits)


def queries(rows: list[dict]):
    times = sorted({r["createdAt"] for r in rows})
    filters = [
        {},
        {"status": "Open"},
        {"status": "CustomerCareHold"},
        {"externalId": "EXT-1"},
        {"status": "Open", "externalId": "EXT-2"},
        {"safeId": rows[7]["safeId"]},
        {"safeId": "no-such-safe-id"},
        {"createdFrom": times[3], "createdTo": times[-3]},
        {"status": "CustomerCareHold", "createdFrom": times[2]},
        {"externalId": "EXT-0", "createdTo": times[-1]},
    ]
    for f, direction, (page, size) in itertools.product(
        filters, ("asc", "desc"), ((1, 20), (1, 4), (2, 4), (5, 4), (9, 4))
    ):
        yield {**f, "sortDirection": direction, "page": page, "pageSize": size}


@pytest.mark.parametrize("pick_limit", [0, 10**9], ids=["walk", "pick"])
def test_search_matches_reference(catalogue, monkeypatch, pick_limit):
    api, rows = catalogue
    monkeypatch.setattr(order_handlers, "PICK_LIMIT", pick_limit)
    checked = 0
    for query in queries(rows):
        body = api.get("/v1/orders/search", params=query).json()
        want_ids, want_total = reference(rows, query)
        assert [o["id"] for o in body["orders"]] == want_ids, query
        assert body["totalCount"] == want_total, query
        checked += 1
    assert checked == 100


def test_search_sorted_by_another_field(catalogue):
    api, rows = catalogue
    body = api.get(
        "/v1/orders/search",
        params={"sortBy": "externalId", "sortDirection": "asc", "pageSize": 50},
    ).json()
    got = [o["externalId"] for o in body["orders"]]
    assert got == sorted(r["externalId"] for r in rows)
    assert body["totalCount"] == ORDERS
