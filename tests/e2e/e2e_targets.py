"""Targets that misbehave in ways the mock's fault catalogue does not model, for e2e tests.

An HTML site that answers 200 to everything, a mock in its own process that a test can kill, and
a reverse proxy in front of the clean mock whose `rewrite` hook changes what the suite sees
(replica lag, a broken envelope), and a proxy that hangs up on chosen requests without
answering. All listen on loopback ephemeral ports.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from conformance.config.settings import MOCK_MERCHANT_A
from conformance.transport.liveness import answers
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import free_port, run_in_thread, serve_app_in_thread
from tests.support.summary_schema import read_summary

ID = re.compile(r"[0-9a-f]{24}|[0-9a-f-]{36}")
STATIC_TOKEN = "static-token-value-0x70ken"
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
Rewrite = Callable[[Request, bytes, Callable[[], Awaitable[Response]]], Awaitable[Response]]


def serve(app, timeout: float = 10) -> tuple[str, Callable[[], None]]:
    """Serve an ASGI app from a background thread; returns (base_url, stop)."""
    return serve_app_in_thread(app, "test-target", timeout=timeout)


def html_site() -> Starlette:
    """A web site, not an API: 200 and a page for every method and path."""

    async def page(request: Request) -> Response:
        return HTMLResponse("<html><body><h1>Welcome</h1></body></html>")

    return Starlette(routes=[Route("/{path:path}", page, methods=METHODS)])


def proxy(
    upstream: str, rewrite: Rewrite | None = None, timeout: float = 30
) -> Callable[..., Awaitable[None]]:
    """Forward every request to `upstream`; `rewrite(request, body, forward)` may answer instead."""
    client = httpx.AsyncClient(base_url=upstream, timeout=timeout)

    async def forward_request(request: Request, body: bytes) -> Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host",)}
        # The raw path: negative cases send percent-encoded bytes that must reach the
        # target as sent.
        raw = request.scope["raw_path"].decode("latin-1")
        query = request.scope.get("query_string", b"").decode("latin-1")
        answer = await client.request(
            request.method,
            raw + (f"?{query}" if query else ""),
            content=body,
            headers=headers,
        )
        dropped = ("content-length", "content-encoding", "transfer-encoding", "connection")
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in dropped}
        return Response(answer.content, status_code=answer.status_code, headers=kept)

    async def handle(request: Request) -> Response:
        body = await request.body()
        if rewrite is None:
            return await forward_request(request, body)
        return await rewrite(request, body, lambda: forward_request(request, body))

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        # Plain ASGI, no router: Starlette's `{path:path}` does not match a path holding a
        # percent-encoded newline, and the negative cases send such paths on purpose.
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        response = await handle(Request(scope, receive))
        await response(scope, receive, send)

    return app


class MockProcess:
    """`ordermesh-conformance mock` in a process of its own, so a test can kill it mid-run."""

    def __init__(self, token: str, faults: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ordermesh_mock",
                "--port",
                str(self.port),
                "--token",
                token,
                *[word for fault in faults for word in ("--fault", fault)],
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not answers(self.base_url, timeout=0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise RuntimeError("the mock process did not start")
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


def clean_env() -> dict[str, str]:
    """The caller's environment without ORDERMESH_* settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("ORDERMESH_")}


def run_conformance(
    *args: str, reports: Path, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """`ordermesh-conformance run ARGS` with its reports in `reports` (secrets best in `env`)."""
    command = [sys.executable, "-m", "conformance.cli", "run", *args, "--reports-dir", str(reports)]
    environment = {**clean_env(), **(env or {})}
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=environment)


def smoke_run_through_proxy(
    rewrite: Rewrite, *args: str, reports: Path, timeout: float = 300
) -> subprocess.CompletedProcess:
    """A smoke run of merchant A, with a static token, through `proxy(rewrite)` in front of a
    fresh clean mock: what the suite makes of a target that misbehaves only in `rewrite`."""
    mock_url, stop_mock = run_in_thread(MockConfig(token=STATIC_TOKEN))
    base_url, stop_proxy = serve(proxy(mock_url, rewrite))
    target = ["--base-url", base_url, "--token", STATIC_TOKEN, "--profile", "smoke"]
    try:
        return run_conformance(
            *target,
            "--merchant-id",
            MOCK_MERCHANT_A.merchant_id,
            *args,
            reports=reports,
            timeout=timeout,
        )
    finally:
        stop_proxy()
        stop_mock()


def summary_of(reports: Path) -> dict[str, Any]:
    return read_summary(reports)  # validated against docs/schemas/summary.schema.json


class ReplicaLag:
    """A `proxy` rewrite: for `lag` seconds after a write to a resource, reads of it answer the
    version served before the write (or 404, if it was never read), as a lagging replica does.

    A resource is the first three segments of a path when the third is an id (`/v1/orders/{id}`,
    its items and audit logs included), and for a create, those of the Location it answered.
    Searches, lists and bulk reads lag behind any write, as a search index does: for `lag`
    seconds after the latest write they answer what they answered before it, and a query never
    asked before finds nothing (its lists come back empty). Authentication comes first, as at a
    gateway: a request whose credentials the target never accepted is forwarded, not served
    from the replica.
    """

    def __init__(self, lag: float = 0.4) -> None:
        self.lag = lag
        self.written: dict[str, float] = {}  # resource -> time of its last write
        self.served: dict[str, Response] = {}  # path and query -> the last fresh answer
        self.stale_reads = 0
        self.stale_searches = 0  # of which searches, lists and bulk reads
        self.accepted: set[str | None] = set()  # Authorization values the target answered 2xx

    @staticmethod
    def resource(path: str) -> str | None:
        segments = path.split("?")[0].rstrip("/").split("/")[:4]
        if len(segments) < 4 or not ID.fullmatch(segments[3]):
            return None  # a collection, a search or a bulk call: no single resource lags
        return "/".join(segments)

    async def __call__(self, request: Request, body: bytes, forward) -> Response:
        path = request.url.path
        credentials = request.headers.get("authorization")
        if request.method != "GET" or credentials not in self.accepted:
            answer = await forward()
            if answer.status_code < 300:
                self.accepted.add(credentials)
            if request.method == "GET":
                return answer
            location = answer.headers.get("location") if answer.status_code < 300 else None
            for written in (path, location):
                if written and self.resource(written):
                    self.written[self.resource(written)] = time.monotonic()
            return answer
        key = f"{path}?{request.url.query} {credentials}"
        resource = self.resource(path)
        since = time.monotonic() - self.written.get(resource or "", -1e9)
        if not resource:  # a search: any write makes it lag
            since = time.monotonic() - max(self.written.values(), default=-1e9)
        if since < self.lag and (resource or key in self.served):
            self.stale_reads += 1
            self.stale_searches += not resource
            return self.served.get(key) or Response(
                b'{"statusCode":404,"message":"Record Not Found"}',
                status_code=404,
                media_type="application/json",
            )
        answer = await forward()
        if not resource and since < self.lag and answer.status_code == 200:
            self.stale_reads += 1
            self.stale_searches += 1
            return self.found_nothing(answer)
        self.served[key] = answer
        return answer

    @staticmethod
    def found_nothing(answer: Response) -> Response:
        """The answer with every list in it empty: an index that has not caught up yet."""
        try:
            body = json.loads(answer.body)
        except ValueError:
            return answer
        if not isinstance(body, dict):
            return answer
        emptied = {k: [] if isinstance(v, list) else v for k, v in body.items()}
        return Response(json.dumps(emptied).encode(), 200, media_type="application/json")
