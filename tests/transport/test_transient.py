"""Stale connections and gateway hiccups are sent again when that is safe, counted, and never
resent blindly when it is not: both transports (httpx for the suite's reads, requests for the
generated cases) against a real socket that hangs up on a request without answering."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

import httpx
import pytest
import requests
import yaml

from conformance.machinery.harness import limited_transport
from conformance.transport.limiter import Throttle
from conformance.transport.transient import (
    GATEWAY_RETRIES,
    REUSE_AFTER_IDLE,
    RetryPolicy,
    UnansweredRequest,
    dropped_before_answer,
    policy_for,
)
from conformance.transport.transports import LimitedTransport, limited_session
from spec import SPEC_PATH, load_spec
from tests.support.sockets import serving

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"


@contextmanager
def hanging_up(times: int) -> Iterator[tuple[str, list[bytes]]]:
    """A server that reads each request and closes the connection without a byte of answer for
    the first `times` requests, then answers 200 `{}`; yields (base URL, requests seen)."""
    seen: list[bytes] = []

    def answer(conn: socket.socket) -> None:
        with conn:
            request = conn.recv(65536)
            if not request:
                return
            seen.append(request.split(b"\r\n", 1)[0])
            if len(seen) > times:
                conn.sendall(OK)

    with serving(answer) as base_url:
        yield base_url, seen


def httpx_client(throttle: Throttle, base_url: str) -> httpx.Client:
    return httpx.Client(
        base_url=base_url, transport=LimitedTransport(httpx.HTTPTransport(), throttle)
    )


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_httpx_sends_a_request_safe_to_repeat_once_more_and_counts_it(method):
    throttle = Throttle(None)
    with hanging_up(1) as (url, seen), httpx_client(throttle, url) as client:
        assert client.request(method, "/x").status_code == 200
    assert len(seen) == 2
    assert throttle.counts()["stale_connection_retries"] == 1


def test_httpx_never_resends_a_post_that_got_no_answer():
    throttle = Throttle(None)
    with (
        hanging_up(1) as (url, seen),
        httpx_client(throttle, url) as client,
        pytest.raises(httpx.RemoteProtocolError) as raised,
    ):
        client.post("/x", json={})
    assert len(seen) == 1
    assert dropped_before_answer(raised.value)
    assert throttle.counts()["stale_connection_retries"] == 0


def test_a_second_hang_up_is_not_retried_again():
    throttle = Throttle(None)
    with (
        hanging_up(5) as (url, seen),
        httpx_client(throttle, url) as client,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        client.get("/x")
    assert len(seen) == 2


def test_requests_sends_a_get_once_more_and_never_a_post():
    throttle = Throttle(None)
    with hanging_up(1) as (url, seen), limited_session(throttle) as session:
        assert session.get(url + "/x").status_code == 200
    assert len(seen) == 2 and throttle.counts()["stale_connection_retries"] == 1
    # Not a ConnectionError, which Schemathesis would resend on its own
    with (
        hanging_up(1) as (url, seen),
        limited_session(throttle) as session,
        pytest.raises(UnansweredRequest) as raised,
    ):
        session.post(url + "/x", json={})
    assert not isinstance(raised.value, requests.exceptions.ConnectionError)
    assert len(seen) == 1


def test_a_refused_connection_is_not_a_stale_one():
    throttle = Throttle(None)
    with socket.create_server(("127.0.0.1", 0)) as unused:
        port = unused.getsockname()[1]
    with (
        httpx_client(throttle, f"http://127.0.0.1:{port}") as client,
        pytest.raises(httpx.ConnectError) as raised,
    ):
        client.get("/x")
    assert not dropped_before_answer(raised.value)
    assert throttle.counts()["stale_connection_retries"] == 0


def answering(*statuses: int, policy: RetryPolicy | None = None):
    sent: list[str] = []
    queue = list(statuses)

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return httpx.Response(queue.pop(0) if len(queue) > 1 else queue[0])

    throttle = Throttle(None, policy=policy or RetryPolicy())
    client = httpx.Client(
        base_url="http://target", transport=LimitedTransport(httpx.MockTransport(handler), throttle)
    )
    return client, sent, throttle


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_bare_gateway_answer_is_retried_with_backoff_and_counted(status):
    client, sent, throttle = answering(status, 200)
    assert client.get("/x").status_code == 200
    assert len(sent) == 2
    counts = throttle.counts()
    assert counts["gateway_retries"] == 1 and counts["gateway_wait_seconds"] > 0


def test_a_gateway_answer_that_persists_is_the_answer_judged():
    client, sent, _ = answering(502)
    assert client.get("/x").status_code == 502
    assert len(sent) == 1 + GATEWAY_RETRIES


def test_a_post_is_retried_after_a_503_only():
    client, sent, _ = answering(502, 200)
    assert client.post("/x").status_code == 502  # an upstream may have acted on it
    client, sent, _ = answering(503, 200)
    assert client.post("/x").status_code == 200  # the gateway took it to no upstream
    assert sent == ["POST", "POST"]


def test_a_gateway_status_the_spec_documents_is_the_apis_answer():
    client, sent, _ = answering(503, 200, policy=RetryPolicy(documented_gateway=frozenset({503})))
    assert client.get("/x").status_code == 503
    assert len(sent) == 1


def test_the_policy_reads_the_spec_with_its_overlays(tmp_path):
    """A gateway status an overlay documents is the API's answer, never retried; an operation
    it marks x-idempotent is repeatable, found by the spec's own routing."""
    overlay = tmp_path / "o.yaml"
    overlay.write_text(
        yaml.safe_dump(
            {
                "overlay": "1.0.0",
                "info": {"title": "t", "version": "1"},
                "actions": [
                    {
                        "target": "$.paths['/v1/orders/{orderId}/customerCareHold'].post",
                        "update": {
                            "x-idempotent": True,
                            "responses": {"503": {"description": "maintenance"}},
                        },
                    }
                ],
            }
        )
    )
    plain, corrected = policy_for(load_spec(SPEC_PATH)), policy_for(load_spec(SPEC_PATH, [overlay]))
    assert plain.gateway_retry(503, repeatable=True)
    assert not corrected.gateway_retry(503, repeatable=True)
    hold = "http://t/v1/orders/0123456789abcdef01234567/customerCareHold"
    assert corrected.repeatable("POST", hold) and not plain.repeatable("POST", hold)
    assert not corrected.repeatable("POST", "http://t/v1/orders")
    assert corrected.repeatable("PUT", "http://t/v1/orders/abc")


