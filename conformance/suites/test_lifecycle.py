"""Lifecycle scenarios: the named flows, then random walks of the Hypothesis state machine.

Both check the target against the model after every step (conformance/stateful). The walks'
budget is the profile's `lifecycle_scenarios` x `lifecycle_steps`, seeded with the run's seed.
Covered states and transitions go to the run summary, where the coverage gate reads them.
"""

from __future__ import annotations

import pytest
from hypothesis.errors import Flaky

from conformance.config.selection import replay_scenario
from conformance.config.settings import RunSettings
from conformance.failures.hierarchy import ProjectFailure
from conformance.machinery.contract import ContractBreach
from conformance.reporting import budget
from conformance.stateful.driver import Driver
from conformance.stateful.machine import Recorder, part_seed, run_walks, walk_parts
from conformance.stateful.reporting import label, record_coverage, record_failure, target_for
from conformance.stateful.scenarios import RANDOM_WALKS, SCENARIOS, run_steps, walk_part
from conformance.suites import blocking
from conformance.suites.session import SuiteSession


@pytest.fixture
def writable(suite: SuiteSession) -> SuiteSession:
    if suite.settings.read_only:
        pytest.skip("lifecycle scenarios create and change data; this is a --read-only run")
    return suite


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_named_scenario(writable: SuiteSession, name: str) -> None:
    label(name, f"scenario: {name}")
    driver = Driver(target_for(writable))
    driver.verifier.keep_going = True  # past a wrong audit event: later steps still judge
    try:
        run_steps(driver, SCENARIOS[name])
    except ProjectFailure as failure:
        record_failure(writable, driver, failure, name)
        raise
    except ContractBreach as breach:
        rerun = replay_scenario(writable.settings, name)
        blocking.blocked(writable, breach, f"scenario: {name}", rerun)
    finally:
        for deferred in driver.verifier.deferred:
            record_failure(writable, driver, deferred, name)
        model = driver.model
        record_coverage(
            writable, model.states_seen, model.transitions_seen, model.gaps, model.refusals_seen
        )
    if driver.verifier.deferred:
        raise driver.verifier.deferred[0]


WALK_FAILED = "a walk failed"  # a run-wide mark (machinery/once.py)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The random walks run as parts (`walk_parts`), which the run's processes share."""
    if metafunc.definition.originalname == "test_random_walks":
        budget_of = RunSettings.from_env().profile_budget
        parts = len(walk_parts(budget_of.lifecycle_scenarios))
        metafunc.parametrize("part", range(1, parts + 1), ids=str)


def test_random_walks(writable: SuiteSession, part: int) -> None:
    settings = writable.settings
    walks = settings.profile_budget
    count = walk_parts(walks.lifecycle_scenarios)[part - 1]
    walk_seed = part_seed(settings.seed, part)
    label(
        RANDOM_WALKS,
        f"random walks {part}: {count} x {walks.lifecycle_steps} steps, seed {walk_seed}",
    )
    # Shrinking replays a failing walk many times over. Once one part has failed, the others
    # report their failure as found: each still replays alone, shrunk, from its replay line.
    marks = writable.harness.marks
    recorder = Recorder(on_first_failure=lambda: marks.mark(WALK_FAILED))
    try:
        run_walks(
            target_for(writable),
            recorder,
            count,
            walks.lifecycle_steps,
            walk_seed,
            skip_simplest=part > 1,
            shrink=not marks.marked(WALK_FAILED),
        )
    except ProjectFailure as failure:
        assert recorder.last is not None
        record_failure(writable, recorder.last, failure, walk_part(part))
        raise
    except ContractBreach as breach:
        rerun = replay_scenario(settings, walk_part(part))
        blocking.blocked(writable, breach, walk_part(part), rerun)
    except Flaky:
        # The failure did not show again on replay (a lagging replica caught up, say): report
        # its first occurrence, which the test's accounting marks flaky (suites/accounting.py).
        first = recorder.first_failed
        if first is not None and isinstance(first.failure, ProjectFailure):
            record_failure(writable, first, first.failure, walk_part(part))
        # Or the run's budget ran out while Hypothesis replayed a walk: the replay stopped at
        # its first call (stateful/reporting.target_for), which Hypothesis takes for a walk that
        # draws differently. Not flaky: the walks were cut short, as any work past the budget.
        budget.check(settings)
        raise
    finally:
        record_coverage(
            writable, recorder.states, recorder.transitions, recorder.gaps, recorder.refusals
        )
