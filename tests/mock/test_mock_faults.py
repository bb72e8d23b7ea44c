"""Each seeded fault changes the behaviour it claims; the clean mock does not show it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from mock_helpers import (
    FACILITY,
    VENDOR,
    audit,
    count_events,
    create_order,
    get_item,
    get_order,
    order_body,
)
from mock_scenarios import act, new_order, with_shipment

from ordermesh_mock.auth import MERCHANT_B
from ordermesh_mock.config import MockConfig
from ordermesh_mock.faults import CATALOGUE


def _note(api, text="hello") -> str:
    oid = create_order(api)["id"]
    body = {"resourceType": "Order", "resourceId": oid, "text": text}
    return api.post("/v1/notes", json=body).json()["id"]


def order_missing_status(api):
    oid = create_order(api)["id"]
    return "status" in api.get(f"/v1/orders/{oid}").json()["order"]


def shipment_status_type(api):
    ctx = with_shipment(api, new_order(api))
    return type(api.get(f"/v1/shipments/{ctx['sid']}").json()["shipmentStatus"]).__name__


def create_order_status(api):
    return api.post("/v1/orders", json=order_body()).status_code


def hold_refusal_status(api):
    ctx = new_order(api)
    act(api, ctx, "holdOrder")
    return act(api, ctx, "holdOrder").status_code


def location_resolves(api):
    r = api.post("/v1/orders", json=order_body())
    return api.get(r.headers["location"]).status_code


def invalid_quantity(api):
    return api.post("/v1/orders", json=order_body(quantity=0)).status_code


def long_external_id(api):
    body = order_body()
    body["externalId"] = "x" * 65
    return api.post("/v1/orders", json=body).status_code


def bad_status_filter(api):
    return api.get("/v1/orders/search", params={"status": "Bogus"}).status_code


def note_without_text(api):
    oid = create_order(api)["id"]
    return api.post("/v1/notes", json={"resourceType": "Order", "resourceId": oid}).status_code


def search_without_token(api):
    return api.get("/v1/orders/search", token=None).status_code


def cross_merchant(api):
    oid = create_order(api)["id"]
    return api.login_b().get(f"/v1/orders/{oid}").status_code


def cancel_persisted(api):
    ctx = new_order(api)
    assert act(api, ctx, "cancelOrder", "whole").status_code == 200
    return get_item(api, ctx["items"][0])["status"]


def deleted_note_readable(api):
    nid = _note(api)
    assert api.delete(f"/v1/notes/{nid}").status_code == 204
    return api.get(f"/v1/notes/{nid}").status_code


def put_twice(api):
    nid = _note(api)
    for _ in range(2):
        api.put(f"/v1/notes/{nid}", json={"text": "same"})
    return api.get(f"/v1/notes/{nid}").json()["note"]["text"]


def put_long_text(api):
    nid = _note(api)
    api.put(f"/v1/notes/{nid}", json={"text": "a long replacement text of forty chars!"})
    return api.get(f"/v1/notes/{nid}").json()["note"]["text"]


def update_audited(api):
    ctx = new_order(api)
    api.patch(f"/v1/orders/{ctx['oid']}", json={"externalId": "new"})
    return len(audit(api, f"/v1/orders/{ctx['oid']}/auditLogs"))


def cancel_item_new_value(api):
    ctx = new_order(api)
    act(api, ctx, "cancelOrder", "item")
    event = audit(api, f"/v1/orders/items/{ctx['items'][0]}/auditLogs")[-1]
    return next(c["newValue"] for c in event["changes"] if c["field"] == "status")


def audit_actor(api):
    ctx = new_order(api)
    return audit(api, f"/v1/orders/{ctx['oid']}/auditLogs")[0]["clientId"]


def bulk_audited(api):
    before = count_events(api)
    api.post("/v1/orders/bulk", json={"bulk": [order_body(items=1), order_body(items=1)]})
    return count_events(api) - before


def _refund(api, amount):
    ctx = new_order(api)
    body = {"orderId": ctx["oid"], "refunds": [{"itemId": ctx["items"][1], "amount": amount}]}
    return ctx, api.post("/v1/orders/refund", json=body)


def refund_over(api):
    return _refund(api, 1000)[1].status_code


def refund_target(api):
    ctx, r = _refund(api, 5)
    assert r.status_code == 204
    return [get_item(api, i)["refundData"]["remainingPriceBalance"] for i in ctx["items"]]


def ship_cancelled_item(api):
    ctx = new_order(api)
    act(api, ctx, "cancelOrder", "item")
    return act(api, ctx, "createShipment").status_code


def partial_cancel(api):
    ctx = new_order(api)
    act(api, ctx, "cancelOrder", "item")
    return [i["status"] for i in get_order(api, ctx["oid"])["items"]]


def ship_held(api):
    ctx = new_order(api)
    act(api, ctx, "holdOrder")
    return act(api, ctx, "createShipment").status_code


def pages_overlap(api):
    for _ in range(4):
        create_order(api, items=1)
    one = api.get("/v1/orders", params={"pageSize": 2, "page": 1}).json()["orders"]
    two = api.get("/v1/orders", params={"pageSize": 2, "page": 2}).json()["orders"]
    return len({o["id"] for o in one} & {o["id"] for o in two})


def status_filter(api):
    ctx = new_order(api)
    create_order(api)
    act(api, ctx, "holdOrder")
    return api.get("/v1/orders/search", params={"status": "CustomerCareHold"}).json()["totalCount"]


def unicode_note(api):
    oid = create_order(api)["id"]
    body = {"resourceType": "Order", "resourceId": oid, "text": "größe ✓"}
    return api.post("/v1/notes", json=body).status_code


def sorted_by_external_id(api):
    mine = [create_order(api, externalId=e)["id"] for e in ("SORT-b", "SORT-a", "SORT-c")]
    query = {"sortBy": "externalId", "sortDirection": "asc", "pageSize": 100}
    orders = api.get("/v1/orders", params=query).json()["orders"]
    return [o["externalId"] for o in orders if o["id"] in mine]


def other_merchant_listed(api):
    theirs = create_order(api.login_b(), merchant=MERCHANT_B)["id"]
    create_order(api)
    return any(o["id"] == theirs for o in api.get("/v1/orders").json()["orders"])


def update_answer(api):
    oid = create_order(api, externalId="BEFORE")["id"]
    answer = api.patch(f"/v1/orders/{oid}", json={"externalId": "AFTER"}).json()["order"]
    return answer["externalId"]


def updated_after_created(api):
    oid = create_order(api)["id"]
    api.patch(f"/v1/orders/{oid}", json={"externalId": "CHANGED"})
    order = get_order(api, oid)
    return order["updatedAt"] >= order["createdAt"]


# fault -> (probe, value on the clean mock, value with the fault)
PROBES: dict[str, tuple[Callable[[Any], Any], Any, Any]] = {
    "order-missing-status": (order_missing_status, True, False),
    "shipment-status-as-string": (shipment_status_type, "int", "str"),
    "create-order-200": (create_order_status, 201, 200),
    "hold-conflict-422": (hold_refusal_status, 409, 422),
    "bad-location-header": (location_resolves, 200, 404),
    "accepts-invalid-quantity": (invalid_quantity, 400, 201),
    "ignores-max-length": (long_external_id, 400, 201),
    "ignores-enum": (bad_status_filter, 400, 200),
    "ignores-required": (note_without_text, 400, 201),
    "search-ignores-auth": (search_without_token, 401, 200),
    "cross-merchant-read": (cross_merchant, 404, 200),
    "cancel-not-persisted": (cancel_persisted, "Cancelled", "Open"),
    "delete-does-not-delete": (deleted_note_readable, 404, 200),
    "put-not-idempotent": (put_twice, "same", "hellosamesame"),
    "partial-put": (
        put_long_text,
        "a long replacement text of forty chars!",
        "a long replacement t",
    ),
    "audit-missing-on-update": (update_audited, 2, 1),
    "audit-wrong-values": (cancel_item_new_value, "Cancelled", "Open"),
    "audit-wrong-actor": (audit_actor, "om-client-a", "system"),
    "audit-missing-bulk": (bulk_audited, 4, 3),
    "refund-over-balance": (refund_over, 403, 204),
    "refund-wrong-item": (refund_target, [20, 15], [15, 20]),
    "cancelled-item-shippable": (ship_cancelled_item, 409, 201),
    "partial-cancel-cancels-order": (partial_cancel, ["Cancelled", "Open"], ["Cancelled"] * 2),
    "hold-does-not-block-shipping": (ship_held, 409, 201),
    "pagination-repeats": (pages_overlap, 0, 1),
    "search-filter-ignored": (status_filter, 1, 2),
    "unicode-note-500": (unicode_note, 201, 500),
    "sort-ignored": (
        sorted_by_external_id,
        ["SORT-a", "SORT-b", "SORT-c"],
        ["SORT-b", "SORT-a", "SORT-c"],
    ),
    "list-leaks-other-merchant": (other_merchant_listed, False, True),
    "update-answers-stale": (update_answer, "AFTER", "BEFORE"),
    "local-time-as-utc": (updated_after_created, True, False),
}


def test_every_fault_has_a_probe():
    assert set(PROBES) == {f.name for f in CATALOGUE}
    assert len(CATALOGUE) >= 20
    assert {f.category for f in CATALOGUE} >= {
        "response-schema",
        "status-code",
        "validation",
        "auth",
        "state",
        "audit",
        "business-rule",
    }


@pytest.mark.parametrize("name", sorted(PROBES))
def test_fault_changes_what_it_claims(make_api, name):
    probe, clean_value, faulty_value = PROBES[name]
    assert probe(make_api()) == clean_value
    assert probe(make_api(MockConfig(token="t", faults=(name,)))) == faulty_value


@pytest.mark.parametrize("name", sorted(PROBES))
def test_fault_leaves_other_behaviour_alone(make_api, name):
    """Every other probe reads the same with this fault on as on the clean mock."""
    api = make_api(MockConfig(token="t", faults=(name,)))
    for other, (probe, clean_value, _) in PROBES.items():
        if other == name or (name, other) in OVERLAPS:
            continue
        api.post("/__mock__/reset")
        assert probe(api) == clean_value, other


# probes that observe the same behaviour from two sides
OVERLAPS = {
    ("audit-wrong-actor", "audit-missing-bulk"),
    ("put-not-idempotent", "partial-put"),
    ("partial-put", "put-not-idempotent"),
    ("cancel-not-persisted", "cancelled-item-shippable"),  # the item never became Cancelled
    ("cancel-not-persisted", "partial-cancel-cancels-order"),  # reads the same item statuses
}


def test_faults_endpoint_and_unknown_name(make_api):
    api = make_api(MockConfig(token="t", faults=("partial-put",)))
    assert api.get("/__mock__/faults").json()["faults"][0]["name"] == "partial-put"
    with pytest.raises(ValueError, match="valid names"):
        make_api(MockConfig(token="t", faults=("nope",)))


__all__ = ["FACILITY", "VENDOR"]
