"""Next-version mode: every listed change happens, on its operations only, and only when on."""

from __future__ import annotations

import pytest
from mock_helpers import create_order, get_order

from conformance.cli import build_parser
from conformance.commands.mock import config_from_args
from ordermesh_mock.config import MockConfig
from ordermesh_mock.next_version import CHANGES, HOLD_AUDIT_ACTION, audit_action, changed


@pytest.fixture
def next_api(make_api):
    return make_api(MockConfig(token="test-token-a", next_version=True))


def _cancelled_order(api) -> dict:
    order = create_order(api, items=1)
    r = api.post(f"/v1/orders/{order['id']}/cancel", json={"cancelReason": "test"})
    assert r.status_code == 200, r.text
    return get_order(api, order["id"])


def _note(api) -> str:
    order = create_order(api, items=1)
    body = {"resourceType": "Order", "resourceId": order["id"], "text": "hello"}
    r = api.post("/v1/notes", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_changes_are_listed_once_with_known_aspects():
    assert len({c.name for c in CHANGES}) == len(CHANGES) >= 3
    assert {c.aspect for c in CHANGES} <= {"status", "shape", "enum", "audit"}
    with pytest.raises(KeyError):
        changed(True, "no-such-change", "getOrderById")


def test_new_field_on_order_reads_only(next_api, api):
    order = create_order(next_api)
    assert get_order(next_api, order["id"])["priority"] == "normal"
    safe = next_api.get(f"/v1/orders/safeId/{get_order(next_api, order['id'])['safeId']}")
    assert safe.json()["order"]["priority"] == "normal"
    bulk = next_api.get("/v1/orders/bulk", params={"ids": order["id"]})
    assert bulk.status_code == 200, bulk.text
    orders = bulk.json()["orders"]
    assert [o["id"] for o in orders] == [order["id"]]
    assert "priority" not in orders[0]
    assert "priority" not in get_order(api, create_order(api)["id"])


def test_cancelled_status_spelling_on_reads_only(next_api, api):
    order = _cancelled_order(next_api)
    assert order["status"] == "Canceled"
    listed = next_api.get("/v1/orders", params={"status": "Cancelled"})
    assert listed.status_code == 200, listed.text
    assert order["id"] in [o["id"] for o in listed.json()["orders"]]
    assert _cancelled_order(api)["status"] == "Cancelled"


def test_delete_note_status(next_api, api):
    assert next_api.delete(f"/v1/notes/{_note(next_api)}").status_code == 200
    assert api.delete(f"/v1/notes/{_note(api)}").status_code == 204


@pytest.mark.parametrize("next_version", [True, False])
def test_hold_audit_action(make_api, next_version):
    api = make_api(MockConfig(token="test-token-a", next_version=next_version))
    order = create_order(api)
    assert api.post(f"/v1/orders/{order['id']}/customerCareHold").status_code == 200
    actions = [
        e["action"] for e in api.get(f"/v1/orders/{order['id']}/auditLogs").json()["auditLogs"]
    ]
    assert actions == ["createOrder", HOLD_AUDIT_ACTION if next_version else "holdOrder"]
    assert audit_action(next_version, "cancelOrder") == "cancelOrder"


def test_health_and_cli_flag(next_api):
    assert next_api.get("/__mock__/health").json()["next_version"] is True
    assert (
        config_from_args(build_parser().parse_args(["mock", "--next-version"])).next_version is True
    )
    assert config_from_args(build_parser().parse_args(["mock"])).next_version is False
