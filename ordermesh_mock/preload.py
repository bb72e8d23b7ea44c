"""Preload: a mock that already holds every merchant's orders before the first request.

A target a run meets is seldom empty, and its other merchants' records sit beside the caller's:
`mock --preload N` creates N orders for each pre-provisioned merchant through the mock's own
API (so they are audited and indexed as any order), before it starts listening.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio
import httpx
from starlette.applications import Starlette

from ordermesh_mock.auth import Merchant

ADDRESS = {
    "firstName": "Pre",
    "lastName": "Loaded",
    "line1": "1 Main St",
    "city": "Springfield",
    "zip": "12345",
    "countryCode": "US",
}


def order_body(merchant: Merchant, serial: int) -> dict[str, Any]:
    price = {"currency": "USD", "amount": 10 + serial % 7}
    return {
        "merchantId": merchant.id,
        "externalId": f"PRELOAD-{merchant.client_id}-{serial:05d}",
        "shippingAddress": ADDRESS,
        "items": [
            {
                "sku": f"PRE-{serial % 5}",
                "quantity": 1 + serial % 3,
                "customerPrice": price,
                "customerShippingPrice": {"currency": "USD", "amount": 5},
            }
        ],
    }


def preload(app: Starlette, merchants: tuple[Merchant, ...], orders: int) -> int:
    """Create `orders` orders for each of `merchants`; returns how many were created."""
    # In a thread of its own: the caller may already be running an event loop (a test's).
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, _preload, app, merchants, orders).result()


async def _preload(app: Starlette, merchants: tuple[Merchant, ...], orders: int) -> int:
    created = 0
    spec = app.state.mock.spec  # the paths the mock itself serves
    token_path = spec.operation("getClientToken").path
    create_path = spec.operation("createOrder").path
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://preload.local") as client:
        for merchant in merchants:
            token = await client.post(
                token_path,
                json={"client_id": merchant.client_id, "client_secret": merchant.client_secret},
            )
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            for serial in range(orders):
                body = order_body(merchant, serial)
                answer = await client.post(create_path, json=body, headers=headers)
                if answer.status_code >= 300:
                    raise ValueError(f"preload: an order was refused: {answer.text[:200]}")
                created += 1
    return created
