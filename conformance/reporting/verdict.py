"""The run's verdict: its exit code, and the summary.json that says why.

`run` hands over what its processes left (`RunFacts`) and pytest's exit; this module adds what
the run proposes and counted, holds the failures to the baseline and the lifecycle threshold,
and decides the code, so that the command itself sets nothing on the record it writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from conformance.coverage import floor as coverage_floor
from conformance.coverage.changes import add_changes
from conformance.exit_codes import Exit
from conformance.failures.baseline import judge
from conformance.failures.categories import SUITE_ERROR
from conformance.reporting import run_counts
from conformance.reporting.evidence import propose
from conformance.reporting.outcome import FailureRecord, RunOutcome
from conformance.reporting.summary import RunFacts, build_summary, lifecycle_shortfall


def conclude(
    facts: RunFacts, status: Exit, scenarios: dict[str, frozenset[str]]
) -> tuple[RunOutcome, Exit]:
    """summary.json and the exit code of a run whose tests ended with `status`. `scenarios`:
    every lifecycle scenario with the operations it calls, for the coverage threshold."""
    settings = facts.settings
    reports = Path(settings.reports_dir)
    outcome = build_summary(facts)
    target = settings.base_url or "embedded mock"
    outcome["spec_overlay"] = propose(str(reports), facts.spec, target, settings.run_id)
    status = add_run_counts(outcome, reports, status)
    record = cast(dict[str, Any], outcome)  # failures/ and coverage/ read it as plain JSON
    status = Exit(judge(settings, record, status))  # known ones pass
    add_changes(settings.changes, facts.spec, record)  # run --changes: which were tested
    shortfall = lifecycle_shortfall(settings, outcome, scenarios) or coverage_floor.judge(
        settings, facts.spec, record
    )
    if status == Exit.OK and shortfall:
        outcome["passed"], outcome["error"], status = False, shortfall, Exit.FAILURES
    if status == Exit.OK and not outcome["passed"]:
        status = Exit.FAILURES
    if status == Exit.FAILURES and only_our_own(outcome["failures"]):
        status = Exit.INTERNAL  # nothing failed but our own code: nothing to blame the API for
    if status == Exit.TARGET:  # lost before, or while, any operation finished
        outcome["complete"], outcome["incomplete_reason"] = False, facts.error
    outcome["exit_code"] = int(status)
    return outcome, status


def only_our_own(failures: list[FailureRecord]) -> bool:
    return bool(failures) and all(f["category"] == SUITE_ERROR for f in failures)


def add_run_counts(outcome: RunOutcome, reports: Path, status: Exit) -> Exit:
    """Token renewals and throttling into the summary; a run cut short by a budget is
    incomplete, which is exit 1 even when everything that ran passed."""
    counts, stopped = run_counts.total(str(reports))
    outcome["requests"] = counts
    outcome["complete"] = not stopped
    if stopped:
        outcome["incomplete_reason"] = "; ".join(stopped)
        outcome["passed"] = False
        return Exit.FAILURES if status == Exit.OK else status
    return status
