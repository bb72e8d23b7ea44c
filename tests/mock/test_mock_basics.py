"""Routing, validation, error shapes and response conventions."""

from __future__ import annotations

import re

import jsonschema_rs
from mock_helpers import ADDRESS, create_order, order_body

from ordermesh_mock.handlers.fulfilment import GEOCODED


def test_health_and_unknown_path(api):
    assert api.get("/__mock__/health").json()["status"] == "ok"
    r = api.get("/v1/nothing-here")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")


def test_missing_and_bad_token_are_401(api):
    for token in (None, "not-a-token"):
        r = api.get("/v1/orders", token=token)
        assert r.status_code == 401
        assert r.json()["statusCode"] == 401


def test_validation_names_each_bad_field(api):
    body = order_body()
    body["items"][0]["quantity"] = 0
    body["externalId"] = "x" * 65
    del body["shippingAddress"]
    r = api.post("/v1/orders", json=body)
    assert r.status_code == 400
    names = {e["propertyName"] for e in r.json()["errors"]}
    assert {"items[0].quantity", "externalId", "shippingAddress"} <= names
    assert r.json()["statusCode"] == 400


def test_query_coercion_and_errors(api):
    assert api.get("/v1/orders", params={"page": "2", "pageSize": "5"}).status_code == 200
    r = api.get("/v1/orders", params={"page": "x", "pageSize": "500"})
    assert r.status_code == 400
    assert {e["propertyName"] for e in r.json()["errors"]} == {"page", "pageSize"}
    r = api.get("/v1/orders/bulk", params=[("ids", "nothex"), ("ids", "a" * 24)])
    assert r.status_code == 400
    assert r.json()["errors"][0]["propertyName"] == "ids[0]"


def test_malformed_body_content_type_and_empty_body(api):
    r = api.post("/v1/orders", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400
    r = api.post("/v1/orders", content=b"a=b", headers={"content-type": "text/plain"})
    assert r.status_code == 400
    r = api.post("/v1/orders")
    assert r.status_code == 400


def test_refund_refusals_are_403_with_errors(api):
    r = api.post("/v1/orders/refund", json={"orderId": "x", "refunds": []})
    assert r.status_code == 403
    assert r.json()["errors"][0]["propertyName"] == "refunds"
    r = api.post(
        "/v1/orders/refund", json={"orderId": "a" * 24, "refunds": [{"itemId": "i", "amount": 1}]}
    )
    assert r.status_code == 403 and r.json()["rule"] == "refund-unknown-item"


def test_conventions(api):
    r = api.post("/v1/orders", json=order_body(), headers={"X-Request-Id": "req-123"})
    assert r.status_code == 201
    assert r.headers["x-request-id"] == "req-123"
    oid = r.json()["id"]
    assert r.headers["location"] == f"/v1/orders/{oid}"
    assert re.fullmatch(r"O\d{8}", r.json()["shortId"])
    order = api.get(r.headers["location"]).json()["order"]
    assert order["createdAt"].endswith("Z")
    item = order["items"][0]
    assert re.fullmatch(r"I\d{8}", item["shortId"])
    assert item["refundData"] == {
        "refunds": [],
        "remainingShippingBalance": 5,
        "remainingPriceBalance": 20,
    }
    r = api.post(f"/v1/orders/{oid}/cancel", json={"cancelReason": "r"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    assert r.json() == {"message": "Order cancelled successfully"}


def test_an_answer_comes_in_the_documented_media_type_the_client_accepts(api):
    """Cancel's 200 is documented as text/plain and JSON (the seed page labels it text/plain)."""

    def cancel(oid: str, accept: str):
        body = {"cancelReason": "r"}
        return api.post(f"/v1/orders/{oid}/cancel", json=body, headers={"Accept": accept})

    plain = cancel(create_order(api)["id"], "text/plain")
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("text/plain")
    assert plain.json() == {"message": "Order cancelled successfully"}  # the same JSON text
    undocumented = cancel(create_order(api)["id"], "application/xml")
    assert undocumented.headers["content-type"].startswith("application/json")


def test_safe_id_unique(api):
    create_order(api, safeId="SAFE-1")
    r = api.post("/v1/orders", json=order_body(safeId="SAFE-1"))
    assert r.status_code == 409 and r.json()["rule"] == "safe-id-unique"


def test_bulk_create_results(api):
    bodies = [order_body(), order_body(merchant="7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f")]
    r = api.post("/v1/orders/bulk", json={"bulk": bodies})
    assert r.status_code == 200
    data = r.json()
    assert (data["successCount"], data["failureCount"]) == (1, 1)
    assert data["results"][1]["statusCode"] == 403


def test_search_filters_and_paging(api):
    ids = [create_order(api)["id"] for _ in range(5)]
    api.post(f"/v1/orders/{ids[0]}/customerCareHold")
    r = api.get("/v1/orders/search", params={"status": "CustomerCareHold"}).json()
    assert [o["id"] for o in r["orders"]] == [ids[0]]
    page1 = api.get("/v1/orders", params={"pageSize": 2, "page": 1}).json()
    page2 = api.get("/v1/orders", params={"pageSize": 2, "page": 2}).json()
    assert page1["totalCount"] == 5
    assert [o["id"] for o in page1["orders"]] == ids[::-1][:2]
    assert [o["id"] for o in page2["orders"]] == ids[::-1][2:4]
    asc = api.get("/v1/orders", params={"sortDirection": "asc"}).json()
    assert [o["id"] for o in asc["orders"]] == ids


def test_notes_crud(api):
    oid = create_order(api)["id"]
    r = api.post("/v1/notes", json={"resourceType": "Order", "resourceId": oid, "text": "héllo"})
    assert r.status_code == 201
    nid = r.json()["id"]
    assert r.headers["location"] == f"/v1/notes/{nid}"
    assert api.put(f"/v1/notes/{nid}", json={"text": "bye"}).json()["note"]["text"] == "bye"
    assert api.delete(f"/v1/notes/{nid}").status_code == 204
    assert api.get(f"/v1/notes/{nid}").status_code == 404
    assert len(api.get(f"/v1/notes/{nid}/auditLogs").json()["auditLogs"]) == 3
    r = api.post("/v1/notes", json={"resourceType": "Order", "resourceId": "b" * 24, "text": "x"})
    assert r.status_code == 404


def as_sent(read: dict) -> dict:
    """A read address without the nulls of the optional fields the create left out, and
    without the point the network geocoded."""
    assert all(v is None for k, v in read.items() if k not in ADDRESS and k != GEOCODED)
    return {k: v for k, v in read.items() if k in ADDRESS}


def test_addresses_round_trip(api):
    oid = create_order(api)["id"]
    read = api.get(f"/v1/orders/{oid}").json()["order"]["shippingAddress"]
    assert as_sent(read) == ADDRESS
    assert set(read[GEOCODED]) == {"latitude", "longitude"}


def test_an_undeclared_property_is_ignored_not_stored(api, spec):
    """`location` is declared by the read model's address only: a create that sends it (as an
    undeclared extra, with a value the read model forbids) must not get it stored; a read
    answers the point the network geocoded instead."""
    sent = {**ADDRESS, GEOCODED: {}, "undeclared": [1]}
    oid = create_order(api, returnAddress=sent)["id"]
    answer = api.get(f"/v1/orders/{oid}")
    read = answer.json()["order"]["returnAddress"]
    assert as_sent(read) == ADDRESS and read[GEOCODED] != {} and "undeclared" not in read
    schema = spec.operation("getOrderById").responses["200"]["application/json"]
    assert jsonschema_rs.validator_for(schema).is_valid(answer.json())
