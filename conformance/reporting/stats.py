"""Counts a run collects while it goes: per operation, per check, and each failure (a
`FailureRecord`, as summary.json, the JUnit messages and the Allure results read it)."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from conformance.failures.categories import kind_of
from conformance.reporting.outcome import FailureRecord

PARTS_DIR = ".parts"  # inside the reports dir: one stats file per pytest worker
OVERLAY_FILE = "spec.overlay.yaml"  # the spec corrections a run proposes (reporting/evidence.py)
RUN_OUTPUTS = (
    OVERLAY_FILE,
    "allure-results",
    "allure-report",
    PARTS_DIR,
    "junit.xml",
    "summary.json",
    "summary.md",
    "lifecycle.svg",
    "coverage.html",
)
LIFECYCLE_KEYS = ("states", "transitions", "refusals", "failed")


def failure_key(record: Mapping[str, Any]) -> tuple[Any, ...]:
    """What makes two failure records the same failure: the violation's own key when it has one
    (a schema element, for instance), else its check, operation and title."""
    key = record.get("key")
    return tuple(key) if key else (record["check"], record["operation"], record.get("title"))


def fold(known: FailureRecord, record: FailureRecord) -> FailureRecord:
    """`record` met again: its latest reproduction at the same operation, or one more place."""
    occurrences = known["occurrences"] + record.get("occurrences", 1)
    # Every test that met it, and flaky if any showing of it was (suites/accounting.py).
    tests = sorted({*known.get("tests", ()), *record.get("tests", ())})
    if record["operation"] == known["operation"]:
        seen_at = known.get("seen_at", {})
        folded: FailureRecord = {**record, "occurrences": occurrences, "seen_at": seen_at}
    else:
        seen_at = dict(known.get("seen_at", {}))
        for operation, count in {record["operation"]: 1, **record.get("seen_at", {})}.items():
            seen_at[operation] = seen_at.get(operation, 0) + count
        folded = {**known, "occurrences": occurrences, "seen_at": seen_at}
    folded["tests"] = tests
    if known.get("source") != record.get("source"):
        # A failure a test failed on is that test's, whichever sighting came last: only what no
        # test failed on is the contract gate's alone (reporting/findings_results.py).
        folded.pop("source", None)
    if known.get("flaky") or record.get("flaky"):
        folded["flaky"] = True
    return folded


def new_record(details: Mapping[str, Any], test: str) -> FailureRecord:
    """A check's, a scenario's or the accounting's failure as the run records it: met once, by
    the running `test`, of the kind its category says."""
    record = {**details, "kind": kind_of(details["category"]), "occurrences": 1}
    return cast(FailureRecord, {**record, "tests": [test] if test else []})


def clear_run_outputs(reports: Path) -> None:
    """Remove a previous run's outputs, and only those, so nothing stale mixes into new ones."""
    for name in RUN_OUTPUTS:
        target = reports / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


