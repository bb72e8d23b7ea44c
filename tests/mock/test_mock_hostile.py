"""Hostile input gets a documented 4xx with a spec-valid body, never a 500 (issue 21)."""

from __future__ import annotations

import asyncio
import json
import resource
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import jsonschema_rs
import pytest
from mock_fuzz import Sent, call_asgi, requests, scope, send

from ordermesh_mock.app import create_app
from ordermesh_mock.config import MockConfig
from ordermesh_mock.intake import DRAINED_LIMITS
from ordermesh_mock.server import run_in_thread
from spec import Spec

TOKEN = "fuzz-token"
MiB = 1 << 20


class ResponseChecker:
    """Checks one answer against the spec: status documented, body valid for it."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self._validators: dict[tuple[str, str], Any] = {}
        router = {"type": "object", "required": ["statusCode", "message"]}
        self._router = jsonschema_rs.validator_for(router)

    def _validator(self, sent: Sent, status: int) -> Any:
        key = (sent.operation.operation_id, str(status))
        if key not in self._validators:
            media = sent.operation.responses[str(status)]
            schema = media.get("application/json")
            self._validators[key] = jsonschema_rs.validator_for(schema) if schema else None
        return self._validators[key]

    def problem(self, sent: Sent, status: int, body: bytes) -> str | None:
        if status >= 500:
            return f"{status}: {body[:200]!r}"
        if str(status) not in sent.operation.responses:
            # Only a path the router cannot place (a `%2F` in an id) may leave the operation.
            if status == 404 and self._router.is_valid(json.loads(body)):
                return None
            return f"undocumented {status}: {body[:200]!r}"
        validator = self._validator(sent, status)
        if validator is None or not body:
            return None
        errors = [e.message[:120] for e in validator.iter_errors(json.loads(body))]
        return f"{status} body off-spec: {errors[:3]}" if errors else None


async def _fuzz(spec: Spec, count: int, seed: int, budget: float) -> tuple[int, list[str]]:
    app = create_app(MockConfig(token=TOKEN, body_timeout=1.0))
    checker = ResponseChecker(spec)
    deadline = time.monotonic() + budget
    sent_count, problems = 0, []
    for sent in requests(list(spec.operations), count, seed, TOKEN):
        if time.monotonic() > deadline:
            break
        status, body = await send(app, sent)
        sent_count += 1
        problem = checker.problem(sent, status, body)
        if problem:
            problems.append(f"{sent.operation.operation_id}: {sent.label()} -> {problem}")
    return sent_count, problems


def test_fuzz_ten_thousand_requests_over_all_49_operations(spec):
    # In process, straight to the ASGI app: ten thousand requests take seconds, not minutes.
    assert len(spec.operations) == 49
    sent, problems = asyncio.run(_fuzz(spec, count=10_290, seed=2121, budget=60))
    assert problems == []
    assert sent == 10_290, "the time budget ran out before every request was sent"


def test_fuzz_requests_cover_every_operation(spec):
    ids = {s.operation.operation_id for s in requests(list(spec.operations), 98, 1, TOKEN)}
    assert ids == {op.operation_id for op in spec.operations}


# ---------------------------------------------------------------------- one input at a time
def _post(api, path: str, body: bytes):
    return api.post(path, content=body, headers={"content-type": "application/json"})


NOTE_BODY = b'{"resourceType":"Order","resourceId":"0123456789abcdef01234567","text":%s}'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"[" * 10_000 + b"]" * 10_000, "nested deeper than 64"),
        (NOTE_BODY % (b"[" * 65 + b"]" * 65), "nested deeper than 64"),
        (NOTE_BODY % b'"\\ud800"', "lone UTF-16 surrogate"),
        (NOTE_BODY % b'"a\\udfffb"', "lone UTF-16 surrogate"),
    ],
)
def test_deep_json_and_lone_surrogates_are_a_400(api, body, message):
    r = _post(api, "/v1/notes", body)
    assert r.status_code == 400, r.text
    assert message in r.json()["errors"][0]["errorMessage"]


def test_a_surrogate_pair_is_text_and_not_refused(api):
    r = _post(api, "/v1/notes", NOTE_BODY % b'"\\ud83d\\ude00"')
    assert r.status_code == 404, r.text  # valid text: it reached the handler (no such order)


@pytest.mark.parametrize("name", ["page", "pageSize"])
def test_a_5000_digit_integer_in_the_query_is_a_400(api, name):
    r = api.get("/v1/orders", params={name: "9" * 5_000})
    assert r.status_code == 400, r.text
    assert r.json()["errors"][0]["propertyName"] == name


def test_a_5000_digit_shipment_status_is_a_400(api):
    r = api.get("/v1/shipments/search", params={"shipmentStatus": "9" * 5_000})
    assert r.status_code == 400, r.text


@pytest.mark.parametrize(
    ("path", "field", "known", "secret"),
    [
        ("/user/v1/login", "username", "qa-a@ordermesh.test", "password"),
        ("/user/v1/clients/token", "client_id", "om-client-a", "client_secret"),
    ],
)
def test_wrong_secret_and_unknown_account_get_the_same_answer(api, path, field, known, secret):
    answers = set()
    for who in (known, "nobody@ordermesh.test"):
        for guess in ("wrong", "pässwörd-ß", "密码"):
            r = api.post(path, token=None, json={field: who, secret: guess})
            answers.add((r.status_code, r.text))
    assert len(answers) == 1, answers
    assert answers.pop()[0] == 401


# ---------------------------------------------------------------------- size and time limits
async def _chunks(total: int, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    block = b" " * size
    for _ in range(total // size):
        yield block


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def _note_scope(headers: list[tuple[bytes, bytes]]) -> dict:
    auth = (b"authorization", f"Bearer {TOKEN}".encode())
    return scope("POST", "/v1/notes", b"", [(b"content-type", b"application/json"), auth, *headers])


def test_a_declared_10_mb_body_is_refused_without_reading_it():
    app = create_app(MockConfig(token=TOKEN))
    chunks = _chunks(10 * MiB)
    headers = [(b"content-length", str(10 * MiB).encode())]
    status, body, pulled = asyncio.run(call_asgi(app, _note_scope(headers), chunks))
    assert status == 413
    assert pulled == 0
    assert json.loads(body)["statusCode"] == 413


def test_undeclared_10_mb_bodies_stop_at_the_limit_and_rss_stays_bounded(spec):
    app = create_app(MockConfig(token=TOKEN))
    limit = spec.max_body_bytes

    async def run() -> list[tuple[int, int]]:
        return [
            (status, pulled)
            for status, _, pulled in [
                await call_asgi(app, _note_scope([]), _chunks(10 * MiB)) for _ in range(20)
            ]
        ]

    before = _rss()
    results = asyncio.run(run())
    assert {status for status, _ in results} == {413}
    # a body a few limits long is read to its end (intake.py), a bigger one no further
    assert max(pulled for _, pulled in results) <= limit * DRAINED_LIMITS + 64 * 1024
    assert _rss() - before < 64 * MiB  # 200 MB were offered


def test_a_body_just_over_the_limit_is_refused_on_a_connection_that_stays_usable(spec):
    """Read to its end first, as a web server's lingering close does: a proxy still uploading
    it gets the 413 instead of a reset, and the next request on the connection is answered."""
    base_url, stop = run_in_thread(MockConfig(token=TOKEN))
    auth = f"Host: mock\r\nAuthorization: Bearer {TOKEN}\r\n"
    size = spec.max_body_bytes + 1
    first = (
        f"POST /v1/notes HTTP/1.1\r\n{auth}Content-Type: application/json\r\n"
        f"Content-Length: {size}\r\n\r\n" + "x" * size
    )
    then = f"GET /v1/notes HTTP/1.1\r\n{auth}\r\n"
    try:
        answer, following = _exchange_on_one_connection(base_url, first, then)
    finally:
        stop()
    assert answer.startswith("HTTP/1.1 413"), answer
    assert "connection: close" not in answer.lower()
    assert following.startswith("HTTP/1.1 "), following


def test_a_too_large_body_on_refund_is_its_documented_403(spec):
    app = create_app(MockConfig(token=TOKEN))
    headers = [(b"content-length", str(2 * MiB).encode())]
    s = scope("POST", "/v1/orders/refund", b"", [*_note_scope(headers)["headers"]])
    status, body, _ = asyncio.run(call_asgi(app, s, _chunks(2 * MiB)))
    assert status == 403
    assert "larger than" in json.loads(body)["errors"][0]["errorMessage"]


def test_a_body_that_never_arrives_times_out_over_loopback():
    base_url, stop = run_in_thread(MockConfig(token=TOKEN, body_timeout=0.5))
    host, port = base_url.removeprefix("http://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=5) as sock:
            head = (
                f"POST /v1/notes HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer {TOKEN}\r\n"
                'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"text":'
            )
            started = time.monotonic()
            sock.sendall(head.encode())
            answer = sock.recv(4096).decode()
            elapsed = time.monotonic() - started
    finally:
        stop()
    assert answer.startswith("HTTP/1.1 400"), answer
    assert "not received within 0.5 s" in answer
    assert elapsed < 4


def _exchange_on_one_connection(base_url: str, first: str, then: str) -> tuple[str, str]:
    """Send `first`, read its answer, send `then` on the same connection, read what follows."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(first.encode())
        answer = sock.recv(4096).decode()
        try:
            sock.sendall(then.encode())
            following = sock.recv(4096).decode()
        except OSError:  # already closed by the mock: nothing follows
            following = ""
    return answer, following


def test_a_body_that_never_arrives_closes_the_connection():
    """The mock answers before the announced bytes came, so they would be read as the start of
    the next request on the connection (Prism forwards a JSON `null` body as a Content-Length
    with no body, and its next call got uvicorn's text/plain "Invalid HTTP request")."""
    base_url, stop = run_in_thread(MockConfig(token=TOKEN, body_timeout=0.5))
    auth = f"Host: mock\r\nAuthorization: Bearer {TOKEN}\r\n"
    promised = f"PUT /v1/notes/0123456789abcdef01234567 HTTP/1.1\r\n{auth}Content-Length: 4\r\n"
    then = f"GET /v1/notes HTTP/1.1\r\n{auth}\r\n"
    try:
        answer, following = _exchange_on_one_connection(
            base_url, promised + "Content-Type: application/json\r\n\r\n", then
        )
    finally:
        stop()
    assert answer.startswith("HTTP/1.1 400"), answer
    assert "connection: close" in answer.lower()
    assert following == "", following
