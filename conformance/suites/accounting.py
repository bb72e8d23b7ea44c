"""Counts that add up: a test that fails has at least one failure entry saying why.

The checks, the root-cause gate and the lifecycle reporting record what they catch. Whatever
else fails a test (a crash of our own code, a connection lost where nothing expected it, a
Hypothesis `Flaky` when a failure did not reproduce on replay) is recorded here when the test
ends: one entry naming the test and what happened, in the category the exception names, else
"suite error". A failure that did not reproduce is still a finding: the entries of its first
occurrence are marked `flaky`, with the seed.
"""

from __future__ import annotations

from typing import Any, cast

import pytest
from hypothesis.errors import Flaky
from schemathesis.errors import FailureGroup

from conformance.config.selection import replay_links, replay_operation, replay_scenario
from conformance.failures.categories import SUITE_ERROR, TRANSPORT, error_category
from conformance.machinery.contract import ContractBreach
from conformance.stateful.scenarios import walk_part
from conformance.suites.session import SuiteSession

REPLAY = "ordermesh-conformance run"  # a rerun that is a command (not "the test X")
CHECKS = {TRANSPORT: "transport"}  # the check an unrecorded error is filed under, by category
# Exceptions whose failure entries are written where they are raised (checks, the gate, the
# lifecycle reporting, Hypothesis replaying one of them); any other one is marked RECORDED by
# whoever wrote its entry.
RECORDED = "_ordermesh_recorded"
RECORDED_WHERE_RAISED = (
    AssertionError,
    FailureGroup,
    ContractBreach,
    Flaky,
    pytest.fail.Exception,  # blocking.blocked fails a test at its own broken answer, recorded
)


def start(session: SuiteSession, item: object = None) -> None:
    """A test begins: nothing is recorded for it yet; what it meets replays with it."""
    session.stats.touched = []
    session.rerun = rerun_of(session, item, scenario_of(item)) if item is not None else None


def finish(session: SuiteSession, item: object, failed: bool, exc: BaseException | None) -> None:
    """A test ended: mark a flaky failure's entries; record one entry if it failed with none."""
    stats = session.stats
    if not failed or exc is None:
        return
    flaky = isinstance(exc, Flaky)
    with stats.lock:
        for index in stats.touched:
            if flaky:
                stats.failures[index]["flaky"] = True
        recorded = bool(stats.touched)
    # What the test met is recorded; what failed it must be too. A check's failure was recorded
    # where it was raised; any other exception (our crash after a contract finding the test
    # went on from) is recorded here, whatever else the test met.
    if not recorded or not (isinstance(exc, RECORDED_WHERE_RAISED) or hasattr(exc, RECORDED)):
        stats.failure(unrecorded(session, item, exc, flaky))


def unrecorded(
    session: SuiteSession, item: Any, exc: BaseException, flaky: bool
) -> dict[str, object]:
    """The entry of a failed test that no check, gate or scenario recorded."""
    category = error_category(exc)
    name = item.name
    scenario = scenario_of(item)
    where = f"scenario: {scenario}" if scenario else name
    message = session.harness.redactor.text(f"{type(exc).__name__}: {exc}")[:2000]
    if flaky:
        message = "did not reproduce when Hypothesis replayed it (flaky); " + message
    settings = session.settings
    rerun = rerun_of(session, item, scenario)
    return {
        "check": CHECKS.get(category, "suite_error" if category == SUITE_ERROR else category),
        "operation": where,
        "category": category,
        "title": f"{type(exc).__name__} in {name}",
        "message": message,
        "reproduction": f"# seed {settings.seed}; replay: {rerun}",
        "seed": settings.seed,
        **({"flaky": True} if flaky else {}),
        **({"replay": rerun} if rerun.startswith(REPLAY) else {}),
    }


def rerun_of(session: SuiteSession, item: Any, scenario: str | None) -> str:
    """The run that replays the test: its scenario, its operation's property test, or links."""
    settings = session.settings
    if scenario:
        return replay_scenario(settings, scenario)
    if getattr(item, "originalname", item.name) == "test_link_following":
        return replay_links(settings)
    label = item.name.partition("[")[2].rstrip("]")
    for operation in session.harness.spec:
        if f"{operation.method} {operation.path}" == label:
            return replay_operation(settings, operation.operation_id)
    return f"the test {item.nodeid}, seed {settings.seed}"


def scenario_of(item: Any) -> str | None:
    """The lifecycle scenario a test runs, if it runs one."""
    test = getattr(item, "originalname", item.name)
    if test == "test_named_scenario":
        return cast(str, item.callspec.params["name"])
    if test == "test_random_walks":
        return walk_part(item.callspec.params["part"])
    return None
