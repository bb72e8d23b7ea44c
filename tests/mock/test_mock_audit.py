"""The audit rule: one event per primary resource, per changed resource, per shipment message."""

from __future__ import annotations

import json
import re

from mock_helpers import audit, count_events, ok_status
from mock_scenarios import act, new_order, with_shipment


def test_create_order_events(api):
    ctx = new_order(api)
    events = audit(api, f"/v1/orders/{ctx['oid']}/auditLogs")
    assert len(events) == 1
    e = events[0]
    assert (e["version"], e["action"], e["resourceType"]) == (0, "createOrder", "Order")
    assert e["clientId"] == "om-client-a" and e["userId"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", e["createdAt"])
    changes = {c["field"]: c for c in e["changes"]}
    assert changes["status"] == {"field": "status", "oldValue": None, "newValue": "Open"}
    assert "updatedAt" not in changes
    assert json.loads(e["resource"])["id"] == ctx["oid"]
    for iid in ctx["items"]:
        assert len(audit(api, f"/v1/orders/items/{iid}/auditLogs")) == 1
    assert count_events(api) == 3


def test_update_with_no_change_still_audits_primary(api):
    ctx = new_order(api)
    ext = api.get(f"/v1/orders/{ctx['oid']}").json()["order"]["externalId"]
    r = api.patch(
        f"/v1/orders/{ctx['oid']}", json={"externalId": ext}, headers={"X-Request-Id": "R1"}
    )
    ok_status(r)
    events = audit(api, f"/v1/orders/{ctx['oid']}/auditLogs")
    assert [e["version"] for e in events] == [0, 1]
    assert events[1]["changes"] == [] and events[1]["requestId"] == "R1"
    assert events[1]["action"] == "updateOrder"


def test_changes_old_to_new_and_secondary_resources(api):
    ctx = new_order(api)
    before = count_events(api)
    ok_status(act(api, ctx, "cancelOrder", "item"))
    item_events = audit(api, f"/v1/orders/items/{ctx['items'][0]}/auditLogs")
    last = item_events[-1]
    status = next(c for c in last["changes"] if c["field"] == "status")
    assert (status["oldValue"], status["newValue"]) == ("Open", "Cancelled")
    # order (primary, cancelReason) + the one cancelled item; the other item did not change
    assert count_events(api) == before + 2
    assert len(audit(api, f"/v1/orders/items/{ctx['items'][1]}/auditLogs")) == 1


def test_shipment_message_log_mirrors_shipment_events(api):
    ctx = with_shipment(api, new_order(api))
    sid = ctx["sid"]
    ok_status(act(api, ctx, "retryShipmentPolling"))
    shipment = audit(api, f"/v1/shipments/{sid}/auditLogs")
    messages = audit(api, f"/v1/shipments/{sid}/messageAuditLogs")
    assert [e["action"] for e in shipment] == [e["action"] for e in messages]
    assert [e["action"] for e in shipment] == [
        "createShipment",
        "createPackages",
        "retryShipmentPolling",
    ]
    assert all(e["resourceType"] == "ShipmentMessage" for e in messages)
    assert json.loads(messages[-1]["resource"])["eventType"] == "OutboundShipmentUpdate"


def test_ship_audits_package_shipment_items_and_order(api):
    ctx = with_shipment(api, new_order(api), None)
    before = count_events(api)
    ok_status(act(api, ctx, "updatePackage", "shippedDate"))
    # package (primary) + shipment + its message + item0; the order stays Processing (item1 Open)
    assert count_events(api) == before + 4
    pkg = audit(api, f"/v1/shipments/{ctx['sid']}/packages/{ctx['pid']}/auditLogs")
    assert pkg[-1]["action"] == "updatePackage"


def test_login_user_is_the_actor(api):
    r = api.post(
        "/user/v1/login",
        token=None,
        json={"username": "qa-a@ordermesh.test", "password": "password-a"},
    )
    user = api.as_token(r.json()["access_token"])
    ctx = new_order(user)
    e = audit(api, f"/v1/orders/{ctx['oid']}/auditLogs")[0]
    assert (e["clientId"], e["userId"]) == (None, "qa-a@ordermesh.test")


def test_audit_log_readable_after_delete(api):
    ctx = with_shipment(api, new_order(api))
    assert api.delete(f"/v1/shipments/{ctx['sid']}").status_code == 204
    assert api.get(f"/v1/shipments/{ctx['sid']}").status_code == 404
    events = audit(api, f"/v1/shipments/{ctx['sid']}/auditLogs")
    assert events[-1]["action"] == "deleteShipment"
    assert all(c["newValue"] is None for c in events[-1]["changes"])
    assert api.login_b().get(f"/v1/shipments/{ctx['sid']}/auditLogs").status_code == 404


def test_bulk_audits_each_successful_item(api):
    from mock_helpers import order_body

    bodies = [
        order_body(),
        order_body(),
        order_body(merchant="7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"),
    ]
    r = api.post("/v1/orders/bulk", json={"bulk": bodies})
    for result in r.json()["results"][:2]:
        assert len(audit(api, f"/v1/orders/{result['id']}/auditLogs")) == 1
    # 2 orders + 4 items, nothing for the refused one
    assert count_events(api) == 6


def test_same_note_put_is_a_noop(api):
    ctx = new_order(api)
    nid = api.post(
        "/v1/notes", json={"resourceType": "Order", "resourceId": ctx["oid"], "text": "a"}
    ).json()["id"]
    ok_status(api.put(f"/v1/notes/{nid}", json={"text": "b"}))
    ok_status(api.put(f"/v1/notes/{nid}", json={"text": "b"}))
    assert [e["action"] for e in audit(api, f"/v1/notes/{nid}/auditLogs")] == [
        "createNote",
        "updateNote",
    ]
