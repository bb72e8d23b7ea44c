"""A loopback proxy for the rate-limit and throttling tests: counts, timestamps and throttles.

It forwards every request to the mock and records when each one arrived, so a test can check the
busiest one-second window of a whole run, every process included. With `throttle_every=N` it
answers every N-th request itself with 429 and `Retry-After`, as a busy staging API would. With
`down` set, it answers every request with a bare 503, as a gateway whose upstream left. With
`delay`, each request waits that many seconds before it is forwarded, as across a network, and
`most_in_flight` is the most requests it held at one moment.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
from starlette.requests import Request
from starlette.responses import Response

from ordermesh_mock.server import serve_app_in_thread

HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


@dataclass
class CountingProxy:
    upstream: str
    throttle_every: int | None = None
    retry_after: str = "1"
    arrivals: list[float] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # "METHOD path (user agent)", in order
    throttled: int = 0
    delay: float = 0.0
    in_flight: int = 0
    most_in_flight: int = 0
    down: bool = False
    uncounted: tuple[str, ...] = ()  # paths left out of `in_flight` (the watchdog's probe)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def __call__(self, scope, receive, send) -> None:
        request = Request(scope, receive)
        with self._lock:
            self.arrivals.append(time.monotonic())
            agent = request.headers.get("user-agent", "")
            self.seen.append(f"{request.method} {request.url.path} ({agent})")
            refuse = self.throttle_every and len(self.arrivals) % self.throttle_every == 0
            self.throttled += bool(refuse)
            counted = request.url.path not in self.uncounted
            self.in_flight += counted
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.down:
                response = Response(b"no healthy upstream", 503)
            elif refuse:
                response = Response(b"slow down", 429, {"Retry-After": self.retry_after})
            else:
                await asyncio.sleep(self.delay)
                response = await self._forward(request)
        finally:
            # Before the answer leaves: a client that has it may send its next request at once,
            # and that one must not find this one still counted.
            with self._lock:
                self.in_flight -= counted
        await response(scope, receive, send)

    async def _forward(self, request: Request) -> Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        # The path as sent, still percent-encoded: generated cases put odd bytes in paths.
        target = self.upstream + request.scope["raw_path"].decode("ascii")
        if request.scope["query_string"]:
            target += "?" + request.scope["query_string"].decode("ascii")
        async with httpx.AsyncClient(timeout=30) as client:
            upstream = await client.request(
                request.method, target, content=await request.body(), headers=headers
            )
        kept = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_HEADERS}
        kept.pop("content-encoding", None)  # httpx already decoded the body
        return Response(upstream.content, upstream.status_code, kept)

    def busiest_second(self) -> tuple[int, list[str]]:
        """The most requests that arrived within any one second (a sliding window), and them."""
        order = sorted(range(len(self.arrivals)), key=self.arrivals.__getitem__)
        times = [self.arrivals[i] for i in order]
        best, window, start = 0, [], 0
        for end, moment in enumerate(times):
            while moment - times[start] >= 1.0:
                start += 1
            if end - start + 1 > best:
                best, window = end - start + 1, [self.seen[i] for i in order[start : end + 1]]
        return best, window


@contextmanager
def serve(proxy: CountingProxy) -> Iterator[str]:
    """Run `proxy` on an ephemeral loopback port; yields its base URL."""
    url, stop = serve_app_in_thread(proxy, "counting-proxy")
    try:
        yield url
    finally:
        stop()
