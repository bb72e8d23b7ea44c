"""Is the target still there? A TCP probe, and a watchdog that stops a run whose target left.

A target that dies mid-run turns every remaining case into a connection error. Without a watch,
the run grinds through them all and reports each as a failure of its own; with it, the run stops
within seconds and says what happened, once.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from urllib.parse import urlsplit

PROBE_TIMEOUT = 2.0
PROBE_INTERVAL = 1.0
MISSES_TO_GIVE_UP = 2  # one refused connect may be a restart blip; two in a row is gone


def host_port(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    default = 443 if parts.scheme == "https" else 80
    return parts.hostname or "127.0.0.1", parts.port or default


def answers(base_url: str, timeout: float = PROBE_TIMEOUT) -> bool:
    """Whether something accepts TCP connections where the target should be."""
    try:
        with socket.create_connection(host_port(base_url), timeout=timeout):
            return True
    except OSError:
        return False


def watch(process: subprocess.Popen[bytes], base_url: str) -> bool:
    """Wait for `process` (started in a session of its own); interrupt it, so it still writes
    what it has, if the target stops answering. Returns True if the target went away."""
    misses = 0
    try:
        while process.poll() is None:
            time.sleep(PROBE_INTERVAL)
            if process.poll() is not None:
                break
            misses = 0 if answers(base_url) else misses + 1
            if misses >= MISSES_TO_GIVE_UP:
                stop(process)
                return True
    except KeyboardInterrupt:
        stop(process)
        raise
    return False


def stop(process: subprocess.Popen[bytes], grace: float = 20.0) -> None:
    """SIGINT to the whole group: pytest and each xdist worker finish their session and write
    the stats they have; a kill only if they do not within `grace` seconds."""
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
