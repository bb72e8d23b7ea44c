"""A preloaded mock: each merchant already holds its orders when the first request comes, and
lists only its own (the selftest's clean proxy runs against one)."""

from __future__ import annotations

import httpx
import pytest

from ordermesh_mock.auth import default_merchants
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread

ORDERS = 7


@pytest.fixture(scope="module")
def preloaded():
    config = MockConfig()
    url, stop = run_in_thread(config, preload_orders=ORDERS)
    try:
        yield url, default_merchants(config)
    finally:
        stop()


def _client(url: str, merchant) -> httpx.Client:
    token = httpx.post(
        f"{url}/user/v1/clients/token",
        json={"client_id": merchant.client_id, "client_secret": merchant.client_secret},
    ).json()["access_token"]
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize("index", [0, 1])
def test_each_merchant_holds_its_own_preloaded_orders(preloaded, index):
    url, merchants = preloaded
    merchant = merchants[index]
    with _client(url, merchant) as client:
        listed = client.get("/v1/orders", params={"pageSize": 100}).json()
        assert listed["totalCount"] == ORDERS
        for record in listed["orders"]:
            order = client.get(f"/v1/orders/{record['id']}")
            assert order.status_code == 200
            assert order.json()["order"]["merchantId"] == merchant.id


def test_an_empty_mock_by_default():
    config = MockConfig()
    url, stop = run_in_thread(config)
    try:
        with _client(url, default_merchants(config)[0]) as client:
            assert client.get("/v1/orders").json()["totalCount"] == 0
    finally:
        stop()
