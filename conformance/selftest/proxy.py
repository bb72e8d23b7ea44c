"""A fault proxy: an HTTP server in front of any target that rewrites its real traffic.

The mock's seeded faults prove our checks only against our own code. This proxy sits between the
suite and any target (the selftest puts it in front of the mock) and applies `ProxyFault`s
(conformance/selftest/proxy_faults.py) to the requests and responses that pass through it.
Requests are matched to operations through the spec, so faults name operationIds, not paths.
It imports nothing from the mock: it only speaks HTTP to its upstream.

    ordermesh-conformance proxy --upstream http://127.0.0.1:8080 --fault NAME --port 9090

With `--dialect NAME` it also translates the traffic into a dialect of the spec's inferred
elements (conformance/selftest/dialect.py): a consistent target that is not a faulty one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from conformance.selftest.dialect import dialect_fault
from conformance.selftest.proxy_faults import (
    Forward,
    ProxiedRequest,
    ProxiedResponse,
    ProxyFault,
    select_proxy_faults,
)
from conformance.transport.operations import OperationRouter
from ordermesh_mock.server import serve_app_in_thread
from spec import Spec, load_spec

# Hop-by-hop headers, and the ones httpx's decoding or a rewritten body makes wrong.
DROPPED_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "content-length",
        "content-encoding",
        "host",
        "upgrade",
        "te",
        "trailer",
        "proxy-connection",
    }
)


@dataclass
class FaultProxy:
    """The ASGI app: forward every request upstream, through the active faults."""

    upstream: str
    faults: tuple[ProxyFault, ...] = ()
    spec: Spec = field(default_factory=load_spec)
    memory: dict[str, dict[str, Any]] = field(default_factory=dict)  # per fault, its state

    def __post_init__(self) -> None:
        self.router = OperationRouter(self.spec)
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        request = await self._read(scope, receive)
        response = await self._handle(request)
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
        headers.append((b"content-length", str(len(response.body)).encode()))
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        await send({"type": "http.response.body", "body": response.body})

    async def _lifespan(self, receive: Callable, send: Callable) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _read(self, scope: dict, receive: Callable) -> ProxiedRequest:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        method, path = scope["method"], scope["path"]  # decoded: for routing only
        operation, params = self.router.match(method, path)
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        return ProxiedRequest(
            method=method,
            path=path,
            raw_path=(scope.get("raw_path") or path.encode()).decode("latin-1"),
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=tuple((k, v) for k, v in headers if k.lower() not in DROPPED_HEADERS),
            body=body,
            operation_id=operation.operation_id if operation else None,
            path_params=params,
        )

    async def _handle(self, request: ProxiedRequest) -> ProxiedResponse:
        forward: Forward = self.forward
        for fault in self.faults:  # each fault wraps the ones after it
            forward = _wrap(fault, forward, self.memory.setdefault(fault.name, {}))
        return await forward(request)

    async def forward(self, request: ProxiedRequest) -> ProxiedResponse:
        """Send the request upstream as it is now; the response as the upstream sent it."""
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self.upstream, timeout=60.0)
        # The path as the client encoded it: decoding it would send what the client did not.
        target = request.raw_path + (f"?{request.query}" if request.query else "")
        url = httpx.URL(self.upstream).copy_with(raw_path=target.encode("latin-1"))
        try:
            answer = await self._client.request(
                request.method, url, headers=list(request.headers), content=request.body
            )
        except httpx.HTTPError as exc:  # the upstream is down or hung up: say so, as a gateway
            body = f'{{"message": "fault proxy: upstream {type(exc).__name__}"}}'.encode()
            return ProxiedResponse(502, (("content-type", "application/json"),), body)
        headers = tuple(
            (k, v) for k, v in answer.headers.multi_items() if k.lower() not in DROPPED_HEADERS
        )
        return ProxiedResponse(answer.status_code, headers, answer.content)


def _wrap(fault: ProxyFault, inner: Forward, memory: dict[str, Any]) -> Forward:
    async def wrapped(request: ProxiedRequest) -> ProxiedResponse:
        if request.operation_id not in fault.touches:
            return await inner(request)
        return await fault.rewrite(request, inner, memory)

    return wrapped


def active_faults(
    spec: Spec, fault_names: Sequence[str], dialect: str | None = None
) -> tuple[ProxyFault, ...]:
    """The named faults, and the dialect outermost (the last wraps the others): the faults see
    the spec's form of the traffic, the client sees the dialect's."""
    faults = select_proxy_faults(fault_names)
    return (*faults, dialect_fault(spec, dialect)) if dialect else faults


def serve_in_thread(
    upstream: str,
    fault_names: Sequence[str] = (),
    spec: Spec | None = None,
    timeout: float = 10,
    dialect: str | None = None,
) -> tuple[str, Callable[[], None]]:
    """Serve a proxy on a free loopback port from a background thread; returns (url, stop)."""
    spec = spec or load_spec()
    proxy = FaultProxy(upstream, active_faults(spec, fault_names, dialect), spec)
    return serve_app_in_thread(proxy, "fault-proxy", timeout=timeout)


if __name__ == "__main__":  # kept for old scripts: it is `ordermesh-conformance proxy`
    import sys

    from conformance.cli import main

    raise SystemExit(main(["proxy", *sys.argv[1:]]))
