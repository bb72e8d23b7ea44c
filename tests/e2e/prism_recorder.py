"""What Prism's validating proxy rejected, with the request it judged and the mock's real answer.

With `--errors`, Prism replaces an answer it finds off-spec with its own problem+json 500 and logs
no more than that it did: the reasons travel only in that answer's `sl-violations` header, which
the conformance run's client does not keep. So a Prism test runs a recorder on each side of
Prism: `catch_violations` in front (the request as the client sent it and Prism's reasons) and
`record` behind (the request as Prism forwarded it and what the mock answered), and a failure
prints each violation with all three.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

SHOWN = 1500  # characters of a body shown in a failure message


@dataclass
class Exchange:
    """One request and its answer, timed so the two sides of Prism can be matched."""

    method: str
    target: str
    request_body: bytes
    request_headers: str = ""
    status: int = 0
    content_type: str = ""
    response_body: bytes = b""
    verdict: str = ""  # Prism's `sl-violations` header, on the front side
    started: float = 0.0
    ended: float = 0.0

    def forwarded_from(self, outer: Exchange) -> bool:
        """Whether this exchange behind Prism can be the one Prism made for `outer`."""
        same = self.method == outer.method and _path(self.target) == _path(outer.target)
        return same and outer.started <= self.started and self.ended <= outer.ended

    def describe(self) -> str:
        return (
            f"{self.method} {self.target} headers={self.request_headers} "
            f"body={_shown(self.request_body)}\n"
            f"  -> {self.status} {self.content_type} {_shown(self.response_body)}"
        )


def _shown(body: bytes) -> str:
    text = body.decode("utf-8", "backslashreplace")
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}... ({len(text)} chars)"


def _headers(scope: dict[str, Any]) -> str:
    """The request's headers as sent, the bearer token masked (it is in no failure's cause)."""
    pairs = []
    for name, value in scope.get("headers", []):
        shown = value.decode("latin-1")
        if name.lower() == b"authorization":
            shown = f"{shown[:7]}...({len(value)} bytes)"
        pairs.append(f"{name.decode('latin-1')}: {shown!r}")
    return "{" + ", ".join(pairs) + "}"


def _path(target: str) -> str:
    return target.split("?")[0]


def _target(scope: dict[str, Any]) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    return scope["raw_path"].decode("latin-1") + (f"?{query}" if query else "")


class Recorder:
    """Exchanges seen on one side of Prism; appended from server threads."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()

    def add(self, exchange: Exchange) -> None:
        with self._lock:
            self.exchanges.append(exchange)

    def snapshot(self) -> list[Exchange]:
        with self._lock:
            return list(self.exchanges)


def record(app: Any, recorder: Recorder) -> Callable[..., Any]:
    """ASGI middleware: every HTTP exchange of `app`, bodies included, goes to `recorder`."""

    async def recorded(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        seen = Exchange(scope["method"], _target(scope), b"", _headers(scope))
        seen.started = time.monotonic()

        async def receiving() -> dict[str, Any]:
            message = await receive()
            seen.request_body += message.get("body", b"")
            return message

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                seen.status = message["status"]
                headers = dict(message.get("headers", []))
                seen.content_type = headers.get(b"content-type", b"").decode("latin-1")
            elif message["type"] == "http.response.body":
                seen.response_body += message.get("body", b"")
            await send(message)

        try:
            await app(scope, receiving, sending)
        finally:
            seen.ended = time.monotonic()
            recorder.add(seen)

    return recorded


def catch_violations(recorder: Recorder) -> Callable[..., Any]:
    """A `proxy` rewrite in front of Prism: records every exchange, with Prism's
    `sl-violations` verdict where it gave one."""

    async def rewrite(request: Request, body: bytes, forward: Callable[..., Any]) -> Response:
        started = time.monotonic()
        answer = await forward()
        seen = Exchange(request.method, _target(request.scope), body, _headers(request.scope))
        seen.status = answer.status_code
        seen.content_type = answer.headers.get("content-type", "")
        seen.response_body = answer.body
        seen.verdict = answer.headers.get("sl-violations", "")
        seen.started, seen.ended = started, time.monotonic()
        recorder.add(seen)
        return answer

    return rewrite


def is_error(verdict: str) -> bool:
    """Whether `sl-violations` holds an error (what `--errors` turns into a 500), not a warning."""
    try:
        return any(v.get("severity") == "Error" for v in json.loads(verdict))
    except ValueError:
        return True  # Prism truncates a long header ("Too many violations! ..."): count it


def explain(front: Recorder, behind: Recorder) -> list[str]:
    """One paragraph per answer Prism found off-spec: what the client sent, Prism's reasons,
    and the exchange Prism had with the mock meanwhile."""
    upstream = behind.snapshot()
    paragraphs = []
    for flagged in front.snapshot():
        if not flagged.verdict or not is_error(flagged.verdict):
            continue
        mock = [e.describe() for e in upstream if e.forwarded_from(flagged)]
        paragraphs.append(
            f"client: {flagged.describe()}\n"
            f"prism: {flagged.verdict}\n"
            f"mock, as prism forwarded it: {' | '.join(mock) or '(no exchange)'}"
        )
    return paragraphs


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body


def altered_requests(front: Recorder, behind: Recorder) -> list[tuple[Exchange, Exchange]]:
    """(as sent, as forwarded) for each request whose body reached the mock with another meaning
    than the client gave it: Prism forwards `JSON.stringify` of what it parsed, so
    2.958579878935189e+16 arrives as 29585798789351890, an int to Python and not equal to the
    float."""
    upstream = behind.snapshot()
    altered = []
    for sent in front.snapshot():
        forwarded = [e for e in upstream if e.forwarded_from(sent)]
        if forwarded and _json(forwarded[0].request_body) != _json(sent.request_body):
            altered.append((sent, forwarded[0]))
    return altered


def altered_bodies(front: Recorder, behind: Recorder) -> list[str]:
    """`altered_requests`, for a failure message."""
    return [
        f"{sent.method} {sent.target}: sent {_shown(sent.request_body)}\n"
        f"  forwarded {_shown(forwarded.request_body)}"
        for sent, forwarded in altered_requests(front, behind)
    ]
