"""Several faults at once: the selftest's whole-run rows, dealt from both fault catalogues.

A single-fault row proves a check can catch its fault; a row of several faults proves the run
still names each of them when others break the target too (one wrong answer must not hide the
rest). The rows are not a hand-written list: `deal` places every fault of the mock's catalogue
and of the fault proxy's into rows by a fixed rule, so a new fault lands in some row by itself.

Two faults share a row only when no `CONFLICTS` rule keeps them apart; each rule says why such a
pair could not both be shown to be caught. And a row must leave each fault that only a lifecycle
scenario catches one scenario that no other fault of the row may fail first
(`hidden_in_scenarios`): a scenario stops at its first failure.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from conformance.config.settings import PROFILES
from conformance.selftest.expectations import (
    LIFECYCLE_AUDIT,
    LIFECYCLE_LISTING,
    LIFECYCLE_STATE,
    LIFECYCLE_STATUS,
    Expectation,
    select,
)
from conformance.selftest.proxy_faults import PROXY_FAULTS
from spec import load_spec

ROW_SIZE = 5  # faults per row at most; the rows are as many as this needs
MIN_ROW = 4  # the "at least 4 faults active together"
LIFECYCLE_CHECKS = frozenset(
    {LIFECYCLE_STATE, LIFECYCLE_STATUS, LIFECYCLE_AUDIT, LIFECYCLE_LISTING}
)


@functools.cache
def _audited() -> frozenset[str]:
    """The operations whose writes the spec audits (`x-audit`)."""
    return frozenset(op.operation_id for op in load_spec() if op.raw.get("x-audit"))


def judged_at(expectation: Expectation) -> frozenset[str]:
    """Where a failure names the fault: its operations, and for a fault that fires everywhere
    every audited write."""
    found = frozenset(expectation.operations)
    return found | _audited() if expectation.everywhere else found


def operations_of(expectation: Expectation) -> frozenset[str]:
    """Where the fault shows or acts: the operations its checks are judged at, the ones whose
    traffic the proxy rewrites, and for a fault that fires everywhere every audited write."""
    if expectation.proxied:
        return judged_at(expectation) | set(PROXY_FAULTS[expectation.fault].touches)
    return judged_at(expectation)


def verdicts(expectation: Expectation) -> set[tuple[str, str]]:
    """The (check, operation) failures this fault may cause in a whole run."""
    return {(check, op) for check in expectation.checks for op in operations_of(expectation)}


def _same_verdict(a: Expectation, b: Expectation) -> bool:
    return bool(verdicts(a) & verdicts(b))


def _same_operation(a: Expectation, b: Expectation) -> bool:
    return bool(operations_of(a) & operations_of(b))


def _lifecycle_only(expectation: Expectation) -> bool:
    return expectation.scenario_only or set(expectation.checks) <= LIFECYCLE_CHECKS


def _in_scenarios(expectation: Expectation) -> bool:
    return bool(set(expectation.checks) & LIFECYCLE_CHECKS)


@functools.cache
def _scenarios() -> dict[str, frozenset[str]]:
    """The named scenarios' operations (the random walks are one test: its first failure)."""
    # Here, not at the top: the stateful package pulls in the driver and allure.
    from conformance.stateful.scenarios import RANDOM_WALKS, scenario_operations

    return {n: ops for n, ops in scenario_operations().items() if n != RANDOM_WALKS}


@functools.cache
def _fails(expectation: Expectation) -> frozenset[str]:
    """The named scenarios this fault may fail (and stop there)."""
    if not _in_scenarios(expectation):
        return frozenset()
    return frozenset(name for name, ops in _scenarios().items() if operations_of(expectation) & ops)


@functools.cache
def _needs(expectation: Expectation) -> frozenset[str]:
    """The named scenarios that reach this fault: its `scenarios`, else any calling one of its
    operations."""
    if expectation.scenarios:
        return frozenset(expectation.scenarios)
    return frozenset(n for n, ops in _scenarios().items() if set(expectation.operations) & ops)


def hidden_in_scenarios(row: Iterable[Expectation]) -> list[str]:
    """The faults of `row` only a scenario catches that no scenario is left to: another fault
    of the row may fail first each scenario that reaches them (a scenario stops at its first
    failure)."""
    row = list(row)
    hidden = []
    for fault in filter(_lifecycle_only, row):
        taken = frozenset().union(*(_fails(o) for o in row if o is not fault))
        if not _needs(fault) - taken:
            hidden.append(fault.fault)
    return hidden


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
        "same operation",
        "both show at or change one operation: its property test stops at its first failure, "
        "and one fault's answer may pre-empt the other's (a 422 where the proxy rewrites a 409)",
        _same_operation,
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
        return max((e.profile for e in self.faults), key=_rank, default=next(iter(PROFILES)))

    @property
    def mock_faults(self) -> list[str]:
        return [e.fault for e in self.faults if not e.proxied]

    @property
    def proxy_faults(self) -> list[str]:
        return [e.fault for e in self.faults if e.proxied]


