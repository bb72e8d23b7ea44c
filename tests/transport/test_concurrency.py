"""--concurrency N: N streams of tests at once, and never more than N requests in flight.

The cap is tested on its own (threads of several processes holding slots, their moments compared
afterwards) and end to end: a run behind a proxy that makes every request take a while, as
across a network, and counts how many it holds at once.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from conformance.cli import build_parser
from conformance.commands.options import settings_from
from conformance.config.settings import REMOTE_CONCURRENCY, default_concurrency
from conformance.transport.in_flight import InFlightCap
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from tests.support.cli import live_env
from tests.support.proxy import CountingProxy, serve

HOLD = 0.05  # seconds each sender keeps its slot
THREADS, HOLDS = 3, 6  # per process


def hold_slots(limit: int, shared_path: str | None, log: Path, ready: Any = None) -> None:
    """THREADS threads, each taking a slot HOLDS times; every hold's start and end go to `log`.
    `ready`, a barrier, holds the start until every process has started."""
    cap = InFlightCap(limit, shared_path)
    moments: list[str] = []
    if ready is not None:
        ready.wait(timeout=60)

    def sender() -> None:
        for _ in range(HOLDS):
            with cap.slot():
                started = time.monotonic()
                time.sleep(HOLD)
                moments.append(f"{started} {time.monotonic()}\n")

    threads = [threading.Thread(target=sender) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    log.write_text("".join(moments))


def most_at_once(logs: list[Path]) -> int:
    events = []
    for log in logs:
        for line in log.read_text().splitlines():
            start, end = map(float, line.split())
            events += [(start, 1), (end, -1)]
    most = now = 0
    for _, change in sorted(events, key=lambda event: (event[0], event[1])):
        now += change
        most = max(most, now)
    return most


def test_threads_of_one_process_share_the_cap(tmp_path):
    hold_slots(2, None, tmp_path / "one.log")
    assert most_at_once([tmp_path / "one.log"]) == 2  # 3 senders, 2 slots: both in use, no more


def test_processes_share_the_cap_through_slot_files(tmp_path):
    shared = str(tmp_path / "bucket.sqlite")
    logs = [tmp_path / f"process{i}.log" for i in range(3)]
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Barrier(len(logs))
    processes = [spawn.Process(target=hold_slots, args=(4, shared, log, ready)) for log in logs]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    assert sum(len(log.read_text().splitlines()) for log in logs) == 3 * THREADS * HOLDS
    assert most_at_once(logs) == 4  # 9 senders in 3 processes, 4 slots


@pytest.mark.parametrize(
    ("base_url", "workers", "expected"),
    [
        (None, 1, 1),  # the embedded mock
        ("http://127.0.0.1:8080", 3, 3),
        ("http://localhost:8080", 1, 1),
        ("http://[::1]:8080", 2, 2),
        ("https://staging.ordermesh.example", 1, REMOTE_CONCURRENCY),
        ("https://10.1.2.3", REMOTE_CONCURRENCY + 4, REMOTE_CONCURRENCY + 4),
    ],
)
def test_the_default_follows_the_target(base_url, workers, expected):
    assert default_concurrency(base_url, workers) == expected


def test_an_explicit_concurrency_wins_and_sets_the_processes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no config file is found
    env = {"ORDERMESH_TOKEN": "t0ken", "ORDERMESH_MERCHANT_ID": "m-1"}

    def parse(*argv: str):
        args = build_parser().parse_args(["run", "--base-url", "https://staging.example", *argv])
        settings = settings_from(args, environ=env)
        return settings.concurrency, settings.processes

    assert parse() == (REMOTE_CONCURRENCY, REMOTE_CONCURRENCY)
    assert parse("--concurrency", "3") == (3, 3)
    assert parse("--concurrency", "2", "--workers", "4") == (2, 4)  # 4 processes, 2 in flight


@pytest.mark.slow
def test_a_run_keeps_at_most_n_requests_in_flight_and_uses_them(run_cli):
    url, stop = run_in_thread(MockConfig())
    # The watchdog's probe of the base URL is outside the cap (README, "--concurrency").
    proxy = CountingProxy(url, delay=0.03, uncounted=("/",))
    # writes too: their snapshot and audit reads go out together (conformance/transport/together.py)
    operations = ("getOrderById", "listNotes", "holdOrder", "updateOrder", "updateNote")
    try:
        with serve(proxy) as proxy_url:
            result = run_cli(
                "run",
                "--base-url",
                proxy_url,
                "--concurrency",
                "3",
                "--profile",
                "smoke",
                "--seed",
                "5",
                "--suite",
                "properties",
                *(arg for operation in operations for arg in ("--include", operation)),
                env=live_env(),
            )
    finally:
        stop()
    assert result.code == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "concurrency 3" in result.stdout
    print(f"{len(proxy.arrivals)} requests, at most {proxy.most_in_flight} in flight")
    assert len(proxy.arrivals) >= 40
    assert proxy.most_in_flight == 3
