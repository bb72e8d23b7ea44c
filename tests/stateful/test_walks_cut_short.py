"""Why test_random_walks treats a Flaky past the run's budget as a budget stop.

The run's budget stops a walk between calls (stateful/reporting.target_for skips the test). When
that happens while Hypothesis replays a failing walk to shrink it, the replay stops at its first
call and Hypothesis reports the walk as flaky: "the second run stopped drawing earlier than the
first". The suite then skips with the budget's reason, after reporting the walk's first failure.
"""

from __future__ import annotations

import pytest
from hypothesis.errors import Flaky

from conformance.config.settings import MOCK_MERCHANT_A, RunSettings, new_run_id
from conformance.machinery.harness import Harness
from conformance.stateful.machine import Recorder, run_walks
from conformance.stateful.target import Target
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread

OVER_BUDGET = "not started: --max-duration 1s reached"


def test_a_budget_that_runs_out_while_a_failing_walk_is_replayed_looks_flaky():
    url, stop = run_in_thread(MockConfig(faults=("cancel-not-persisted",)))
    recorder = Recorder()

    def on_call(operation_id: str, status: int, positive: bool) -> None:
        if recorder.first_failed is not None:  # the budget ends once a walk has failed
            pytest.skip(OVER_BUDGET)

    settings = RunSettings(base_url=url, credentials=MOCK_MERCHANT_A, run_id=new_run_id())
    harness = Harness.build(settings)
    try:
        with pytest.raises(Flaky):
            run_walks(Target.from_harness(harness, on_call=on_call), recorder, 40, 15, 1)
    finally:
        harness.close()
        stop()
    assert recorder.first_failed is not None  # what the suite reports before it skips
