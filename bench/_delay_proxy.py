"""A delay proxy on loopback that makes every request cost a network round trip, and counts them.

On staging a round trip costs 30 to 150 ms, so a run's wall time is its number of sequential
round trips; on loopback the mock answers in about 1 ms and hides that. This proxy sits between
a run and a fresh mock, waits `--latency-ms` before forwarding each request (concurrent requests
wait concurrently, as on a network), and tallies every request by sender, method, path template
of spec/ordermesh.yaml and status class, and the connections opened by the sender of their first
request. A new connection costs more round trips on a network (TCP one, TLS 1.3 one more), so
the first request on each connection waits `--handshake-rtts` latencies more (default 0, none).
The sender is the `X-Bench-Origin` header that
bench/_origin.py adds on our side (stripped before forwarding); untagged requests count as
"untagged". `GET /__bench__/counts` returns the tally as JSON and is not forwarded.

Staging-like misbehaviour, as a load balancer and gateway show it: `--idle-close SECONDS` closes
a kept-alive connection idle that long (uvicorn's keep-alive timeout), so a client that reuses
it just then gets no answer; `--unavailable-every N` answers every N-th GET itself with a bare
503 and `Retry-After: 1`, as a gateway whose upstream is briefly away.

    python bench/_delay_proxy.py --upstream http://127.0.0.1:8000 --port 8001 --latency-ms 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from conformance.transport.operations import OperationRouter
from spec import load_spec

ROOT = Path(__file__).resolve().parent.parent
ORIGIN_HEADER = b"x-bench-origin"
COUNTS_PATH = "/__bench__/counts"
HOP_BY_HOP = {b"host", b"connection", b"keep-alive", b"transfer-encoding", b"content-length"}
UNTAGGED = "untagged"


def template_of(method: str, path: str, router: OperationRouter) -> str:
    """The spec's path template of a request, by the toolkit's own router."""
    operation, _ = router.match(method, path)
    return operation.path if operation else "(not in the spec)"


class DelayProxyApp:
    """ASGI app: delay, forward to `upstream`, answer with its exact status, headers and bytes."""

    def __init__(
        self,
        upstream: str,
        latency_s: float,
        spec_path: Path,
        handshake_rtts: float = 0.0,
        unavailable_every: int = 0,
    ) -> None:
        self.upstream = httpx.URL(upstream)
        self.unavailable_every = unavailable_every
        self.gets = 0
        self.unavailable = 0  # GETs answered 503 by the proxy itself
        self.latency_s = latency_s
        self.handshake_s = handshake_rtts * latency_s
        self.router = OperationRouter(load_spec(spec_path))
        self.counts: Counter[tuple[str, str, str, str]] = Counter()
        self.clients: set[tuple] = set()  # client (host, port): one per connection
        self.opened: Counter[str] = (
            Counter()
        )  # new connections by the sender of their first request
        self.client: httpx.AsyncClient | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http" and scope["path"] == COUNTS_PATH:
            await _answer(send, 200, [(b"content-type", b"application/json")], self.tally())
        elif scope["type"] == "http":
            await self._forward(scope, receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
                self.client = httpx.AsyncClient(timeout=60.0, limits=limits)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.client is not None:
                    await self.client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _forward(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        body = await _body(receive)
        origin = UNTAGGED
        headers = []
        for name, value in scope["headers"]:
            if name == ORIGIN_HEADER:
                origin = value.decode("latin-1")
            elif name not in HOP_BY_HOP:
                headers.append((name, value))
        client = tuple(scope.get("client") or ())
        delay = self.latency_s
        if client and client not in self.clients:  # the first request on a new connection
            self.clients.add(client)
            self.opened[origin] += 1
            delay += self.handshake_s
        await asyncio.sleep(delay)
        if self._unavailable(scope["method"]):
            await _answer(send, 503, [(b"retry-after", b"1")], b"")
            return
        raw_path = scope.get("raw_path") or scope["path"].encode()
        if scope["query_string"]:
            raw_path += b"?" + scope["query_string"]
        request = self.client.build_request(
            scope["method"],
            self.upstream.copy_with(raw_path=raw_path),
            headers=headers,
            content=body,
        )
        response = await self.client.send(request, stream=True)
        try:
            content = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        key = (origin, scope["method"], template_of(scope["method"], scope["path"], self.router))
        self.counts[(*key, f"{response.status_code // 100}xx")] += 1
        kept = [(n, v) for n, v in response.headers.raw if n.lower() not in HOP_BY_HOP]
        if "content-length" in response.headers:  # upstream's: right for HEAD too
            kept.append((b"content-length", response.headers["content-length"].encode()))
        await _answer(send, response.status_code, kept, content)

    def _unavailable(self, method: str) -> bool:
        """Every `unavailable_every`-th GET (asyncio: no other request runs in between)."""
        if not self.unavailable_every or method != "GET":
            return False
        self.gets += 1
        if self.gets % self.unavailable_every:
            return False
        self.unavailable += 1
        return True

    def tally(self) -> bytes:
        rows = [
            {"origin": o, "method": m, "template": t, "status": s, "count": n}
            for (o, m, t, s), n in sorted(self.counts.items())
        ]
        total = sum(self.counts.values())
        tally = {"requests": total, "connections": len(self.clients), "opened": self.opened}
        tally["unavailable"] = self.unavailable
        return json.dumps({**tally, "rows": rows}).encode()


async def _body(receive: Any) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send: Any, status: int, headers: list, content: bytes) -> None:
    if not any(name.lower() == b"content-length" for name, _ in headers):
        headers = [*headers, (b"content-length", str(len(content)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--upstream", required=True, help="the mock's base URL")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    rtts = "round trips a new connection costs before its first request (TCP 1, TLS 1.3 +1)"
    parser.add_argument("--handshake-rtts", type=float, default=0.0, help=rtts)
    parser.add_argument("--spec", type=Path, default=ROOT / "spec" / "ordermesh.yaml")
    idle = "close a kept-alive connection idle this long (default 5, uvicorn's)"
    parser.add_argument("--idle-close", type=float, default=5.0, metavar="SECONDS", help=idle)
    every = "answer every N-th GET with a bare 503 and Retry-After: 1 (default 0: never)"
    parser.add_argument("--unavailable-every", type=int, default=0, metavar="N", help=every)
    args = parser.parse_args(argv)
    app = DelayProxyApp(
        args.upstream,
        args.latency_ms / 1000,
        args.spec,
        args.handshake_rtts,
        args.unavailable_every,
    )
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        lifespan="on",
        timeout_keep_alive=args.idle_close,
    )


if __name__ == "__main__":
    main()
