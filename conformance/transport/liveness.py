"""Is the target still there? A TCP probe, and a watchdog that stops a run whose target left.

A target that dies mid-run turns every remaining case into a connection error. Without a watch,
the run grinds through them all and reports each as a failure of its own; with it, the run stops
within seconds and says what happened, once.

Behind a gateway the target can leave while the port still answers: the gateway accepts every
connection and answers 502, 503 or 504 itself. The watchdog then also asks the base URL over
HTTP, seldom (the shared API's budget is the run's, not the watchdog's). A gateway status that
follows a healthy answer and persists for `GATEWAY_DOWN_AFTER` seconds is a target gone; one
gateway answer is a blip the transport retries (transient.py).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from conformance.transport.transient import GATEWAY_STATUSES

PROBE_TIMEOUT = 2.0
PROBE_INTERVAL = 1.0
MISSES_TO_GIVE_UP = 2  # one refused connect may be a restart blip; two in a row is gone
GATEWAY_PROBE_INTERVAL = 5.0  # seconds between the watchdog's HTTP probes
GATEWAY_DOWN_AFTER = 15.0  # seconds of gateway answers, after a healthy one, that mean gone


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


def status_at(base_url: str, timeout: float = PROBE_TIMEOUT) -> int | None:
    """The status a GET of the base URL answers, or None when nothing answers over HTTP. Only
    the status is read and no credentials are sent, so a private CA need not be trusted here."""
    try:
        return httpx.get(base_url, timeout=timeout, verify=False).status_code
    except httpx.HTTPError:
        return None


@dataclass
class GatewayWatch:
    """Whether a gateway has answered for the target, and for how long, since it was healthy."""

    base_url: str
    healthy_seen: bool = False
    down_since: float | None = None
    next_probe: float = 0.0
    status: int | None = None

    def gone(self, now: float) -> bool:
        if now < self.next_probe:
            return False
        self.next_probe = now + GATEWAY_PROBE_INTERVAL
        self.status = status_at(self.base_url)
        if self.status is None:
            return False  # silence is the TCP probe's to judge
        if self.status not in GATEWAY_STATUSES:
            self.healthy_seen, self.down_since = True, None
            return False
        if not self.healthy_seen:
            return False  # a base URL that always answers 503 says nothing about leaving
        self.down_since = self.down_since if self.down_since is not None else now
        return now - self.down_since >= GATEWAY_DOWN_AFTER

    def reason(self) -> str:
        return f"its gateway answered {self.status} for {GATEWAY_DOWN_AFTER:.0f} s"


def watch(process: subprocess.Popen[bytes], base_url: str) -> str | None:
    """Wait for `process` (started in a session of its own); interrupt it, so it still writes
    what it has, if the target stops answering. Returns why the target went away ("" when it
    stopped accepting connections), or None when it stayed."""
    misses, gateway = 0, GatewayWatch(base_url)
    try:
        while process.poll() is None:
            time.sleep(PROBE_INTERVAL)
            if process.poll() is not None:
                break
            misses = 0 if answers(base_url) else misses + 1
            if misses >= MISSES_TO_GIVE_UP:
                stop(process)
                return ""
            if misses == 0 and gateway.gone(time.monotonic()):
                stop(process)
                return gateway.reason()
    except KeyboardInterrupt:
        stop(process)
        raise
    return None


def stop(process: subprocess.Popen, grace: float = 20.0) -> None:
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
