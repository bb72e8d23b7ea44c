"""A preloaded mock: each merchant already holds its orders when the first request comes, and
lists only its own (the selftest's clean proxy runs against one)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from ordermesh_mock.app import create_app
from ordermesh_mock.auth import Auth, default_merchants
from ordermesh_mock.config import MockConfig
from ordermesh_mock.preload import preload
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


def test_a_preload_works_where_an_event_loop_already_runs():
    """The CLI calls it before any loop; a test or an embedding program may call it inside one."""
    config = MockConfig()
    merchants = Auth(config).merchants

    async def inside_a_loop() -> int:
        return preload(create_app(config), merchants, 2)

    # asyncio.run in a thread of its own: this worker's thread may hold a loop already.
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(asyncio.run, inside_a_loop()).result() == 2 * len(merchants)
