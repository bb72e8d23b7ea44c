"""Several faults at once: the selftest's whole-run rows, dealt from both fault catalogues.

A single-fault row proves a check can catch its fault; a row of several faults proves the run
still names each of them when others break the target too (one wrong answer must not hide the
rest). The rows are not a hand-written list: `deal` places every fault of the mock's catalogue
and of the fault proxy's into rows by a fixed rule, so a new fault lands in some row by itself.

Two faults share a row only when no `CONFLICTS` rule keeps them apart; each rule says why such a
pair could not both be shown to be caught.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from conformance.selftest.expectations import (
    LIFECYCLE_AUDIT,
    LIFECYCLE_LISTING,
    LIFECYCLE_STATE,
    LIFECYCLE_STATUS,
    Expectation,
    select,
)
from conformance.selftest.proxy_faults import PROXY_FAULTS
from conformance.settings import PROFILES

ROW_SIZE = 5  # faults per row at most; the rows are as many as this needs
MIN_ROW = 4  # the "at least 4 faults active together"
LIFECYCLE_CHECKS = frozenset(
    {LIFECYCLE_STATE, LIFECYCLE_STATUS, LIFECYCLE_AUDIT, LIFECYCLE_LISTING}
)
EVERY_OPERATION = "*"  # in a verdict pair: the check may fire at any operation


def verdicts(expectation: Expectation) -> set[tuple[str, str]]:
    """The (check, operation) failures that would count as catching this fault."""
    operations = (EVERY_OPERATION,) if expectation.everywhere else expectation.operations
    return {(check, op) for check in expectation.checks for op in operations}


def touches(expectation: Expectation) -> set[str]:
    """The operations whose answers the fault changes: the proxy's rewrites, or for a mock fault
    the operations its handler serves (the ones its expectation includes)."""
    if expectation.proxied:
        return set(PROXY_FAULTS[expectation.fault].touches)
    return set(expectation.operations)


def _same_verdict(a: Expectation, b: Expectation) -> bool:
    mine, theirs = verdicts(a), verdicts(b)
    if mine & theirs:
        return True
    wild = {c for c, op in mine | theirs if op == EVERY_OPERATION}
    return bool(wild & {c for c, _ in mine} & {c for c, _ in theirs})


def _same_answer(a: Expectation, b: Expectation) -> bool:
    return bool(touches(a) & touches(b))


def _lifecycle_only(expectation: Expectation) -> bool:
    return set(expectation.checks) <= LIFECYCLE_CHECKS


def _hidden_in_a_scenario(a: Expectation, b: Expectation) -> bool:
    return any(_lifecycle_only(x) and set(y.checks) & LIFECYCLE_CHECKS for x, y in ((a, b), (b, a)))


@dataclass(frozen=True)
class Conflict:
    name: str
    reason: str
    applies: Callable[[Expectation, Expectation], bool]


CONFLICTS: tuple[Conflict, ...] = (
    Conflict(
        "same verdict",
        "one failure (same check, same operation) would count for both, so the row could not "
        "tell whether each was caught",
        _same_verdict,
    ),
    Conflict(
        "same answer",
        "both change the answers of one operation: one fault's answer pre-empts or masks the "
        "other's (a 422 where the proxy rewrites a 409, two rewrites of one body)",
        _same_answer,
    ),
    Conflict(
        "hidden in a scenario",
        "a fault only a lifecycle scenario catches is hidden when another fault fails that "
        "scenario first: a scenario stops at its first failure",
        _hidden_in_a_scenario,
    ),
)


def conflict(a: Expectation, b: Expectation) -> Conflict | None:
    """The first rule that keeps `a` and `b` apart, or None when they may share a row."""
    return next((rule for rule in CONFLICTS if rule.applies(a, b)), None)


@dataclass(frozen=True)
class Row:
    """One whole run with several faults active: mock faults inside, proxy faults in front."""

    index: int
    faults: tuple[Expectation, ...]

    @property
    def name(self) -> str:
        return f"faults-{self.index + 1}"

    @property
    def profile(self) -> str:
        return max((e.profile for e in self.faults), key=list(PROFILES).index, default="smoke")

    @property
    def mock_faults(self) -> list[str]:
        return [e.fault for e in self.faults if not e.proxied]

    @property
    def proxy_faults(self) -> list[str]:
        return [e.fault for e in self.faults if e.proxied]


def _rank(profile: str) -> int:
    return list(PROFILES).index(profile)


def deal(selected: Iterable[Expectation] | None = None, size: int = ROW_SIZE) -> list[Row]:
    """Place every fault in a row, most constrained first: larger budgets first (so they share
    as few rows as they can), then the faults that conflict with the most others, then mock
    before proxy, by name. Each goes to a row holding nothing it conflicts with, preferring one
    that needs no larger budget for it, then one without a fault of its kind (mock or proxy),
    then the emptiest, then the first; a new row only when every row is full or in conflict."""
    faults = list(select() if selected is None else selected)
    degree = {
        e.fault: sum(o is not e and conflict(e, o) is not None for o in faults) for e in faults
    }
    faults.sort(key=lambda e: (-_rank(e.profile), -degree[e.fault], e.proxied, e.fault))
    rows: list[list[Expectation]] = [[] for _ in range(math.ceil(len(faults) / size))]
    for fault in faults:
        open_rows = [
            i
            for i, row in enumerate(rows)
            if len(row) < size and not any(conflict(fault, other) for other in row)
        ]
        if not open_rows:
            rows.append([])
            open_rows = [len(rows) - 1]
        best = min(open_rows, key=lambda i: _preference(rows[i], fault, i))
        rows[best].append(fault)
    return [Row(i, tuple(row)) for i, row in enumerate(rows) if row]


def _preference(row: list[Expectation], fault: Expectation, index: int) -> tuple:
    current = max((_rank(e.profile) for e in row), default=0)
    raises = _rank(fault.profile) > current  # the row would run at a larger budget
    same_kind = any(e.proxied == fault.proxied for e in row)
    return (raises, same_kind, len(row), index)
