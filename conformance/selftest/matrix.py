"""Run the suite once per fault (and on the clean mock), and judge what each run caught.

Each run is the real `ordermesh-conformance run` as a subprocess with its own embedded mock, so
a selftest exercises exactly what users run. `judge` and `judge_clean` are pure functions of
what a run left behind (exit code, summary.json, Allure results), so they test without a server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conformance.exit_codes import Exit
from conformance.selftest.combos import judged_at
from conformance.selftest.expectations import Expectation
from conformance.selftest.plain import PlainResult


@dataclass(frozen=True)
class FailedTest:
    name: str
    seconds: float  # from the start of the run to the end of this failing test


@dataclass(frozen=True)
class FinishedRun:
    """What one `run` subprocess left behind."""

    exit_code: int
    wall_seconds: float
    summary: dict[str, Any] | None  # summary.json, None when the run wrote none
    failed_tests: tuple[FailedTest, ...] = ()
    log: str = ""  # where its output went


@dataclass
class FaultResult:
    name: str
    category: str
    expected_checks: list[str]
    operations: list[str]
    detected: bool
    detected_by: list[str]  # expected checks that recorded a failure
    other_checks: list[str]  # checks that failed but are not the ones that should catch it
    tests: list[str]  # failing tests of the run
    seconds: float | None  # time to first detection, None when not detected
    run_seconds: float
    seed: int
    reports_dir: str
    profile: str = ""  # the budget this fault ran at
    problem: str | None = None  # why it was not detected, in one line
    plain: PlainResult | None = None
    detected_at: list[str] = field(default_factory=list)  # where those failures were recorded

    def as_json(self) -> dict[str, object]:
        data = {k: v for k, v in self.__dict__.items() if k != "plain"}
        data["plain_schemathesis_detected"] = self.plain.detected if self.plain else None
        data["plain_schemathesis_detected_by"] = self.plain.checks if self.plain else []
        data["plain_schemathesis_problem"] = self.plain.problem if self.plain else None
        return data


@dataclass
class CleanResult:
    seed: int
    passed: bool
    failures: list[dict[str, object]] = field(default_factory=list)
    run_seconds: float = 0.0
    reports_dir: str = ""
    problem: str | None = None
    target: str = "mock"  # "mock", or "proxy": the clean mock behind the fault proxy


def judge(
    expectation: Expectation, outcome: FinishedRun, seed: int, reports_dir: str, profile: str = ""
) -> FaultResult:
    """Detected = the run failed AND at least one failure came from an expected check (for a
    proxy row: at one of its operations, since the proxy also rewrites what checks read)."""
    failures = (outcome.summary or {}).get("failures") or []
    checks = sorted({f.get("check", "?") for f in failures})
    hits = [f for f in failures if f.get("check") in expectation.checks]
    if expectation.proxied:
        hits = [f for f in hits if set(_places(f)) & set(expectation.operations)]
    right = sorted({f["check"] for f in hits})
    detected = outcome.exit_code == Exit.FAILURES and bool(right)
    first = min((t.seconds for t in outcome.failed_tests), default=outcome.wall_seconds)
    return FaultResult(
        name=expectation.fault,
        category=expectation.category,
        expected_checks=list(expectation.checks),
        operations=list(expectation.operations),
        detected=detected,
        detected_by=right if detected else [],
        detected_at=sorted({p for f in hits for p in _places(f)}) if detected else [],
        other_checks=[c for c in checks if c not in expectation.checks],
        tests=sorted({t.name for t in outcome.failed_tests}),
        seconds=round(first, 1) if detected else None,
        run_seconds=round(outcome.wall_seconds, 1),
        seed=seed,
        reports_dir=reports_dir,
        profile=profile,
        problem=None if detected else _miss_reason(outcome, checks, expectation),
    )


def _places(failure: dict[str, Any]) -> list[str]:
    """Where a failure was seen: its operation, and the others the same violation reached."""
    return [failure.get("operation", "?"), *failure.get("seen_at", {})]


def _miss_reason(outcome: FinishedRun, checks: list[str], expectation: Expectation) -> str:
    summary = outcome.summary
    if summary is None:
        return f"run exited {outcome.exit_code} without summary.json (see {outcome.log})"
    if summary.get("error"):
        return f"run error: {summary['error']}"
    if outcome.exit_code not in (Exit.OK, Exit.FAILURES):
        return f"run exited {outcome.exit_code} (see {outcome.log})"
    elsewhere = sorted(
        {
            f"{f.get('check')} at {f.get('operation')}"
            for f in summary.get("failures") or []
            if f.get("check") in expectation.checks
        }
    )
    if elsewhere:
        return f"caught only at other operations: {', '.join(elsewhere)}"
    if checks:
        return f"caught only by other checks: {', '.join(checks)}"
    totals = summary.get("totals", {})
    return (
        f"no failure in {totals.get('cases', 0)} cases "
        f"({totals.get('setup_errors', 0)} setup errors)"
    )


def judge_clean(
    seed: int, outcome: FinishedRun, reports_dir: str, target: str = "mock"
) -> CleanResult:
    summary = outcome.summary or {}
    failures = summary.get("failures") or []
    passed = outcome.exit_code == 0 and bool(summary) and summary.get("passed") is True
    problem = None
    if not passed:
        problem = summary.get("error") or (
            f"{len(failures)} failures" if failures else f"run exited {outcome.exit_code}"
        )
    slim = [{k: f.get(k) for k in ("check", "operation", "title")} for f in failures]
    return CleanResult(
        seed, passed, slim, round(outcome.wall_seconds, 1), reports_dir, problem, target
    )


SUITE_ERROR = "suite_error"  # the check a run records for our own crash inside a test


@dataclass
class RowResult:
    """A run with several faults active at once: which of them it named, and where."""

    name: str
    profile: str
    faults: list[str]
    named: dict[str, list[str]]  # fault -> "check at operation" failures that name it
    missed: dict[str, str]  # fault -> why it was not named
    suite_errors: int
    run_seconds: float
    seed: int
    reports_dir: str
    problem: str | None = None  # the run itself went wrong (no summary, an error exit)
    tested: str = ""  # "tested/total": operations the run tested

    @property
    def passed(self) -> bool:
        return not self.missed and self.suite_errors == 0 and self.problem is None

    def as_json(self) -> dict[str, object]:
        return {**self.__dict__, "passed": self.passed}


def judge_row(
    name: str,
    faults: list[Expectation],
    outcome: FinishedRun,
    seed: int,
    reports_dir: str,
    profile: str,
) -> RowResult:
    """Each fault must be named at one of its operations by one of its checks (a fault that
    fires everywhere: at any audited write); a suite error (our crash) fails the row whatever
    it named. A violation is one failure wherever it was met: met first elsewhere, it names
    the fault's operation in `seen_at`, as in a single fault's row."""
    summary = outcome.summary or {}
    failures = summary.get("failures") or []
    named: dict[str, list[str]] = {}
    missed: dict[str, str] = {}
    for expectation in faults:
        hits = sorted(
            {
                f"{f.get('check')} at {place}"
                for f in failures
                if f.get("check") in expectation.checks
                for place in set(_places(f)) & judged_at(expectation)
            }
        )
        if hits:
            named[expectation.fault] = hits
        else:
            missed[expectation.fault] = _miss_reason(outcome, [], expectation)
    problem = None
    if outcome.summary is None or summary.get("error"):
        problem = _miss_reason(outcome, [], faults[0]) if faults else "no faults"
    elif outcome.exit_code != Exit.FAILURES:
        problem = f"run exited {outcome.exit_code} (see {outcome.log})"
    totals = summary.get("totals") or {}
    return RowResult(
        name=name,
        profile=profile,
        faults=[e.fault for e in faults],
        named=named,
        missed=missed,
        suite_errors=sum(f.get("check") == SUITE_ERROR for f in failures),
        run_seconds=round(outcome.wall_seconds, 1),
        seed=seed,
        reports_dir=reports_dir,
        problem=problem,
        tested=f"{totals['operations_tested']}/{totals['operations']}" if totals else "",
    )


# ---------------------------------------------------------------------------- running


def run_command(
    profile: str,
    seed: int,
    reports: Path,
    faults: list[str],
    operations: list[str],
    base_url: str | None = None,
    concurrency: int | None = None,
) -> list[str]:
    # -P: the run is the installed toolkit, as `ordermesh-conformance` runs, even from a checkout.
    command = [
        sys.executable,
        "-P",
        "-m",
        "conformance.cli",
        "run",
        "--profile",
        profile,
        "--seed",
        str(seed),
        "--reports-dir",
        str(reports),
    ]
    if base_url:
        command += ["--base-url", base_url]
    for name in faults:
        command += ["--fault", name]
    for operation_id in operations:
        command += ["--include", operation_id]
    if concurrency:
        command += ["--concurrency", str(concurrency)]
    return command


def execute_run(
    command: list[str], reports: Path, timeout: float, env: dict[str, str] | None = None
) -> FinishedRun:
    reports.mkdir(parents=True, exist_ok=True)
    log = reports / "run.log"
    started_wall, started = time.time(), time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        try:
            code = subprocess.run(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                env={**os.environ, **(env or {})},
            ).returncode
        except subprocess.TimeoutExpired:
            out.write(f"\nselftest: run stopped after {timeout:.0f} s\n")
            code = -1
    wall = time.monotonic() - started
    summary_path = reports / "summary.json"
    summary = None
    if summary_path.exists():
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    failed = failed_tests(reports / "allure-results", started_wall)
    return FinishedRun(code, wall, summary, failed, str(log))


def failed_tests(results_dir: Path, started_epoch: float) -> tuple[FailedTest, ...]:
    """Failing tests from Allure results, with the time each one ended (the first detection)."""
    found = []
    for path in sorted(results_dir.glob("*-result.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        if result.get("status") not in ("failed", "broken"):
            continue
        module = (result.get("fullName") or "").split("#")[0].rsplit(".", 1)[-1]
        name = f"{module}::{result.get('name')}" if module else str(result.get("name"))
        seconds = max(0.0, result.get("stop", 0) / 1000 - started_epoch)
        found.append(FailedTest(name, seconds))
    return tuple(found)


@dataclass(frozen=True)
class Job:
    """One unit of parallel work: a fault run (plus its plain column), a clean seed or a row."""

    label: str
    work: Callable[[], FaultResult | CleanResult | RowResult]


def run_jobs(
    jobs: list[Job], workers: int, progress: Callable[[str, object], None]
) -> list[FaultResult | CleanResult | RowResult]:
    """Run the jobs `workers` at a time; report each as it ends; results in input order."""
    results: dict[int, FaultResult | CleanResult | RowResult] = {}
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(job.work): index for index, job in enumerate(jobs)}
        for future in as_completed(futures):
            index = futures[future]
            results[index] = future.result()
            progress(jobs[index].label, results[index])
    return [results[i] for i in range(len(jobs))]
