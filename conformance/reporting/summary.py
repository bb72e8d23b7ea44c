"""summary.json, built as a `RunOutcome` from what the run's processes counted, and the terminal
summary table."""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from conformance.checks.not_run import checks_not_run
from conformance.config.selection import all_scenarios_run
from conformance.config.settings import RunSettings
from conformance.coverage.build import coverage_of
from conformance.failures.baseline import baseline_lines, known_fingerprints
from conformance.failures.categories import SUITE_ERROR, kind_of
from conformance.reporting import exit_outputs
from conformance.reporting.outcome import (
    FailureRecord,
    LifecycleCoverage,
    NotStarted,
    OperationEntry,
    RunOutcome,
    Selection,
    TestTotals,
    Totals,
)
from conformance.versions import git_revision, versions
from spec import Lifecycle, Spec


@dataclass(frozen=True)
class RunFacts:
    """What a run, or the merge of its shards, leaves for summary.json, before any verdict."""

    settings: RunSettings
    spec: Spec
    lifecycle: Lifecycle
    merged: dict[str, Any]  # reporting/stats.py merge_parts
    duration: float
    tests_passed: bool
    error: str | None = None
    tests: TestTotals | None = None
    embedded: bool | None = None  # `run` knows whether it started the mock; settings do not
    failed: dict[str, str] = field(default_factory=dict)  # failed JUnit test -> its message


def build_summary(facts: RunFacts) -> RunOutcome:
    settings, spec, merged = facts.settings, facts.spec, facts.merged
    operations = operation_entries(spec, merged)
    failures = failure_records(merged, facts.failed, settings.seed)
    return {
        "request_digest": request_digest(spec, operations),
        "seed": settings.seed,
        "profile": settings.profile,
        "target": settings.base_url,
        "embedded_mock": facts.embedded if facts.embedded is not None else not settings.base_url,
        "mock_faults": list(settings.mock_faults),
        "run_id": settings.run_id,
        "spec_version": spec.version,
        "versions": versions(spec.version),
        "git_revision": git_revision(),
        "duration_seconds": round(facts.duration, 1),
        "totals": totals_of(spec, merged, operations, failures, facts.tests),
        "operations": operations,
        "checks": dict(merged["checks"]),
        "checks_not_run": checks_not_run(settings),
        "failures": failures,
        "lifecycle": lifecycle_coverage(facts.lifecycle, merged["lifecycle"]),
        "coverage": coverage_of(spec, facts.lifecycle, merged),  # what the run tested (coverage/)
        "blocked": {
            name: sorted(lines) for name, lines in sorted(merged.get("blocked", {}).items())
        },
        "selection": selection_of(settings),
        "error": facts.error,
        "passed": facts.tests_passed and not failures and facts.error is None,
    }


def operation_entries(spec: Spec, merged: dict[str, Any]) -> dict[str, OperationEntry]:
    operations: dict[str, OperationEntry] = {}
    for op in spec.operations:
        entry = merged["operations"].get(op.operation_id)
        operations[op.operation_id] = {
            "tested": bool(entry and entry["cases"]),
            "cases": entry["cases"] if entry else 0,
            "failures": entry["failures"] if entry else 0,
            "status_codes": dict(entry["status_codes"]) if entry else {},
        }
        blocked_by = merged.get("blocked", {}).get(op.operation_id)
        if blocked_by:
            operations[op.operation_id]["blocked_by"] = sorted(blocked_by)
    return operations


def totals_of(
    spec: Spec,
    merged: dict[str, Any],
    operations: dict[str, OperationEntry],
    failures: list[FailureRecord],
    tests: TestTotals | None,
) -> Totals:
    positive = sum(e["positive"] for e in merged["operations"].values())
    positive_2xx = sum(e["positive_2xx"] for e in merged["operations"].values())
    return {
        "operations": len(spec.operations),
        "operations_tested": sum(1 for e in operations.values() if e["tested"]),
        "cases": sum(e["cases"] for e in operations.values()),
        "failures": len(failures),
        "positive_cases": positive,
        "positive_2xx": positive_2xx,
        "positive_2xx_share": round(positive_2xx / positive, 4) if positive else None,
        "setup_errors": sum(merged["setup_errors"].values()),
        "blocked_cases": sum(sum(v.values()) for v in merged.get("blocked", {}).values()),
        "tests": tests or no_tests(),
    }


