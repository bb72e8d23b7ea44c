"""The run's transports: every request of a run goes through one of these, and so through the
run's `Throttle` (limiter.py).

`LimitedTransport` is httpx's (oracle reads, setup, cleanup, tokens); `LimitedAdapter` is
requests', which Schemathesis sends generated cases and probes with; `throttle_schema` puts a
Schemathesis schema's own requests behind them. Each applies the run's connection options, sends
a request again on a fresh connection when the throttle says so, and hands each completed
exchange to the run's coverage recorder.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import httpx
import requests
from requests.adapters import HTTPAdapter
from schemathesis import BaseSchema, Response
from schemathesis.transport.requests import (
    REQUESTS_TRANSPORT,
    RequestsTransport,
    SameHostRedirectsSession,
)

from conformance.transport import transient
from conformance.transport.limiter import Observer, Throttle
from conformance.transport.transient import UnansweredRequest

if TYPE_CHECKING:
    from requests._types import CertType, TimeoutType, VerifyType
    from schemathesis.specs.openapi.schemas import OpenApiCase


class LimitedTransport(httpx.BaseTransport):
    """An httpx transport that waits for the throttle and retries throttled responses.
    `fresh` makes a transport with a pool of its own, for a resend on a new connection."""

    def __init__(
        self,
        inner: httpx.BaseTransport,
        throttle: Throttle,
        fresh: Callable[[], httpx.BaseTransport] | None = None,
    ) -> None:
        self._inner = inner
        self._throttle = throttle
        self._fresh = fresh
        self._pool_used: float | None = None  # when the pool last carried a request

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        sent: list[httpx.Response] = []
        timeout = self._throttle.options.timeout
        if timeout is not None:  # --request-timeout, whatever the client's own
            request.extensions = {**request.extensions, "timeout": httpx.Timeout(timeout).as_dict()}

        def attempt(fresh: bool) -> tuple[int, Mapping[str, str]]:
            if sent:
                sent[-1].close()
            if fresh:
                sent.append(self._on_new_connection(request))
            else:
                try:
                    sent.append(self._send(request))
                finally:
                    self._pool_used = time.monotonic()
            return sent[-1].status_code, sent[-1].headers

        self._throttle.send(attempt, request.method, str(request.url), self._pool_used)
        if self._throttle.observer is None:
            return sent[-1]
        return observed(self._throttle.observer, request, sent[-1])

    def _send(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(request)

    def _on_new_connection(self, request: httpx.Request) -> httpx.Response:
        if self._fresh is None:
            return self._send(request)
        transport = self._fresh()
        try:
            response = transport.handle_request(request)
            raw = b"".join(response.iter_raw())  # before its one-off pool closes
        finally:
            transport.close()
        # The bytes as they came (still encoded), for the client to read as from any transport.
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(raw),
            extensions=response.extensions,
            request=request,
        )

    def close(self) -> None:
        self._inner.close()


class LimitedAdapter(HTTPAdapter):
    """The same for `requests`, which Schemathesis sends generated cases and probes with."""

    def __init__(self, throttle: Throttle) -> None:
        super().__init__()
        self._throttle = throttle
        self._pool_used: float | None = None  # when the pool last carried a request

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: TimeoutType = None,
        verify: VerifyType = True,
        cert: CertType = None,
        proxies: dict[str, str] | None = None,
    ) -> requests.Response:
        sent: list[requests.Response] = []
        # The run's --request-timeout, --ca-bundle/--no-tls-verify and client certificate
        # override what Schemathesis passes (its defaults, or schemathesis.toml).
        kwargs: dict[str, Any] = {
            "stream": stream,
            "timeout": timeout,
            "verify": verify,
            "cert": cert,
        }
        kwargs.update(self._throttle.options.requests_kwargs(), proxies=proxies)

        def attempt(fresh: bool) -> tuple[int, Mapping[str, str]]:
            if sent:
                sent[-1].close()
            if fresh:
                # Drop the pool's idle connections (any may be stale): the request opens a new
                # one, which stays in the pool for the requests after it.
                self.poolmanager.clear()
            try:
                sent.append(super(LimitedAdapter, self).send(request, **kwargs))
            finally:
                self._pool_used = time.monotonic()
            return sent[-1].status_code, sent[-1].headers

        try:
            method, url = request.method or "GET", request.url or ""
            self._throttle.send(attempt, method, url, self._pool_used)
        except requests.exceptions.ConnectionError as exc:
            if transient.dropped_before_answer(exc):
                raise UnansweredRequest(f"{request.method} {request.url}: {exc}") from exc
            raise
        if self._throttle.observer is not None:
            response = sent[-1]
            body = request.body.encode() if isinstance(request.body, str) else request.body
            self._throttle.observer(
                request.method or "GET",
                request.url or "",
                {
                    k: v if isinstance(v, str) else v.decode("latin-1")
                    for k, v in request.headers.items()
                },
                body if isinstance(body, bytes) else None,
                response.status_code,
                response.headers,
                response.content,
            )
        return sent[-1]


def observed(
    observer: Observer, request: httpx.Request, response: httpx.Response
) -> httpx.Response:
    """Hand the exchange to `observer`; the response is read here, so the client gets a copy
    of it to read again (its bytes as they came)."""
    raw = b"".join(response.iter_raw())
    response.close()
    fresh = httpx.Response(
        response.status_code,
        headers=response.headers,
        stream=httpx.ByteStream(raw),
        extensions=response.extensions,
        request=request,
    )
    body = raw
    if "content-encoding" in response.headers:
        peek = httpx.Response(
            response.status_code, headers=response.headers, stream=httpx.ByteStream(raw)
        )
        body = peek.read()
    try:
        sent_body: bytes | None = request.content
    except httpx.RequestNotRead:
        sent_body = None
    observer(
        request.method,
        str(request.url),
        request.headers,
        sent_body,
        response.status_code,
        response.headers,
        body,
    )
    return fresh


def limited_session(throttle: Throttle) -> requests.Session:
    """A keep-alive session for generated cases, as `st run` has, behind the run's throttle."""
    session = SameHostRedirectsSession()
    adapter = LimitedAdapter(throttle)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class LimitedRequestsTransport(RequestsTransport):
    """Schemathesis' requests transport for a call that brings no session of its own.

    Schemathesis sends its `ignored_auth` probes without the run's session, so that no credentials
    carry over. A fresh session per probe would open a new connection per probe (on staging a TCP
    and TLS handshake each), so the probes share one keep-alive session of their own, behind the
    run's throttle: it never holds credentials (no auth, and Schemathesis empties its headers for
    the call), and its cookies are dropped after every probe."""

    def __init__(self, throttle: Throttle) -> None:
        super().__init__()
        self._throttle = throttle
        # Schemathesis registers its body serializers on its own transport: use the same ones.
        self._serializers = REQUESTS_TRANSPORT._serializers
        self._probe_session: requests.Session | None = None
        self._probe_lock = threading.Lock()  # the send swaps the session's headers

    def send(
        self,
        case: OpenApiCase,
        *,
        session: requests.Session | None = None,
        **kwargs: object,
    ) -> Response:
        if session is not None:
            return super().send(case, session=session, **kwargs)
        with self._probe_lock:
            if self._probe_session is None:
                self._probe_session = limited_session(self._throttle)
            try:
                return super().send(case, session=self._probe_session, **kwargs)
            finally:
                self._probe_session.cookies.clear()


@functools.cache
def _throttled_class(base: type, throttle: Throttle) -> type:
    transport = LimitedRequestsTransport(throttle)
    return type(f"Throttled{base.__name__}", (base,), {"transport": property(lambda _: transport)})


def throttle_schema(schema: BaseSchema, throttle: Throttle) -> BaseSchema:
    """Every request Schemathesis sends for `schema` (and the schemas `include` derives from it)
    goes through `throttle`, whatever session the caller gives or leaves out."""
    schema.__class__ = _throttled_class(type(schema), throttle)
    return schema
