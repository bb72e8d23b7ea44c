"""`--max-failures` and `--max-duration`: when a run stops starting new work.

Every pytest process of the run checks the same two limits before each test, each generated
case and each lifecycle step: the wall-clock deadline the CLI set, and the number of failed tests
so far, which every process appends to one file in the reports dir (one byte per failure, so the
file's size is the count). Past either, new work is skipped with the reason; what already ran is
reported as usual and the CLI marks the run incomplete.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conformance.config.settings import RunSettings
from conformance.reporting.stats import PARTS_DIR

FAILURES_FILE = "failed-tests.count"
stopped: set[str] = set()  # this process's reasons for skipping work, for run_counts


def _failures_path(settings: RunSettings) -> Path:
    return Path(settings.reports_dir) / PARTS_DIR / FAILURES_FILE


def note_failure(settings: RunSettings) -> None:
    path = _failures_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "ab") as handle:  # appends of one byte do not interleave
        handle.write(b"x")


def failures_so_far(settings: RunSettings) -> int:
    try:
        return os.path.getsize(_failures_path(settings))
    except OSError:
        return 0


def stop_reason(settings: RunSettings) -> str | None:
    if settings.deadline is not None and time.time() >= settings.deadline:
        return f"--max-duration {settings.max_duration:g}s reached"
    if settings.max_failures and failures_so_far(settings) >= settings.max_failures:
        return f"--max-failures {settings.max_failures} reached"
    return None


def check(settings: RunSettings) -> None:
    """Skip the work about to start when the run is over budget."""
    reason = stop_reason(settings)
    if reason:
        stopped.add(reason)
        pytest.skip(f"not started: {reason}")