def _rank(profile: str) -> int:
    return list(PROFILES).index(profile)


SEARCH_STEPS = 50_000  # placements tried for one number of rows before taking one more row


def deal(selected: Iterable[Expectation] | None = None, size: int = ROW_SIZE) -> list[Row]:
    """Place every fault in a row, no two conflicting faults together, each row holding
    MIN_ROW to `size` faults with mock and proxy faults mixed, in as few rows as that allows.

    A depth-first search, most constrained fault first (the most conflicts, then mock before
    proxy, then by name); each fault tries the rows in a fixed order of preference: one that
    needs no larger budget for it, one without a fault of its kind, the emptiest, the first.
    So the rows depend on the catalogues only, and a new fault lands in a row by itself."""
    return list(_deal(tuple(select() if selected is None else selected), size))


@functools.cache
def _deal(selected: tuple[Expectation, ...], size: int) -> tuple[Row, ...]:
    faults = list(selected)
    apart = {(a.fault, b.fault) for a in faults for b in faults if a != b and conflict(a, b)}
    degree = {e.fault: sum((e.fault, o.fault) in apart for o in faults) for e in faults}
    faults.sort(key=lambda e: (-degree[e.fault], e.proxied, e.fault))
    for count in range(max(1, math.ceil(len(faults) / size)), len(faults) + 1):
        strict = count * MIN_ROW <= len(faults)  # too many rows for MIN_ROW each: relax
        found = _Search(faults, apart, count, size, strict).run()
        if found is not None:
            return tuple(Row(i, tuple(row)) for i, row in enumerate(found) if row)
    return tuple(Row(i, (fault,)) for i, fault in enumerate(faults))


class _Search:
    def __init__(
        self,
        faults: list[Expectation],
        apart: set[tuple[str, str]],
        count: int,
        size: int,
        strict: bool,
    ) -> None:
        self.faults, self.apart, self.size, self.strict = faults, apart, size, strict
        self.rows: list[list[Expectation]] = [[] for _ in range(count)]
        self.kinds = {e.proxied for e in faults}
        self.steps = 0

    def run(self) -> list[list[Expectation]] | None:
        return self.rows if self._place(0) else None

    def _place(self, index: int) -> bool:
        if index == len(self.faults):
            return self._complete()
        self.steps += 1
        if self.steps > SEARCH_STEPS or not self._feasible(index):
            return False
        fault = self.faults[index]
        for i in self._candidates(fault):
            self.rows[i].append(fault)
            if self._place(index + 1):
                return True
            self.rows[i].pop()
        return False

    def _candidates(self, fault: Expectation) -> list[int]:
        fitting = [
            i
            for i, row in enumerate(self.rows)
            if len(row) < self.size
            and not any((fault.fault, o.fault) in self.apart for o in row)
            and not hidden_in_scenarios([*row, fault])
        ]
        empty = [i for i in fitting if not self.rows[i]]
        fitting = [i for i in fitting if self.rows[i]] + empty[:1]  # empty rows are alike
        return sorted(fitting, key=lambda i: _preference(self.rows[i], fault, i))

    def _feasible(self, index: int) -> bool:
        if not self.strict:
            return True
        rest = self.faults[index:]
        short = sum(max(0, MIN_ROW - len(row)) for row in self.rows)
        if short > len(rest):
            return False
        return all(
            sum(e.proxied == kind for e in rest)
            >= sum(not any(e.proxied == kind for e in row) for row in self.rows)
            for kind in self.kinds
        )

    def _complete(self) -> bool:
        if not self.strict:
            return all(self.rows)
        return all(
            len(row) >= MIN_ROW and {e.proxied for e in row} == self.kinds for row in self.rows
        )


def _preference(
    row: list[Expectation], fault: Expectation, index: int
) -> tuple[bool, bool, int, int]:
    current = max((_rank(e.profile) for e in row), default=0)
    raises = _rank(fault.profile) > current  # the row would run at a larger budget
    same_kind = any(e.proxied == fault.proxied for e in row)
    return (raises, same_kind, len(row), index)
