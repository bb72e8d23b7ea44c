"""Request bodies and multi-step setups shared by the mock tests."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from anyio.from_thread import BlockingPortal

from ordermesh_mock.auth import MERCHANT_A

TOKEN_A = "test-token-a"
VENDOR = "8d0f3c6a-2b1e-4f5a-9c8d-7e6f5a4b3c2d"
FACILITY = "5c4b3a29-1807-4f6e-8d5c-4b3a29180706"


class Clock:
    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Api:
    """A synchronous facade over an httpx.AsyncClient bound to the ASGI app."""

    def __init__(self, portal: BlockingPortal, app, token: str | None) -> None:
        self.portal = portal
        self.app = app
        self.token = token
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://mock"
        )

    def request(self, method: str, url: str, *, token: str | None = "", **kw) -> httpx.Response:
        headers = dict(kw.pop("headers", {}) or {})
        bearer = self.token if token == "" else token
        if bearer:
            headers.setdefault("Authorization", f"Bearer {bearer}")
        return self.portal.call(lambda: self.client.request(method, url, headers=headers, **kw))

    def get(self, url: str, **kw) -> httpx.Response:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw) -> httpx.Response:
        return self.request("POST", url, **kw)

    def patch(self, url: str, **kw) -> httpx.Response:
        return self.request("PATCH", url, **kw)

    def put(self, url: str, **kw) -> httpx.Response:
        return self.request("PUT", url, **kw)

    def delete(self, url: str, **kw) -> httpx.Response:
        return self.request("DELETE", url, **kw)

    def as_token(self, token: str | None) -> Api:
        other = Api.__new__(Api)
        other.portal, other.app, other.client, other.token = (
            self.portal,
            self.app,
            self.client,
            token,
        )
        return other

    def login_b(self) -> Api:
        r = self.post(
            "/user/v1/clients/token",
            token=None,
            json={"client_id": "om-client-b", "client_secret": "om-secret-b"},
        )
        assert r.status_code == 200, r.text
        return self.as_token(r.json()["access_token"])


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
    assert r.status_code in (200, 201), r.text  # 200: the create-order-200 fault
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
