"""Benchmark the mock on loopback with wrk: GET/POST throughput against a trivial Starlette
handler and Prism serving the same spec, then search latency and RSS with many orders loaded.

Every server runs as its own uvicorn (or Prism) subprocess on 127.0.0.1; every wrk run is bounded
by `--duration` and a subprocess timeout; seeding is bounded by `--seed-timeout`.
Prints one markdown results table (metric, measured, goal, pass/fail) on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _seed import seed_orders, stored_orders
from _servers import Server, http, mock_cmd, prism_cmd, serve, trivial_cmd
from _wrk import CREATE_ORDER, PAGED, WrkResult, run_wrk, wrk_path

from ordermesh_mock.auth import MERCHANT_A
from ordermesh_mock.server import free_port
from strategies.samples import create_order_payload


@dataclass(frozen=True)
class Row:
    metric: str
    value: float | None  # None: not measured (skipped)
    unit: str
    goal: str
    passed: bool | None  # None: reference number, no goal

    def cells(self) -> list[str]:
        if self.value is None:
            return [self.metric, "skipped", self.goal, "—"]
        verdict = "—" if self.passed is None else ("pass" if self.passed else "FAIL")
        number = f"{self.value:,.0f}" if abs(self.value) >= 100 else f"{self.value:,.2f}"
        return [self.metric, f"{number} {self.unit}".strip(), self.goal, verdict]


def markdown_table(rows: list[Row]) -> str:
    lines = ["| metric | measured | goal | result |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=8, help="seconds per wrk run (default 8)")
    p.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--orders", type=int, default=100_000, help="orders loaded for search/RSS")
    p.add_argument(
        "--search-connections",
        type=int,
        default=4,
        help="wrk connections for the search run (default 4)",
    )
    p.add_argument("--skip-prism", action="store_true", help="do not start Prism")
    p.add_argument(
        "--db-cache",
        metavar="FILE",
        help="keep the seeded SQLite file here and reuse it when it holds --orders orders",
    )
    p.add_argument("--seed-timeout", type=float, default=900, help="max seconds to load orders")
    p.add_argument(
        "--start-timeout",
        type=float,
        default=180,
        help="max seconds for a server to come up (the mock loads --db at start)",
    )
    args = p.parse_args(argv)
    for name in ("duration", "connections", "threads", "orders", "search_connections"):
        if getattr(args, name) <= 0:
            p.error(f"--{name.replace('_', '-')} must be positive, got {getattr(args, name)}")
    return args


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def create_one_order(server: Server, token: str) -> str:
    body = create_order_payload(random.Random(0), MERCHANT_A, f"BENCHGET{secrets.token_hex(4)}")
    status, raw = http(
        f"{server.base_url}/v1/orders", method="POST", body=json.dumps(body).encode(), token=token
    )
    if status != 201:
        raise RuntimeError(f"createOrder answered {status}: {raw[:300]!r}")
    return json.loads(raw)["id"]


def checked(name: str, result: WrkResult) -> WrkResult:
    """Refuse a run whose answers were mostly errors: its req/s would measure the wrong thing."""
    log(
        f"{name}: {result.rps:,.0f} req/s, p95 {result.p95_ms:.1f} ms, "
        f"p99 {result.p99_ms:.1f} ms, {result.requests} requests, {result.errors} errors"
    )
    if result.requests == 0 or result.errors > result.requests * 0.01:
        raise RuntimeError(f"{name}: {result.errors} of {result.requests} requests failed")
    return result


def run(args: argparse.Namespace) -> list[Row]:
    token = secrets.token_hex(16)
    env = {
        **os.environ,
        "BENCH_AUTH": f"Bearer {token}",
        "BENCH_MERCHANT": MERCHANT_A,
        "BENCH_NONCE": secrets.token_hex(3),
        "BENCH_PAGES": "50",
    }
    load: Callable[..., WrkResult] = lambda url, **kw: run_wrk(  # noqa: E731
        url,
        duration=args.duration,
        threads=args.threads,
        env=env,
        **{"connections": args.connections, **kw},
    )
    rows: list[Row] = []

    port = free_port()
    with serve("mock", mock_cmd(port, token), "/__mock__/health", port, args.start_timeout) as mock:
        order_id = create_one_order(mock, token)
        get_url = f"{mock.base_url}/v1/orders/{order_id}"
        status, _ = http(get_url, token=token)
        if status != 200:
            raise RuntimeError(f"getOrderById answered {status} for a fresh order")
        mock_get = checked("mock GET order", load(get_url))
        mock_post = checked(
            "mock POST order", load(f"{mock.base_url}/v1/orders", script=CREATE_ORDER)
        )

    port = free_port()
    with serve("trivial", trivial_cmd(port), "/", port, args.start_timeout) as trivial:
        baseline = checked("trivial Starlette GET", load(f"{trivial.base_url}/v1/orders/x"))

    ratio = mock_get.rps / baseline.rps
    rows += [
        Row("trivial Starlette handler GET (reference)", baseline.rps, "req/s", "—", None),
        Row(f"mock GET order by id, {args.connections} conns", mock_get.rps, "req/s", "—", None),
        Row("mock GET / trivial handler", ratio * 100, "%", "≥ 25 %", ratio >= 0.25),
        Row("mock GET order p99", mock_get.p99_ms, "ms", "≤ 20 ms", mock_get.p99_ms <= 20),
        Row(
            "mock POST create order", mock_post.rps, "req/s", "≥ 1,500 req/s", mock_post.rps >= 1500
        ),
    ]

    if args.skip_prism:
        rows += [
            Row("Prism GET order by id (reference)", None, "req/s", "—", None),
            Row("mock GET / Prism GET", None, "x", "≥ 2.5x", None),
        ]
    else:
        port = free_port()
        prism_url = f"http://127.0.0.1:{port}/v1/orders/{order_id}"
        with serve("prism", prism_cmd(port), f"/v1/orders/{order_id}", port, args.start_timeout):
            status, _ = http(prism_url, token=token)
            if status != 200:
                raise RuntimeError(f"Prism answered {status} to GET order by id")
            prism = checked("Prism GET order", load(prism_url))
        rows += [
            Row("Prism GET order by id (reference)", prism.rps, "req/s", "—", None),
            Row(
                "mock GET / Prism GET",
                mock_get.rps / prism.rps,
                "x",
                "≥ 2.5x",
                mock_get.rps / prism.rps >= 2.5,
            ),
        ]

    rows += search_rows(args, token, load)
    return rows


def search_rows(args: argparse.Namespace, token: str, load: Callable[..., WrkResult]) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-mock-") as tmp:
        db = args.db_cache or str(Path(tmp) / "orders.db")
        if stored_orders(db) == args.orders:
            log(f"reusing {db}: it holds {args.orders} orders")
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):  # another size, or torn: start over
                Path(db + suffix).unlink(missing_ok=True)
            started = time.monotonic()
            seeded = seed_orders(db, args.orders, token, MERCHANT_A, args.seed_timeout)
            log(f"seeded {seeded} orders into {db} in {time.monotonic() - started:.1f}s")
        port = free_port()
        started = time.monotonic()
        cmd = mock_cmd(port, token, db)
        with serve("mock-db", cmd, "/__mock__/health", port, args.start_timeout) as mock:
            log(f"mock loaded {db} in {time.monotonic() - started:.1f}s")
            search = f"{mock.base_url}/v1/orders/search?status=Open"
            status, raw = http(search, token=token)
            total = json.loads(raw).get("totalCount") if status == 200 else None
            if total != args.orders:
                raise RuntimeError(
                    f"search answered {status}, totalCount {total}, expected {args.orders}"
                )
            result = checked(
                "mock search", load(search, script=PAGED, connections=args.search_connections)
            )
            rss = mock.rss_mb()
    n, conns = f"{args.orders:,}", args.search_connections
    return [
        Row(
            f"search status=Open p95, {n} orders, {conns} conns",
            result.p95_ms,
            "ms",
            "≤ 50 ms",
            result.p95_ms <= 50,
        ),
        Row(f"mock RSS with {n} orders", rss, "MB", "≤ 500 MB", rss <= 500),
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if wrk_path() is None:
        print("error: wrk not found on PATH; install the Debian package `wrk`", file=sys.stderr)
        return 2
    started = time.monotonic()
    try:
        rows = run(args)
    except (RuntimeError, TimeoutError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    log(f"done in {time.monotonic() - started:.0f}s")
    print(markdown_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