def lifecycle_coverage(lifecycle: Lifecycle, covered: dict[str, Any]) -> LifecycleCoverage:
    listed = {key: sorted(covered.get(key, ())) for key in ("states", "transitions", "refusals")}
    return {
        "states_covered": len(covered["states"]),
        "states_total": len(lifecycle.all_states()),
        "transitions_covered": len(covered["transitions"]),
        "transitions_total": len(lifecycle.transitions),
        "uncovered_transitions": sorted(
            {t.id for t in lifecycle.transitions} - set(covered["transitions"])
        ),
        "refusals_covered": len(covered.get("refusals", ())),
        "refusals_total": len(lifecycle.refusals),
        "states": listed["states"],
        "transitions": listed["transitions"],
        "refusals": listed["refusals"],
        "failed": sorted(covered.get("failed", ())),
    }


def selection_of(settings: RunSettings) -> Selection:
    return {
        "include": list(settings.include),
        "exclude": list(settings.exclude),
        "scenarios": list(settings.scenarios),
        "suites": list(settings.suites),
        "read_only": settings.read_only,
        "lifecycle_threshold": settings.lifecycle_threshold,
        "shard": f"{settings.shard_index}/{settings.shard_count}",
    }


def failure_records(
    merged: dict[str, Any], failed: dict[str, str], seed: int | None
) -> list[FailureRecord]:
    """The run's failures, each with its kind. The invariant behind the counts: every failed
    test has an entry; one that has none (its process died before writing its stats, say) gets
    a suite error naming it."""
    # The processes' records are JSON (reporting/stats.py): typed here, as they join the record.
    failures = [
        cast(FailureRecord, {**f, "kind": kind_of(f["category"])}) for f in merged["failures"]
    ]
    named = {test for failure in failures for test in failure.get("tests", ())}
    for test, message in sorted(failed.items()):
        if test not in named:
            failures.append(unrecorded_failure(test, message, seed))
    return failures


def unrecorded_failure(test: str, message: str, seed: int | None) -> FailureRecord:
    return {
        "check": "suite_error",
        "operation": test,
        "category": SUITE_ERROR,
        "kind": kind_of(SUITE_ERROR),
        "title": f"{test} failed with no failure recorded",
        "message": message[:2000],
        "reproduction": f"# seed {seed}",
        "seed": seed,
        "occurrences": 1,
        "tests": [test],
    }


