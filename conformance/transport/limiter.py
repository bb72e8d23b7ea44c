"""One rate limit and one 429 policy for every request a run sends.

Generated cases (requests, through Schemathesis), oracle reads, setup, cleanup and token fetches
(httpx) all pass through the same `Throttle`, for both tenants. Across pytest-xdist workers the
limit is one pyrate-limiter SQLite bucket, file-locked, whose path the CLI hands every worker, so
`--rate-limit 5` means 5 requests per second for the whole run, not per process or per client.
The same `Throttle` holds a place among `--concurrency` requests in flight (in_flight.py) while a
request is out.

A 429, or a 503 with `Retry-After`, is waited out (seconds or an HTTP date, as Schemathesis parses
it) and the request sent again, at most `MAX_RETRIES` times with each wait capped at
`MAX_RETRY_WAIT` seconds; only then is the response judged like any other. The same loop sends
again a request safe to repeat whose stale keep-alive connection closed before it was answered,
and retries a bare 502/503/504 from a gateway with backoff (conformance/transport/transient.py says
which);
each kind is counted for summary.json. The transports also apply the run's connection options
(conformance/transport/connection.py): request timeout, TLS verification and the client certificate.
"""

from __future__ import annotations

import functools
import math
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from typing import TYPE_CHECKING

from pyrate_limiter import AbstractBucket, Duration, InMemoryBucket, Rate, RateItem, SQLiteBucket
from schemathesis.core.rate_limit import parse_retry_after

from conformance.transport import transient
from conformance.transport.connection import ConnectionOptions
from conformance.transport.in_flight import InFlightCap
from conformance.transport.transient import RetryPolicy

if TYPE_CHECKING:
    from conformance.config.settings import RunSettings

MAX_RETRIES = 5
MAX_RETRY_WAIT = 60.0  # seconds, Schemathesis' own cap on a Retry-After
DEFAULT_RETRY_WAIT = 1.0  # a 429 without Retry-After
# The bucket counts a request when it is let through, the server when it arrives; a window a
# little longer than a second keeps most arrivals within the limit too. A process descheduled
# between the two on a busy machine can still put one request more into a second: the documented
# burst allowance.
WINDOW_GUARD_MS = 200
BURST = 1
POLL_INTERVAL = 0.02  # seconds between tries for a place in a full window
DEFAULT_OPTIONS, DEFAULT_POLICY = ConnectionOptions(), RetryPolicy()
# Sees every exchange a transport of the run completes (coverage/record.py): method, URL,
# request headers and body, status, response headers and (decoded) body.
Observer = Callable[
    [str, str, Mapping[str, str], bytes | None, int, Mapping[str, str], bytes], None
]


def rates_for(per_second: float) -> list[Rate]:
    """Whole requests per second; below one, one request every 1/rate seconds."""
    if per_second >= 1:
        return [Rate(math.floor(per_second), Duration.SECOND + WINDOW_GUARD_MS)]
    return [Rate(1, math.ceil(1000 / per_second) + WINDOW_GUARD_MS)]


def build_bucket(per_second: float, shared_path: str | None = None) -> AbstractBucket:
    """In memory for one process; a file-locked SQLite bucket when processes share it."""
    if shared_path is None:
        return InMemoryBucket(rates_for(per_second))
    return SQLiteBucket.init_from_file(
        rates_for(per_second), table="ordermesh_run", db_path=shared_path, use_file_lock=True
    )


