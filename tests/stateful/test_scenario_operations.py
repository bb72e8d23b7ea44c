"""The operations each step action declares are the ones it sends.

Scenario selection (--include/--exclude) trusts these declarations, so each named scenario runs
against the clean mock with every request attributed to the step that sent it; the reads that
check the model after a step are left out, as selection leaves them out.
"""

from __future__ import annotations

from collections import defaultdict

from conformance.config.settings import MOCK_MERCHANT_A, RunSettings, new_run_id
from conformance.machinery.harness import Harness
from conformance.stateful.driver import READ_BACK, Driver, Step, actions
from conformance.stateful.scenarios import (
    RANDOM_WALKS,
    SCENARIOS,
    operations_of,
    s,
    scenario_operations,
)
from conformance.stateful.target import Target
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread

# The one action no named scenario takes.
UPDATE_ITEM = [s("create_order", lines=[[1, 2.0, 0.0]]), s("update_item", item="item1")]


def sent_by_action(step_lists: list[list[Step]]) -> dict[str, set[str]]:
    url, stop = run_in_thread(MockConfig())
    calls: list[str] = []
    settings = RunSettings(base_url=url, credentials=MOCK_MERCHANT_A, run_id=new_run_id())
    harness = Harness.build(settings)
    target = Target.from_harness(harness, on_call=lambda op, status, positive: calls.append(op))
    sent: dict[str, set[str]] = defaultdict(set)
    try:
        for steps in step_lists:
            driver = Driver(target, narrate=False)
            for planned in steps:
                calls.clear()
                getattr(driver, planned.action)(**planned.args)
                sent[planned.action] |= set(calls)
                driver.verify()
    finally:
        harness.close()
        stop()
    return sent


def test_every_action_sends_what_it_declares_and_nothing_else():
    sent = sent_by_action([*SCENARIOS.values(), UPDATE_ITEM])
    declared = {name: action.operations for name, action in actions().items()}
    assert set(sent) == set(declared)  # every action was taken at least once
    for name, operations in sent.items():
        assert operations - {READ_BACK} == declared[name], name


def test_a_scenario_calls_what_its_steps_declare_and_the_walks_call_every_action():
    operations = scenario_operations()
    assert set(operations) == {*SCENARIOS, RANDOM_WALKS}
    assert "updateOrderItem" not in operations["notes"]
    assert {"createNote", "updateNote", "deleteNote"} <= operations["notes"]
    assert operations["notes"] == operations_of(SCENARIOS["notes"])
    assert "holdOrder" in operations["Customer Care Hold"]
    assert "holdOrder" not in operations["reroute"]
    every = {op for action in actions().values() for op in action.operations}
    assert operations[RANDOM_WALKS] == every
    assert READ_BACK not in every  # a read that only learns ids selects nothing
