"""Reads that do not depend on each other, sent at once.

Against a real network a run's wall time is mostly its sequential round trips (issue 19,
bench/README.md). A resource and its audit log, the audit logs of an order and of each of its
items: none of these reads needs another's answer, so they go out together and cost one round
trip instead of one each. Each is still a request of its own through the run's throttle
(conformance/transport/limiter.py), and the results come back in the order asked, so whatever
judges them
sees the same thing as when they were sent one by one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
IN_FLIGHT = 8  # reads at once per process, besides the caller's own

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=IN_FLIGHT, thread_name_prefix="together")
        return _pool


def together(calls: list[Callable[[], T]]) -> list[T]:
    """Every call's result, in order; the first runs in the caller's thread, the rest meanwhile.
    The first exception in that order is raised, once every call has finished. Calls must not
    call `together` themselves (the pool is small and shared)."""
    if len(calls) < 2:
        return [call() for call in calls]
    futures = [_executor().submit(call) for call in calls[1:]]
    try:
        first = calls[0]()
    finally:
        wait(futures)  # none left running behind the caller's back
    return [first, *(future.result() for future in futures)]
