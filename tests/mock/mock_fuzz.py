"""Malformed requests for every operation, and a raw ASGI caller to send them fast.

The fuzz tests send thousands of requests; httpx's ASGI transport costs more than the mock
itself, so requests go straight to the ASGI app. Every request is built from the spec (paths,
query parameters, body properties), with hostile values in the places a client controls.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote_to_bytes

from spec.loader import Operation

DEEP = 10_000
HUGE_DIGITS = "9" * 5_000
LONE_SURROGATE = '"\\ud800"'  # JSON text: decodes to a lone surrogate
# Path and query values, as they go on the wire (percent-encoded).
WIRE_TEXT = [
    "",
    "%20",
    "%00",
    "%ED%A0%80",
    "%FF%FE",
    HUGE_DIGITS,
    "-1",
    "0",
    "1e999",
    "NaN",
    "null",
    "..",
    "%2F",
    "%25",
    "a" * 5_000,
    "%C3%A9" * 50,
    "0123456789abcdef01234567",
    "8d0f3c6a-2b1e-4f5a-9c8d-7e6f5a4b3c2d",
    "true",
    "[]",
    "%7B%7D",
    "1.5",
    "2",
    "Open",
]
# Whole bodies that are not the JSON a body operation expects.
RAW_BODIES = [
    b"",
    b" ",
    b"\x00",
    b"\xff\xfe\x00",
    b"{",
    b"}",
    b"null",
    b"[]",
    b"1",
    b"NaN",
    b"-Infinity",
    b"[" * DEEP + b"]" * DEEP,
    b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    LONE_SURROGATE.encode(),
    HUGE_DIGITS.encode(),
    b" " * ((1 << 20) + 1),  # over the spec's x-max-body-bytes
    b"1e400",
    b'"\xed\xa0\x80"',
    b'{"a":1,"a":2}',
    b"\xef\xbb\xbf{}",
]
# JSON texts placed as the value of one property of an otherwise plausible body.
JSON_VALUES = [
    LONE_SURROGATE,
    HUGE_DIGITS[:4_000],
    "-" + HUGE_DIGITS[:4_000],
    "1e400",
    "[" * DEEP + "]" * DEEP,
    '"' + "x" * 100_000 + '"',
    "null",
    "{}",
    "[]",
    "true",
    '""',
    '"\\u0000"',
    "-0",
    "0.1",
    '{"a":' * 80 + "1" + "}" * 80,
    '"' + "\\ud83d\\ude00" * 10 + '"',
    '"\\udfff x"',
]
CONTENT_TYPES = [
    "application/json",
    "application/json",
    "application/json",
    "text/plain",
    "",
    "application/json; charset=latin-1",
    "application/problem+json",
    "multipart/form-data",
]
PLACEHOLDER = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Sent:
    """One request, as sent to the app."""

    operation: Operation
    method: str
    raw_path: str  # percent-encoded
    query: bytes
    content_type: str
    body: bytes
    token: str | None

    def label(self) -> str:
        return f"{self.method} {self.raw_path[:80]}?{self.query[:60]!r} body={self.body[:60]!r}"


def _property_body(op: Operation, rng: random.Random) -> bytes:
    """A JSON object with the body's properties, one or more of them hostile."""
    props = list((op.request_schema or {}).get("properties", {})) or ["x"]
    fields = [f"{json.dumps(name)}:{rng.choice(JSON_VALUES)}" for name in props]
    if rng.random() < 0.5:  # the other properties plausible, so validation reaches the hostile one
        keep = rng.randrange(len(fields))
        fields = [f if i == keep else f'{json.dumps(props[i])}:"x"' for i, f in enumerate(fields)]
    text = "{" + ",".join(fields) + "}"
    return text.encode("utf-8", "surrogatepass")


def _body(op: Operation, rng: random.Random) -> bytes:
    if op.request_schema is None and rng.random() < 0.8:
        return b""
    return rng.choice(RAW_BODIES) if rng.random() < 0.4 else _property_body(op, rng)


def _path(op: Operation, rng: random.Random) -> str:
    return PLACEHOLDER.sub(lambda _: rng.choice(WIRE_TEXT), op.path)


def _query(op: Operation, rng: random.Random) -> bytes:
    names = [p.name for p in op.parameters if p.location == "query"] + ["unknown"]
    picked = rng.sample(names, k=rng.randint(0, len(names)))
    return "&".join(f"{quote(name)}={rng.choice(WIRE_TEXT)}" for name in picked).encode()


def requests(operations: list[Operation], count: int, seed: int, token: str) -> Iterator[Sent]:
    """`count` malformed requests, spread evenly over `operations`."""
    rng = random.Random(seed)
    for i in range(count):
        op = operations[i % len(operations)]
        chosen_token = token if rng.random() < 0.9 else rng.choice([None, "bogus", "é"])
        yield Sent(
            op,
            op.method,
            _path(op, rng),
            _query(op, rng),
            rng.choice(CONTENT_TYPES),
            _body(op, rng),
            chosen_token,
        )


def _headers(sent: Sent) -> list[tuple[bytes, bytes]]:
    headers = [(b"host", b"mock"), (b"content-length", str(len(sent.body)).encode())]
    if sent.content_type:
        headers.append((b"content-type", sent.content_type.encode()))
    if sent.token is not None:
        headers.append((b"authorization", f"Bearer {sent.token}".encode()))
    return headers


def scope(method: str, raw_path: str, query: bytes, headers: list[tuple[bytes, bytes]]) -> dict:
    path = unquote_to_bytes(raw_path).decode("utf-8", "replace")
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": raw_path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("mock", 80),
    }


async def call_asgi(
    app: Any, scope_: dict, chunks: AsyncIterator[bytes] | None = None, body: bytes = b""
) -> tuple[int, bytes, int]:
    """(status, response body, request bytes the app pulled) for one request."""
    pulled = 0
    done = False

    async def receive() -> dict:
        nonlocal pulled, done
        if done:
            await asyncio.sleep(3600)  # the client is still there, sending nothing more
        if chunks is None:
            done = True
            pulled += len(body)
            return {"type": "http.request", "body": body, "more_body": False}
        chunk = await anext(chunks, None)
        if chunk is None:
            done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    status, out = 0, bytearray()

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            out.extend(message.get("body", b""))

    await app(scope_, receive, send)
    return status, bytes(out), pulled


async def send(app: Any, sent: Sent) -> tuple[int, bytes]:
    status, body, _ = await call_asgi(
        app, scope(sent.method, sent.raw_path, sent.query, _headers(sent)), body=sent.body
    )
    return status, body
