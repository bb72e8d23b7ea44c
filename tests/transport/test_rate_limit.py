"""One rate limit for the whole run, and 429s waited out rather than judged.

The end-to-end tests put a counting proxy (tests/conformance/proxy.py) between the run and the
mock, so every request of every process is seen, token fetches and preflight included.
"""

from __future__ import annotations

import time
from email.utils import formatdate

import httpx
import pytest

from conformance.transport.limiter import BURST, MAX_RETRIES, Throttle
from conformance.transport.transient import GATEWAY_RETRIES
from conformance.transport.transports import LimitedTransport
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from tests.support.cli import live_env
from tests.support.proxy import CountingProxy, serve

# A small run of some 150 requests: two read operations and their link-following, no writes.
SMALL_RUN = (
    "--profile",
    "ci",
    "--seed",
    "3",
    "--read-only",
    "--include",
    "getOrderById",
    "--include",
    "listNotes",
)


@pytest.fixture
def mock_url():
    url, stop = run_in_thread(MockConfig())
    yield url
    stop()


def transport_answering(*responses: httpx.Response) -> tuple[LimitedTransport, list[float]]:
    sent: list[float] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(time.monotonic())
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return LimitedTransport(httpx.MockTransport(handler), Throttle(None)), sent


@pytest.mark.parametrize(
    "retry_after", ["0", formatdate(time.time() - 5, usegmt=True)], ids=["seconds", "http-date"]
)
def test_a_429_is_waited_out_and_sent_again(retry_after):
    transport, sent = transport_answering(
        httpx.Response(429, headers={"Retry-After": retry_after}), httpx.Response(200)
    )
    with httpx.Client(transport=transport, base_url="http://target") as client:
        assert client.get("/x").status_code == 200
    assert len(sent) == 2


def test_a_503_with_retry_after_is_waited_out_then_a_bare_one_is_a_gateways():
    transport, sent = transport_answering(
        httpx.Response(503, headers={"Retry-After": "0"}), httpx.Response(503)
    )
    with httpx.Client(transport=transport, base_url="http://target") as client:
        assert client.get("/x").status_code == 503
    # the Retry-After wait, then the bare 503 retried with backoff (tests/.../test_transient.py)
    assert len(sent) == 1 + GATEWAY_RETRIES


def test_a_429_that_persists_is_returned_after_the_documented_retries():
    transport, sent = transport_answering(httpx.Response(429, headers={"Retry-After": "0"}))
    with httpx.Client(transport=transport, base_url="http://target") as client:
        assert client.get("/x").status_code == 429
    assert len(sent) == MAX_RETRIES + 1


def test_the_limit_holds_in_memory():
    throttle = Throttle(5)
    started = time.monotonic()
    for _ in range(11):
        throttle.acquire()
    assert time.monotonic() - started >= 2.0  # 5, then 5 more a second later, then 1


def test_two_workers_share_one_limit(run_cli, mock_url):
    proxy = CountingProxy(mock_url)
    with serve(proxy) as url:
        result = run_cli(
            "run",
            "--base-url",
            url,
            "--workers",
            "2",
            "--rate-limit",
            "5",
            *SMALL_RUN,
            env=live_env(),
        )
    assert result.code == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert len(proxy.arrivals) >= 80  # enough to have pushed against the limit
    busiest, window = proxy.busiest_second()
    print(f"{len(proxy.arrivals)} requests, busiest second {busiest}")
    assert busiest <= 5 + BURST, "\n".join(window)


def test_throttled_run_passes_and_waits_only_what_it_was_told(run_cli, mock_url):
    plain = CountingProxy(mock_url)
    with serve(plain) as url:
        started = time.monotonic()
        baseline = run_cli("run", "--base-url", url, *SMALL_RUN, env=live_env())
        plain_seconds = time.monotonic() - started
    throttling = CountingProxy(mock_url, throttle_every=7, retry_after="1")
    with serve(throttling) as url:
        started = time.monotonic()
        result = run_cli("run", "--base-url", url, *SMALL_RUN, env=live_env())
        throttled_seconds = time.monotonic() - started
    assert baseline.code == 0, baseline.stdout[-3000:]
    assert result.code == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.summary["totals"]["failures"] == 0
    told = throttling.throttled * 1.0
    print(
        f"{throttling.throttled} 429s, {plain_seconds:.1f}s plain, "
        f"{throttled_seconds:.1f}s throttled"
    )
    assert throttling.throttled >= 10
    assert result.summary["requests"]["throttled_retries"] >= throttling.throttled - 1
    # One retry per 429; the run's extra time is those waits, plus noise on a shared machine.
    assert throttled_seconds - plain_seconds <= told + max(10.0, plain_seconds * 0.5)
