"""At most N requests in flight for a whole run, however many processes and threads send them.

`--concurrency N` runs N streams of independent tests at once (pytest-xdist workers), and each
stream may send a few independent reads together (conformance/transport/together.py). The cap here
is what
makes N an upper bound on what a shared staging API sees at one moment. A sender holds one slot
for one request, from sending until the answer's headers arrive (the body, read afterwards, is
not waited for), and never two slots at once, so senders cannot deadlock on them.

One process keeps the slots in a semaphore. Processes that share a run keep them as N lock files
next to the run's rate-limit bucket (filelock: an OS lock per slot, released by the OS if a
worker dies).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

POLL_INTERVAL = 0.002  # seconds between looks for a free slot when every slot is taken


class InFlightCap:
    """`limit` slots: a request is sent while it holds one."""

    def __init__(self, limit: int, shared_path: str | None = None) -> None:
        if limit < 1:
            raise ValueError(f"at least one request must be allowed in flight, got {limit}")
        self.limit = limit
        self._semaphore = threading.BoundedSemaphore(limit) if shared_path is None else None
        self._paths = [f"{shared_path}.slot{i}" for i in range(limit)] if shared_path else []
        self._local = threading.local()  # each thread locks through its own file handles

    @contextmanager
    def slot(self) -> Iterator[None]:
        if self._semaphore is not None:
            with self._semaphore:
                yield
            return
        lock = self._take_a_file_slot()
        try:
            yield
        finally:
            lock.release()

    def _file_locks(self) -> list[FileLock]:
        locks: list[FileLock] | None = getattr(self._local, "locks", None)
        if locks is None:
            # One lock object per thread and slot: two threads of one process must exclude each
            # other as two processes do, so each opens its own handle on the slot's file.
            locks = [
                FileLock(path, thread_local=False, preserve_lock_file=True) for path in self._paths
            ]
            self._local.locks = locks
        return locks

    def _take_a_file_slot(self) -> FileLock:
        locks = self._file_locks()
        # Spread the first tries over the slots, so senders rarely try a taken one.
        first = (os.getpid() + threading.get_ident()) % len(locks)
        while True:
            for index in range(len(locks)):
                lock = locks[(first + index) % len(locks)]
                try:
                    lock.acquire(timeout=0)
                except Timeout:
                    continue
                return lock
            time.sleep(POLL_INTERVAL)