@dataclass
class Stats:
    operations: dict[str, dict[str, Any]] = field(
        default_factory=lambda: defaultdict(
            lambda: {
                "cases": 0,
                "failures": 0,
                "status_codes": Counter(),
                "positive": 0,
                "positive_2xx": 0,
            }
        )
    )
    checks: Counter[str] = field(default_factory=Counter)
    failures: list[FailureRecord] = field(default_factory=list)
    lifecycle: dict[str, list[str]] = field(
        default_factory=lambda: {"states": [], "transitions": [], "refusals": [], "failed": []}
    )
    setup_errors: Counter[str] = field(default_factory=Counter)
    # operation -> "blocked by <operation>: <failure>" -> cases; blocked cases are not failures
    blocked: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    lock: threading.Lock = field(default_factory=threading.Lock)
    touched: list[int] = field(default_factory=list)  # failures met by the test running now

    def call(self, operation_id: str, status: int, positive: bool) -> None:
        with self.lock:
            entry = self.operations[operation_id]
            entry["cases"] += 1
            entry["status_codes"][str(status)] += 1
            if positive:
                entry["positive"] += 1
                entry["positive_2xx"] += 200 <= status < 300

    def failure(self, details: dict[str, Any]) -> None:
        """One distinct failure per violation (`failure_key`). Hypothesis replays a failing case
        while it shrinks; the last replay is the smallest, so its reproduction wins. The same
        violation met at another operation (one schema read by many) stays one failure, at the
        first place it was seen, with the others counted in `seen_at`. `tests` names every test
        that met it (summary.json's counts are checked against them)."""
        record = new_record(details, current_test())
        with self.lock:
            known = len(self.failures)
            self.touched.append(add_failure(self.failures, record))
            if len(self.failures) > known:  # a new one
                self.checks[record["check"]] += 1
                self.operations[record["operation"]]["failures"] += 1

    def block(self, operation_id: str, line: str) -> None:
        with self.lock:
            self.blocked[operation_id][line] += 1

    def covered(
        self,
        states: set[str],
        transitions: set[str],
        refusals: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        with self.lock:
            for key, names in (
                ("states", states),
                ("transitions", transitions),
                ("refusals", refusals),
            ):
                self.lifecycle[key] = sorted(set(self.lifecycle[key]) | names)

    def lifecycle_failed(self, names: set[str]) -> None:
        """Transitions and refusal rules a lifecycle failure was about."""
        with self.lock:
            self.lifecycle["failed"] = sorted(set(self.lifecycle["failed"]) | names)

    def write(self, reports_dir: str, coverage: dict[str, int] | None = None) -> Path:
        """This process's counts, and its coverage hits (coverage/record.py), for the merge."""
        parts = Path(reports_dir) / PARTS_DIR
        parts.mkdir(parents=True, exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        path = parts / f"stats-{worker}-{os.getpid()}.json"
        with self.lock:
            data = {
                "operations": {
                    k: {**v, "status_codes": dict(v["status_codes"])}
                    for k, v in self.operations.items()
                },
                "checks": dict(self.checks),
                "failures": self.failures,
                "lifecycle": self.lifecycle,
                "setup_errors": dict(self.setup_errors),
                "blocked": {op: dict(lines) for op, lines in self.blocked.items()},
                "coverage": coverage or {},
            }
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
        return path


RUNNING = {"test": ""}  # the running test's JUnit name, as reporting/junit.py names it


def running_test(name: str) -> None:
    """Set by the JUnit plugin as each test starts, so entries name tests as junit.xml does."""
    RUNNING["test"] = name


def current_test() -> str:
    """The running test's name as JUnit gives it (`test_x[param]`), or '' outside a test."""
    if RUNNING["test"]:
        return RUNNING["test"]
    nodeid = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    return nodeid.rsplit("::", 1)[-1]


def merge_parts(reports_dir: str) -> dict[str, Any]:
    """Add up the per-worker stats files (xdist workers, CI shards)."""
    merged: dict[str, Any] = {
        "operations": {},
        "checks": Counter(),
        "failures": [],
        "lifecycle": {key: set() for key in LIFECYCLE_KEYS},
        "setup_errors": Counter(),
        "blocked": defaultdict(Counter),
        "coverage": Counter(),
    }
    for path in sorted((Path(reports_dir) / PARTS_DIR).glob("stats-*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        for op, entry in part["operations"].items():
            target = merged["operations"].setdefault(
                op,
                {
                    "cases": 0,
                    "failures": 0,
                    "status_codes": Counter(),
                    "positive": 0,
                    "positive_2xx": 0,
                },
            )
            for key in ("cases", "failures", "positive", "positive_2xx"):
                target[key] += entry[key]
            target["status_codes"].update(entry["status_codes"])
        merged["checks"].update(part["checks"])
        for record in part["failures"]:  # JSON this module wrote from FailureRecords
            add_failure(merged["failures"], cast(FailureRecord, record))
        merged["setup_errors"].update(part.get("setup_errors", {}))
        for op, lines in part.get("blocked", {}).items():
            merged["blocked"][op].update(lines)
        for key in LIFECYCLE_KEYS:
            merged["lifecycle"][key] |= set(part["lifecycle"].get(key, ()))
        merged["coverage"].update(part.get("coverage", {}))
    return merged


def add_failure(failures: list[FailureRecord], record: FailureRecord) -> int:
    """`record` into `failures`: folded into the same violation's entry, else appended. Returns
    its index. Both a process's own records and the merge of workers' parts go through it."""
    for index, known in enumerate(failures):
        if failure_key(known) == failure_key(record):
            failures[index] = fold(known, record)
            return index
    failures.append(record)
    return len(failures) - 1
