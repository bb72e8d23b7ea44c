"""Pre-populate a SQLite file with N orders through the mock's own app (bulk create, in process).

The orders go through the real createOrdersBulk path (validation, handler, unit of work, audit,
SQLite write-through), just without sockets, so the bench server later starts with `--db FILE`.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from pathlib import Path

import httpx

from ordermesh_mock.app import create_app
from ordermesh_mock.config import MockConfig
from ordermesh_mock.records import FORMAT_VERSION
from strategies.samples import create_order_payload

BULK_MAX = 20  # spec: CreateOrderModelBulkModel.bulk maxItems


async def _seed(db: str, orders: int, token: str, merchant: str, max_seconds: float) -> int:
    app = create_app(MockConfig(db=db, token=token))
    rng = random.Random(2026)
    created = 0
    deadline = time.monotonic() + max_seconds
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        while created < orders:
            if time.monotonic() > deadline:
                raise TimeoutError(f"seeding stopped after {max_seconds}s at {created} orders")
            size = min(BULK_MAX, orders - created)
            bulk = [
                create_order_payload(rng, merchant, f"SEED{created + i:07d}", items=1)
                for i in range(size)
            ]
            resp = await client.post("/v1/orders/bulk", json={"bulk": bulk}, headers=headers)
            body = resp.json()
            if resp.status_code != 200 or body.get("failureCount"):
                raise RuntimeError(f"bulk create failed: {resp.status_code} {resp.text[:300]}")
            created += size
    app.state.mock.store.backend.close()
    return created


def seed_orders(db: str, orders: int, token: str, merchant: str, max_seconds: float = 600) -> int:
    return asyncio.run(_seed(db, orders, token, merchant, max_seconds))


def stored_orders(db: str) -> int:
    """How many orders a seeded file holds (0 when it does not exist yet or is in an older
    storage format, which the mock would refuse)."""
    if not Path(db).exists():
        return 0
    with sqlite3.connect(db) as conn:
        if conn.execute("PRAGMA user_version").fetchone()[0] != FORMAT_VERSION:
            return 0
        return conn.execute("SELECT count(*) FROM records WHERE kind = 'Order'").fetchone()[0]