def request_digest(spec: Spec, operations: dict[str, OperationEntry]) -> str:
    """A digest of every request the tests sent: method, path template and status, counted. Ids,
    clocks and order are left out, so the same seed gives the same digest."""
    lines = sorted(
        f"{op.method} {op.path} {status} x{count}"
        for op in spec.operations
        for status, count in operations[op.operation_id]["status_codes"].items()
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def lifecycle_shortfall(
    settings: RunSettings, summary: RunOutcome, scenarios: dict[str, frozenset[str]]
) -> str | None:
    """Why lifecycle coverage fails the run, or None. Only a run of every lifecycle scenario
    (`scenarios`: each with the operations it calls) is held to it; a shard is checked once
    `report --merge` has put the shards together."""
    threshold, coverage = settings.lifecycle_threshold, summary["lifecycle"]
    if not threshold or settings.include or settings.read_only or settings.shard_count > 1:
        return None
    if not all_scenarios_run(settings, settings.load_spec(), scenarios):
        return None
    if coverage["transitions_covered"] < threshold * coverage["transitions_total"]:
        return f"lifecycle coverage below the threshold {threshold:.0%}"
    return None


def no_tests() -> TestTotals:
    return {"total": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0}


def junit_totals(path: Path) -> TestTotals:
    """pytest's own count of tests by outcome (from its JUnit XML), to compare reports against."""
    totals = no_tests()
    if not path.is_file():
        return totals
    for suite in ET.parse(path).getroot().iter("testsuite"):
        totals["total"] += int(suite.get("tests", 0))
        totals["failed"] += int(suite.get("failures", 0))
        totals["errors"] += int(suite.get("errors", 0))
        totals["skipped"] += int(suite.get("skipped", 0))
    totals["passed"] = totals["total"] - totals["failed"] - totals["errors"] - totals["skipped"]
    return totals


def failed_tests(path: Path) -> dict[str, str]:
    """The tests pytest failed or errored (JUnit name -> its message)."""
    failed: dict[str, str] = {}
    if not path.is_file():
        return failed
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.get("classname") == exit_outputs.SUITE:
            continue  # the case added on exit 2 or 3: the target's or the user's, not a test
        for outcome in ("failure", "error"):
            found = case.find(outcome)
            if found is not None:
                failed[case.get("name", "")] = found.get("message", "") or outcome
    return failed


def write_summary(path: Path, summary: NotStarted | RunOutcome) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")


def render_table(summary: RunOutcome) -> str:
    rows = [("operation", "cases", "fail", "status codes")]
    for op_id, entry in sorted(summary["operations"].items()):
        codes = " ".join(f"{c}x{n}" for c, n in sorted(entry["status_codes"].items()))
        rows.append((op_id, str(entry["cases"]), str(entry["failures"]), codes or "-"))
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = [f"{r[0]:<{width[0]}}  {r[1]:>{width[1]}}  {r[2]:>{width[2]}}  {r[3]}" for r in rows]
    totals, life = summary["totals"], summary["lifecycle"]
    share = totals["positive_2xx_share"]
    lines += [
        "",
        f"operations tested {totals['operations_tested']}/{totals['operations']}, "
        f"cases {totals['cases']}, failures {totals['failures']}, "
        f"positive 2xx {'-' if share is None else f'{share:.1%}'}",
        f"lifecycle: states {life['states_covered']}/{life['states_total']}, "
        f"transitions {life['transitions_covered']}/{life['transitions_total']}",
        f"seed {summary['seed']}  profile {summary['profile']}  {summary['duration_seconds']} s  "
        f"{'PASSED' if summary['passed'] else 'FAILED'}",
    ]
    if summary.get("checks_not_run"):
        lines.append(f"checks not run: {', '.join(summary['checks_not_run'])}")
    known = known_fingerprints(summary)  # listed apart, by baseline_lines
    for failure in [f for f in summary["failures"] if f.get("fingerprint") not in known][:20]:
        seen = failure.get("seen_at") or {}
        elsewhere = f" (also at {len(seen)} other operations)" if seen else ""
        lines.append(
            f"  [{failure['category']}] {failure['operation']}: "
            f"{failure['check']}: {failure['title']}{elsewhere}"
        )
    proposal = summary.get("spec_overlay") or {}
    if proposal.get("path"):
        lines.append(
            f"  spec corrections proposed: {proposal['path']} "
            f"({len(proposal['contradicted'])} inferred elements contradicted; "
            f"review it, then run again with --overlay)"
        )
    for name, blocked in summary.get("blocked", {}).items():
        lines += [f"  [blocked] {name}: {line}" for line in blocked]
    replays = replay_lines(summary)
    if replays:
        lines += ["", "replay (the same target, seed and selection; ORDERMESH_* credentials):"]
        lines += replays
    return "\n".join(lines + baseline_lines(summary))


def replay_lines(summary: RunOutcome) -> list[str]:
    """Each distinct failure's replay line, once, in the order the failures came."""
    return list(dict.fromkeys(f["replay"] for f in summary["failures"] if f.get("replay")))
