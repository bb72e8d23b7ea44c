"""Cleanup cancels every order the run left open, and only those."""

from __future__ import annotations

import pytest

from conformance.config.settings import MOCK_MERCHANT_A, RunSettings, new_run_id
from conformance.machinery.harness import Harness
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread


@pytest.fixture
def harness():
    url, stop = run_in_thread(MockConfig())
    harness = Harness.build(
        RunSettings(base_url=url, credentials=MOCK_MERCHANT_A, run_id=new_run_id())
    )
    yield harness
    stop()


def status(harness: Harness, order_id: str) -> str:
    return harness.factory.read_order(order_id)["status"]


def test_cleanup_cancels_every_open_order_the_run_created(harness):
    factory = harness.factory
    orders = [factory.order(items=1)["id"] for _ in range(9)]
    already = orders[:2]
    for order_id in already:
        response = harness.client.post(
            f"/v1/orders/{order_id}/cancel", json={"cancelReason": "test"}
        )
        assert response.status_code == 200
    # Someone else's order on the same account: not in the ledger, so left alone.
    other = harness.client.post("/v1/orders", json=factory.order_payload(1)).json()["id"]

    # Cancelling a cancelled order is a no-op the API accepts: every cancel is answered 200.
    assert factory.cleanup(parallel=3) == len(orders)
    assert {status(harness, order_id) for order_id in orders} == {"Cancelled"}
    assert status(harness, other) == "Open"
