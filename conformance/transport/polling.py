"""Poll until fresh: the one way the suite waits out replica lag.

A staging replica may answer a read with the version before the last write. Every read the
suite uses to set up or judge a case goes through `poll_until`: read, and read again until the
answer is fresh or `--poll-timeout` has passed. A write that never shows is then a defect,
reported by whoever asked; a write that shows late is not.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
INTERVAL = 0.1  # seconds between reads


def poll_until(
    read: Callable[[], T], fresh: Callable[[T], bool], timeout: float, interval: float = INTERVAL
) -> T:
    """The first fresh answer of `read`, or its last answer once `timeout` has passed."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if fresh(value) or time.monotonic() >= deadline:
            return value
        time.sleep(interval)


class WriteLog:
    """Which audited writes the suite's own client made, per resource id.

    A snapshot of a resource the factory just made is fresh once its audit log shows those
    writes; before that, a lagging replica is still answering with an older version.
    """

    def __init__(self) -> None:
        self._writes: dict[str, Counter[str]] = defaultdict(Counter)
        self._settled: set[str] = set()  # seen fresh, or waited for once already
        self._lock = threading.Lock()

    def record(self, resource_ids: list[str], action: str) -> None:
        with self._lock:
            for resource_id in resource_ids:
                self._writes[resource_id][action] += 1
                self._settled.discard(resource_id)

    def knows(self, resource_id: str) -> bool:
        with self._lock:
            return resource_id in self._writes

    def pending(self, resource_id: str, parent_id: str | None = None) -> bool:
        """Written by us (or its parent was) and not yet settled: worth waiting for. Settled
        ones are read once, so a replay of a case (shrinking) never waits twice."""
        with self._lock:
            written = resource_id in self._writes or (parent_id in self._writes)
            return written and resource_id not in self._settled

    def settle(self, resource_id: str) -> None:
        with self._lock:
            self._settled.add(resource_id)

    def shown_by(self, resource_id: str, events: list[dict[str, object]] | None) -> bool:
        """Whether `events` (an audit log) shows every write we made to the resource."""
        with self._lock:
            wanted = dict(self._writes.get(resource_id, {}))
        if not wanted:
            return True
        seen = Counter(event.get("action") for event in events or [])
        return all(seen[action] >= count for action, count in wanted.items())
