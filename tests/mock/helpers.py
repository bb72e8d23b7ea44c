"""Request bodies and multi-step setups shared by the mock tests."""

from __future__ import annotations

import itertools
from typing import Any

from ordermesh_mock.auth import MERCHANT_A
from tests.mock.conftest import FACILITY, VENDOR, Api

_seq = itertools.count(1)

ADDRESS = {
    "firstName": "Ada",
    "lastName": "Lovelace",
    "line1": "1 Main St",
    "city": "Springfield",
    "zip": "12345",
    "countryCode": "US",
}


def order_body(items: int = 2, quantity: int = 2, merchant: str = MERCHANT_A, **extra) -> dict:
    return {
        "merchantId": merchant,
        "externalId": f"EXT-{next(_seq)}",
        "shippingAddress": ADDRESS,
        "items": [
            {
                "sku": f"SKU-{n}",
                "quantity": quantity,
                "customerPrice": {"currency": "USD", "amount": 10},
                "customerShippingPrice": {"currency": "USD", "amount": 5},
            }
            for n in range(items)
        ],
        **extra,
    }


def create_order(api: Api, **kw) -> dict:
    r = api.post("/v1/orders", json=order_body(**kw))
    assert r.status_code == 201, r.text
    return r.json()


def get_order(api: Api, oid: str) -> dict:
    r = api.get(f"/v1/orders/{oid}")
    assert r.status_code == 200, r.text
    return r.json()["order"]


def get_item(api: Api, iid: str) -> dict:
    r = api.get(f"/v1/orders/items/{iid}")
    assert r.status_code == 200, r.text
    return r.json()["orderItem"]


def get_shipment(api: Api, sid: str) -> dict:
    r = api.get(f"/v1/shipments/{sid}")
    assert r.status_code == 200, r.text
    return r.json()


def create_shipment(api: Api, oid: str, item_ids: list[str]) -> dict:
    r = api.post(
        "/v1/shipments", json={"orderId": oid, "vendorId": VENDOR, "orderItemIds": item_ids}
    )
    assert r.status_code == 201, r.text
    return r.json()


def add_package(api: Api, sid: str) -> str:
    r = api.post(f"/v1/shipments/{sid}/packages", json=[{"carrierName": "UPS"}])
    assert r.status_code == 201, r.text
    return r.json()["packages"][0]["id"]


def ship(api: Api, sid: str, pid: str | None = None) -> Any:
    pid = pid or add_package(api, sid)
    return api.patch(
        f"/v1/shipments/{sid}/packages/{pid}", json={"shippedDate": "2024-01-22T10:00:00"}
    )


def assign(api: Api, sid: str) -> Any:
    return api.post(f"/v1/shipments/{sid}/assign", json={"facilityId": FACILITY})


def audit(api: Api, path: str) -> list[dict]:
    r = api.get(path)
    assert r.status_code == 200, r.text
    return r.json()["auditLogs"]


def count_events(api: Api) -> int:
    store = api.app.state.mock.store
    return sum(len(v) for v in store.audit.values())


def ok_status(r) -> None:
    assert r.status_code < 300, r.text
