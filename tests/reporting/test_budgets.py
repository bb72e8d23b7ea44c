"""`--max-failures` and `--max-duration`: the run stops starting work, reports what ran, exits 1."""

from __future__ import annotations

import time

# A fault most tests trip over: every order read misses a required field.
FAULTY = ("--fault", "order-missing-status")


def assert_incomplete(result, reason: str) -> None:
    summary = result.summary
    assert result.code == 1, result.stdout[-3000:] + result.stderr[-3000:]
    assert summary["complete"] is False
    assert reason in summary["incomplete_reason"]
    assert (result.reports / "junit.xml").is_file()
    assert summary["totals"]["tests"]["skipped"] > 0  # the work that was not started


def test_max_failures_stops_after_the_first_failed_test(run_cli):
    result = run_cli("run", "--profile", "smoke", "--seed", "2", "--max-failures", "1", *FAULTY)
    assert_incomplete(result, "--max-failures 1 reached")
    assert result.summary["totals"]["tests"]["failed"] == 1


def test_max_duration_stops_new_work_at_the_deadline(run_cli):
    started = time.monotonic()
    # A ci-profile run takes several times this even on a quiet machine; the deadline counts
    # from the start, collection included.
    result = run_cli("run", "--profile", "ci", "--seed", "2", "--max-duration", "12")
    elapsed = time.monotonic() - started
    assert_incomplete(result, "--max-duration 12s reached")
    # The deadline, then the case in flight, cleanup and the reports.
    assert elapsed < 12 + 40, elapsed


def test_a_run_within_its_budgets_is_complete(run_cli):
    result = run_cli(
        "run",
        "--profile",
        "smoke",
        "--seed",
        "2",
        "--include",
        "listNotes",
        "--read-only",
        "--max-failures",
        "5",
        "--max-duration",
        "600",
    )
    assert result.code == 0, result.stdout[-3000:]
    assert result.summary["complete"] is True
    assert "incomplete_reason" not in result.summary
