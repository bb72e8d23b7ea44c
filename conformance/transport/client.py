"""The HTTP client every suite and check uses to talk to the target.

It adds the bearer token (renewing it once after a 401) and records each exchange, redacted, for
the report. The rate limit and 429 Retry-After are the transport's
(conformance/transport/limiter.py).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import httpx

from conformance.redaction import Redactor
from conformance.transport.auth import TokenProvider, send_renewing
from conformance.transport.tls import tls_context
from spec import SAFE_METHODS


@dataclass
class Exchange:
    """One request and its response, already redacted, for attachments and reproductions."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int
    response_headers: dict[str, str]
    response_body: str
    elapsed_ms: float

    def as_curl(self) -> str:
        parts = [f"curl -X {self.method} '{self.url}'"]
        for name, value in self.request_headers.items():
            if name.lower() in (
                "host",
                "content-length",
                "accept-encoding",
                "connection",
                "user-agent",
            ):
                continue
            parts.append(f"-H '{name}: {value}'")
        if self.request_body:
            parts.append("-d '" + self.request_body.replace("'", "'\\''") + "'")
        return " \\\n  ".join(parts)


class ApiClient:
    def __init__(
        self,
        base_url: str,
        auth: TokenProvider | None,
        redactor: Redactor,
        transport: httpx.BaseTransport | None = None,
        read_only: bool = False,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.redactor = redactor
        self.read_only = read_only
        # Bounded: only the recent past is ever attached. Kept raw and redacted when read, since
        # redacting every exchange cost the checks' many reads more than building the requests.
        self._recent: deque[tuple[httpx.Response, float]] = deque(maxlen=200)
        self._http = httpx.Client(
            base_url=self.base_url, timeout=30.0, transport=transport, verify=tls_context()
        )

    def close(self) -> None:
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: object = None,
        params: object = None,
        headers: dict[str, str] | None = None,
        authenticated: bool = True,
        need: object = None,
    ) -> httpx.Response:
        """Send one request. `need` (contract.Need) is the gated client's: a plain client that
        observes a target hands back whatever answered."""
        method = method.upper()
        if self.read_only and method not in SAFE_METHODS:
            raise PermissionError(f"read-only run: refusing to send {method} {path}")
        if not (authenticated and self.auth):
            return self._send(method, path, json, params, headers or {})
        return send_renewing(
            self.auth,
            lambda auth: self._send(method, path, json, params, {**(headers or {}), **auth}),
        )

    def _send(
        self,
        method: str,
        path: str,
        json: object,
        params: Any,
        all_headers: dict[str, str],
    ) -> httpx.Response:
        started = time.perf_counter()
        response = self._http.request(method, path, json=json, params=params, headers=all_headers)
        self._recent.append((response, (time.perf_counter() - started) * 1000))
        return response

    def last_exchange(self) -> Exchange | None:
        """The last request and its response, redacted."""
        if not self._recent:
            return None
        return self.exchange_of(*self._recent[-1])

    def exchange_of(self, response: httpx.Response, elapsed_ms: float | None = None) -> Exchange:
        """One answer and its request, redacted."""
        if elapsed_ms is None:
            try:
                elapsed_ms = response.elapsed.total_seconds() * 1000
            except RuntimeError:  # httpx knows the time only once the answer was read
                elapsed_ms = 0.0
        request = response.request
        body = request.content.decode("utf-8", "replace") if request.content else None
        return Exchange(
            method=request.method,
            url=self.redactor.text(str(request.url)),
            request_headers=self.redactor.headers(dict(request.headers)),
            request_body=self.redactor.text(body) if body else None,
            status=response.status_code,
            response_headers=self.redactor.headers(dict(response.headers)),
            response_body=self.redactor.text(response.text[:20000]),
            elapsed_ms=elapsed_ms,
        )

    # convenience verbs
    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)
