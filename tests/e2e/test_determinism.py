"""The same seed gives the same run, on a quiet machine and on a loaded one.

Two smoke runs with one seed, each against a fresh embedded mock, the second while busy loops
load every core (bounded in time and killed when the run ends). The digest of the requests sent
(method, path template, status, counted) that summary.json records must be the same.
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


def smoke(reports) -> dict:
    result = run_conformance("--profile", "smoke", "--seed", SEED, reports=reports, timeout=400)
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
    differing = {
        op: (entry["status_codes"], loaded["operations"][op]["status_codes"])
        for op, entry in quiet["operations"].items()
        if entry["status_codes"] != loaded["operations"][op]["status_codes"]
    }
    assert not differing, differing
    assert quiet["totals"]["positive_cases"] == loaded["totals"]["positive_cases"]
    assert len(quiet["request_digest"]) == 64
    assert quiet["request_digest"] == loaded["request_digest"]
