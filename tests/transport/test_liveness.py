"""The watchdog's view of a target behind a gateway (conformance/transport/liveness.py): a
gateway status that follows a healthy answer and persists is a target gone; a blip is not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from conformance.transport.liveness import GATEWAY_DOWN_AFTER, GATEWAY_PROBE_INTERVAL, GatewayWatch
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from tests.support.proxy import CountingProxy, serve


@pytest.fixture
def gateway() -> Iterator[tuple[CountingProxy, str]]:
    """A gateway in front of a healthy mock; set `down` to make its upstream leave."""
    upstream, stop = run_in_thread(MockConfig())
    proxy = CountingProxy(upstream)
    try:
        with serve(proxy) as url:
            yield proxy, url
    finally:
        stop()


def probes(watch: GatewayWatch, seconds: float) -> list[bool]:
    """What the watch says at each probe over `seconds` of (simulated) time from 0."""
    steps = int(seconds / GATEWAY_PROBE_INTERVAL) + 1
    return [watch.gone(i * GATEWAY_PROBE_INTERVAL) for i in range(steps)]


def test_a_gateway_answering_for_its_upstream_long_enough_is_a_target_gone(gateway):
    proxy, url = gateway
    watch = GatewayWatch(url)
    assert watch.gone(0.0) is False  # healthy: the mock answers the base URL itself
    proxy.down = True
    said = [watch.gone(GATEWAY_PROBE_INTERVAL * i) for i in range(1, 6)]
    assert said[-1] is True, said
    assert said.index(True) * GATEWAY_PROBE_INTERVAL >= GATEWAY_DOWN_AFTER
    assert watch.reason() == f"its gateway answered 503 for {GATEWAY_DOWN_AFTER:.0f} s"


def test_a_blip_between_healthy_answers_is_no_target_gone(gateway):
    proxy, url = gateway
    watch = GatewayWatch(url)
    seen = []
    for i in range(8):  # healthy, then 503 on every other probe
        proxy.down = bool(i % 2)
        seen.append(watch.gone(i * GATEWAY_PROBE_INTERVAL))
    assert seen == [False] * 8


def test_a_base_url_that_never_answered_healthy_is_not_judged(gateway):
    proxy, url = gateway
    proxy.down = True
    assert not any(probes(GatewayWatch(url), GATEWAY_DOWN_AFTER * 2))


def test_probes_are_spaced_so_the_watch_spends_little_of_the_shared_budget(gateway):
    proxy, url = gateway
    watch = GatewayWatch(url)
    for tenth in range(100):  # ten seconds of the watchdog's one-second ticks, and more
        watch.gone(tenth / 10)
    assert len(proxy.seen) == int(10 / GATEWAY_PROBE_INTERVAL)
