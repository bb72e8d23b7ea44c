"""The same seed gives the same run: on a quiet machine and on a loaded one, and at any
--concurrency.

Two smoke runs with one seed, each against a fresh embedded mock: the second while busy loops
load every core (bounded in time and killed when the run ends), or with four tests at once. The
digest of the requests sent (method, path template, status, counted) that summary.json records
must be the same.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from e2e_targets import run_conformance, summary_of

SEED = "77"
LOAD_SECONDS = 240  # each busy loop ends by itself after this, whatever happens to the test
BUSY = "import time\nend = time.monotonic() + {seconds}\nwhile time.monotonic() < end:\n    pass"


def busy_loops(count: int) -> list[subprocess.Popen]:
    code = BUSY.format(seconds=LOAD_SECONDS)
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(count)]


def smoke(reports, *extra: str) -> dict:
    arguments = ("--profile", "smoke", "--seed", SEED, *extra)
    result = run_conformance(*arguments, reports=reports, timeout=400)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return summary_of(reports)


@pytest.mark.slow
@pytest.mark.long
def test_the_same_seed_sends_the_same_requests_under_load(tmp_path):
    quiet = smoke(tmp_path / "quiet")
    loops = busy_loops(os.cpu_count() or 2)
    try:
        loaded = smoke(tmp_path / "loaded")
    finally:
        for loop in loops:
            loop.kill()
            loop.wait()
    assert_same_requests(quiet, loaded)


@pytest.mark.slow
@pytest.mark.long
def test_the_same_seed_sends_the_same_requests_at_any_concurrency(tmp_path):
    one_at_a_time = smoke(tmp_path / "one")
    four_at_once = smoke(tmp_path / "four", "--concurrency", "4")
    assert_same_requests(one_at_a_time, four_at_once)


def assert_same_requests(first: dict, second: dict) -> None:
    differing = {
        op: (entry["status_codes"], second["operations"][op]["status_codes"])
        for op, entry in first["operations"].items()
        if entry["status_codes"] != second["operations"][op]["status_codes"]
    }
    assert not differing, differing
    assert first["totals"]["positive_cases"] == second["totals"]["positive_cases"]
    assert len(first["request_digest"]) == 64
    assert first["request_digest"] == second["request_digest"]
