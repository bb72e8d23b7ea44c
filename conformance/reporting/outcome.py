"""The run's results as typed records: `RunOutcome` is summary.json, `FailureRecord` one failure.

summary.json, summary.md, the JUnit failure messages (suites/junit.py) and the Allure results of
the gate's findings all read these records, which reporting/stats.py makes as the run goes,
and docs/schemas/summary.schema.json publishes the same shape for the CI pipelines that parse
the file (a test keeps the two in step). They are TypedDicts: the JSON is the record, so a key
CI reads can only change here, where the schema test sees it.

A run that did not start (a usage error, a target refused before the first test) writes only
the `NotStarted` keys; a whole run, and `report --merge`, the rest of `RunOutcome` too.
"""

# No `from __future__ import annotations` here: a TypedDict must see `NotRequired` at run time
# for its __required_keys__, which the schema test compares with the published schema.
from typing import Any, NotRequired, TypedDict


class FailureRecord(TypedDict):
    """One distinct failure: a check, a gate, a scenario or a failed test met it."""

    check: str
    operation: str  # an operationId, or where a test with no operation failed
    category: str  # the report's category (failures/categories.py)
    kind: str  # whose account (failures/categories.py kind_of): api defect, ..., toolkit
    title: str
    message: str
    reproduction: str  # curl or pytest lines, after the line that fetches a token
    seed: int | None
    occurrences: int
    tests: list[str]  # the JUnit names of every test that met it
    seen_at: NotRequired[dict[str, int]]  # other operations that showed the same violation
    replay: NotRequired[str]  # the `ordermesh-conformance run` line that replays its test
    key: NotRequired[list[Any] | None]  # what makes two records the same violation
    source: NotRequired[str]  # "gate": the contract gate, not a check, met it
    flaky: NotRequired[bool]  # it did not reproduce when Hypothesis replayed it
    fingerprint: NotRequired[str]  # its id in a --baseline file


class OperationEntry(TypedDict):
    tested: bool
    cases: int
    failures: int
    status_codes: dict[str, int]
    blocked_by: NotRequired[list[str]]


class TestTotals(TypedDict):
    total: int
    passed: int
    failed: int
    errors: int
    skipped: int


class Totals(TypedDict):
    operations: int
    operations_tested: int
    cases: int
    failures: int
    positive_cases: int
    positive_2xx: int
    positive_2xx_share: float | None
    setup_errors: int
    blocked_cases: int
    tests: TestTotals
    contract_findings: NotRequired[int]  # findings no test failed on, with Allure results


class LifecycleCoverage(TypedDict):
    states_covered: int
    states_total: int
    transitions_covered: int
    transitions_total: int
    uncovered_transitions: list[str]
    refusals_covered: int
    refusals_total: int
    # What lifecycle.svg colours: the covered states, transitions and refusal rules, and the
    # transitions and rules a failure was about.
    states: list[str]
    transitions: list[str]
    refusals: list[str]
    failed: list[str]


class Selection(TypedDict):
    include: list[str]
    exclude: list[str]
    scenarios: list[str]
    suites: list[str]
    read_only: bool
    lifecycle_threshold: float
    shard: str  # "index/count"


class NotStarted(TypedDict):
    """What every summary.json holds, a run that did not start included."""

    passed: bool
    error: str | None
    exit_code: NotRequired[int]  # absent in `report --merge`, which judges no exit
    complete: NotRequired[bool]
    incomplete_reason: NotRequired[str | None]


class RunOutcome(NotStarted):
    """summary.json of a run (or of merged shards)."""

    request_digest: str  # the same seed gives the same digest
    seed: int | None
    profile: str
    target: str | None  # None: the embedded mock
    embedded_mock: bool
    mock_faults: list[str]
    run_id: str
    spec_version: str
    versions: dict[str, str]
    git_revision: str
    duration_seconds: float
    totals: Totals
    operations: dict[str, OperationEntry]
    checks: dict[str, int]
    checks_not_run: dict[str, str]
    failures: list[FailureRecord]
    lifecycle: LifecycleCoverage
    blocked: dict[str, list[str]]  # test or operation -> "blocked by <operation>: ..." lines
    selection: Selection
    spec_overlay: NotRequired[dict[str, Any]]  # the corrections proposed (reporting/evidence.py)
    requests: NotRequired[dict[str, float]]  # retries, renewals and waits, by kind
    baseline: NotRequired[dict[str, Any]]  # with --baseline: known, new, fixed
    new_failures: NotRequired[list[dict[str, Any]] | None]  # since the previous run
    fixed_since_last: NotRequired[list[dict[str, Any]] | None]
    previous_run: NotRequired[Any]
    shards: NotRequired[list[dict[str, Any]]]  # report --merge: the shards it put together
    coverage: NotRequired[dict[str, Any]]  # docs/schemas/coverage.schema.json


def with_totals(outcome: RunOutcome, **counts: int) -> RunOutcome:
    """The outcome with more `totals` (a new record: summary.json is written more than once)."""
    totals: Totals = {**outcome["totals"], **counts}  # type: ignore[typeddict-item]
    return {**outcome, "totals": totals}


def with_history(outcome: RunOutcome, changes: dict[str, Any]) -> RunOutcome:
    """The outcome with what changed since the previous run (all None without a history)."""
    return {
        **outcome,
        "new_failures": changes.get("new_failures"),
        "fixed_since_last": changes.get("fixed_since_last"),
        "previous_run": changes.get("previous_run"),
    }