@contextmanager
def stale_on_reuse() -> Iterator[tuple[str, list[int]]]:
    """A keep-alive server that answers each connection's first request (slowly, so concurrent
    requests open connections of their own) and hangs up on its second: every pooled
    connection is stale. Yields (base URL, the number of each request on its connection)."""
    numbers: list[int] = []

    def connection(conn: socket.socket) -> None:
        with conn:
            for number in (1, 2):
                if not conn.recv(65536):
                    return
                numbers.append(number)
                if number == 2:
                    return  # the far side closed it while idle: no answer
                time.sleep(0.3)
                conn.sendall(OK)

    with serving(connection, threaded=True) as base_url:
        yield base_url, numbers


def test_the_resend_goes_on_a_new_connection_not_another_stale_one():
    """Two idle connections went stale together: the resend must not take the other one."""
    throttle = Throttle(None)
    with stale_on_reuse() as (url, numbers):
        with httpx.Client(base_url=url, transport=limited_transport(throttle)) as client:
            threads = [threading.Thread(target=client.get, args=("/x",)) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            resent = client.get("/x")
            assert resent.status_code == 200 and resent.json() == {}
            assert resent.elapsed.total_seconds() > 0  # read as from any transport
        with limited_session(throttle) as session:
            threads = [threading.Thread(target=session.get, args=(url + "/x",)) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert session.get(url + "/x").status_code == 200
    assert numbers.count(2) == 2  # one stale connection each, then a new one
    assert throttle.counts()["stale_connection_retries"] == 2


@contextmanager
def closing_as_reused() -> Iterator[tuple[str, list[int]]]:
    """A keep-alive server that answers each connection's first request at once and hangs up
    on its second unanswered, as a load balancer closing an idle connection just as it is
    reused. Yields (base URL, the number of each request on its connection)."""
    numbers: list[int] = []

    def connection(conn: socket.socket) -> None:
        with conn, conn.makefile("rb") as incoming:
            for number in (1, 2):
                if not read_request(incoming):
                    return
                numbers.append(number)
                if number == 2:
                    return
                conn.sendall(OK)

    with serving(connection, threaded=True) as base_url:
        yield base_url, numbers


def read_request(incoming: BinaryIO) -> bool:
    """Read one whole request (its head, then as many body bytes as it declares); False when
    the client closed the connection instead. A body may come in a write of its own."""
    length = 0
    line = incoming.readline()
    if not line:
        return False
    while line not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
        line = incoming.readline()
    incoming.read(length)
    return True


def test_a_post_after_a_pause_takes_a_fresh_connection():
    """Both transports: after the pool sat idle past REUSE_AFTER_IDLE, a POST goes on a new
    connection, so a connection closed as it was reused never costs a request its answer."""
    throttle = Throttle(None)
    with closing_as_reused() as (url, numbers):
        with httpx.Client(base_url=url, transport=limited_transport(throttle)) as client:
            assert client.post("/x", json={}).status_code == 200
            time.sleep(REUSE_AFTER_IDLE + 0.2)
            assert client.post("/x", json={}).status_code == 200
        with limited_session(throttle) as session:
            assert session.post(url + "/x", json={}).status_code == 200
            time.sleep(REUSE_AFTER_IDLE + 0.2)
            assert session.post(url + "/x", json={}).status_code == 200
    assert numbers == [1, 1, 1, 1]  # no request met a connection that hung up
    assert throttle.counts()["stale_connection_retries"] == 0


def test_a_post_straight_after_another_keeps_its_connection():
    """Without a pause the pool's connection is reused: the second POST is that connection's
    second request (which this server hangs up on), and is not sent again."""
    throttle = Throttle(None)
    with (
        closing_as_reused() as (url, numbers),
        httpx.Client(base_url=url, transport=limited_transport(throttle)) as client,
    ):
        assert client.post("/x", json={}).status_code == 200
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("/x", json={})
    assert numbers == [1, 2]