class Throttle:
    """Waits for the rate limit before each request and says how long to back off after one;
    with `in_flight`, also holds one of that many slots while the request is out (in_flight.py)."""

    def __init__(
        self,
        per_second: float | None,
        shared_path: str | None = None,
        in_flight: int | None = None,
        options: ConnectionOptions = DEFAULT_OPTIONS,
        policy: RetryPolicy = DEFAULT_POLICY,
    ) -> None:
        self._bucket = build_bucket(per_second, shared_path) if per_second else None
        self._cap = InFlightCap(in_flight, shared_path) if in_flight else None
        self._lock = threading.Lock()
        self.options = options
        self.policy = policy
        self.retries = 0  # requests sent again after a 429/503
        self.waited = 0.0  # seconds spent in those waits
        self.gateway_retries = 0  # sent again after a bare 502/503/504
        self.gateway_waited = 0.0
        self.stale_retries = 0  # sent again after a stale connection closed unanswered
        self.observer: Observer | None = None  # the run's coverage recorder, when it keeps one

    def acquire(self) -> None:
        """Wait for a place in the window. Each try is stamped with the time it is made:
        pyrate-limiter's own blocking wait stamps the time it planned to wake, and a process
        that oversleeps on a busy machine would then be counted too early."""
        if self._bucket is None:
            return
        # pyrate-limiter leaves `now` unannotated
        while not self._bucket.put(RateItem("ordermesh", self._bucket.now())):  # type: ignore[no-untyped-call]
            time.sleep(POLL_INTERVAL)

    def backoff(
        self, status: int, headers: Mapping[str, str], attempt: int, repeatable: bool = True
    ) -> float | None:
        """Seconds to wait before sending again, or None: take the response as it is."""
        retry_after = headers.get("retry-after")
        if attempt >= MAX_RETRIES:
            return None
        if status == 429 or (status == 503 and retry_after):
            delay = parse_retry_after(retry_after) if retry_after else None
            delay = DEFAULT_RETRY_WAIT if delay is None else min(delay, MAX_RETRY_WAIT)
            self._count("retries", "waited", delay)
            return delay
        # A plain 503 the spec documents is the target's answer, not a gateway's.
        if attempt < transient.GATEWAY_RETRIES and self.policy.gateway_retry(status, repeatable):
            delay = transient.GATEWAY_BACKOFF * 2.0**attempt
            self._count("gateway_retries", "gateway_waited", delay)
            return delay
        return None

    def _count(self, retries: str, waited: str, delay: float) -> None:
        with self._lock:
            setattr(self, retries, getattr(self, retries) + 1)
            setattr(self, waited, getattr(self, waited) + delay)

    def send(
        self,
        attempt_once: Callable[[bool], tuple[int, Mapping[str, str]]],
        method: str,
        url: str,
        last_used: float | None = None,
    ) -> None:
        """Call `attempt_once(fresh)` until it returns a response not to retry. A connection
        that closed unanswered raises, unless the request is safe to repeat and this is its
        first: then it goes again with `fresh` true, on a new connection (the pool's other idle
        connections may have gone stale at the same moment). A request not safe to repeat goes
        with `fresh` true when its sender's pool was last used (`last_used`, monotonic) longer
        ago than `transient.REUSE_AFTER_IDLE`: it never risks a connection the far side may be
        closing."""
        repeatable = self.policy.repeatable(method, url)
        attempt, resent_stale = 0, False
        while True:
            self.acquire()
            idle = time.monotonic() - last_used if last_used is not None else 0.0
            fresh = resent_stale or (not repeatable and idle > transient.REUSE_AFTER_IDLE)
            try:
                with self._cap.slot() if self._cap else nullcontext():
                    status, headers = attempt_once(fresh)
            except Exception as exc:
                if resent_stale or not repeatable or not transient.dropped_before_answer(exc):
                    raise
                resent_stale = True
                with self._lock:
                    self.stale_retries += 1
                continue
            finally:
                if not fresh:  # a fresh connection is a one-off: the pool's stay idle
                    last_used = time.monotonic()
            delay = self.backoff(status, headers, attempt, repeatable)
            if delay is None:
                return
            time.sleep(delay)
            attempt += 1

    def counts(self) -> dict[str, float]:
        """What summary.json's `requests` block shows of this process's retries."""
        with self._lock:
            return {
                "throttled_retries": self.retries,
                "throttled_wait_seconds": round(self.waited, 1),
                "gateway_retries": self.gateway_retries,
                "gateway_wait_seconds": round(self.gateway_waited, 1),
                "stale_connection_retries": self.stale_retries,
            }


@functools.cache
def throttle_for(
    per_second: float | None,
    shared_path: str | None,
    in_flight: int | None = None,
    options: ConnectionOptions = DEFAULT_OPTIONS,
    policy: RetryPolicy = DEFAULT_POLICY,
) -> Throttle:
    """The process's one throttle for a run's settings, whoever asks for it."""
    return Throttle(per_second, shared_path, in_flight, options, policy)


def run_throttle(settings: RunSettings) -> Throttle:
    """The one throttle of a run: its rate limit, its cap on requests in flight, its connection
    options and what it may send again."""
    return throttle_for(
        settings.rate_limit,
        settings.limiter_path,
        settings.concurrency,
        ConnectionOptions.of(settings),
        transient.policy_for(settings.load_spec()),
    )
