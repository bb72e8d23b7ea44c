"""The run's verdict (reporting/verdict.py): the exit code never blames the API for our failure
or for a run cut short, and summary.json says why, in a record the published schema accepts."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from conformance.config.settings import RunSettings
from conformance.exit_codes import Exit
from conformance.reporting.run_counts import PREFIX
from conformance.reporting.stats import PARTS_DIR, merge_parts
from conformance.reporting.summary import RunFacts
from conformance.reporting.verdict import conclude
from conformance.stateful.scenarios import scenario_operations
from tests.support.summary_schema import problems

HELD = 0.0  # a threshold no run misses; the shortfall test sets its own
NO_FLOOR = "none"  # nor a coverage floor; the floor test sets its own


@pytest.fixture
def facts(spec, lifecycle, tmp_path):
    settings = replace(
        RunSettings(), reports_dir=str(tmp_path), lifecycle_threshold=HELD, coverage_floor=NO_FLOOR
    )

    def make(**changes) -> RunFacts:
        merged = merge_parts(str(tmp_path))
        base = RunFacts(settings, spec, lifecycle, merged, 1.0, tests_passed=True)
        return replace(base, **changes)

    return make


def judged(facts: RunFacts, status: Exit) -> tuple[dict, Exit]:
    outcome, code = conclude(facts, status, scenario_operations())
    assert problems(outcome) == []
    assert outcome["exit_code"] == code
    return dict(outcome), code


def test_a_clean_run_passes_complete(facts) -> None:
    outcome, code = judged(facts(), Exit.OK)
    assert code == Exit.OK and outcome["passed"] and outcome["complete"]


def test_a_failed_test_with_only_our_own_error_is_exit_4(facts) -> None:
    unrecorded = facts(tests_passed=False, failed={"test_walks": "AttributeError: ours"})
    outcome, code = judged(unrecorded, Exit.FAILURES)
    assert code == Exit.INTERNAL and not outcome["passed"]


def test_a_target_gone_is_exit_3_and_incomplete(facts) -> None:
    gone = facts(tests_passed=False, error="target went away after 3 requests")
    outcome, code = judged(gone, Exit.TARGET)
    assert code == Exit.TARGET
    assert (outcome["complete"], outcome["incomplete_reason"]) == (False, gone.error)


def test_a_run_a_budget_stopped_is_exit_1_though_all_passed(facts, tmp_path) -> None:
    parts = tmp_path / PARTS_DIR
    parts.mkdir()
    stopped = {"token_renewals": 1, "stopped": ["--max-failures 1 reached"]}
    (parts / f"{PREFIX}1.json").write_text(json.dumps(stopped), encoding="utf-8")
    outcome, code = judged(facts(), Exit.OK)
    assert code == Exit.FAILURES and not outcome["passed"]
    assert outcome["incomplete_reason"] == "--max-failures 1 reached"
    assert outcome["requests"] == {"token_renewals": 1}


def test_lifecycle_coverage_below_the_threshold_fails_a_whole_run(facts) -> None:
    whole = facts()
    whole = replace(whole, settings=replace(whole.settings, lifecycle_threshold=1.0))
    outcome, code = judged(whole, Exit.OK)  # no scenario ran: no transition covered
    assert code == Exit.FAILURES and "lifecycle coverage below" in outcome["error"]


def test_coverage_below_its_floor_fails_a_run_naming_what_it_missed(facts, spec) -> None:
    whole = facts()
    whole = replace(whole, settings=replace(whole.settings, coverage_floor="operations=100"))
    outcome, code = judged(whole, Exit.OK)  # nothing was sent: no operation covered
    assert code == Exit.FAILURES and "coverage below floor" in outcome["error"]
    assert any(op.operation_id in outcome["error"] for op in spec)
    assert outcome["coverage"]["floor"] == {"minimums": {"operations": 100.0}, "met": False}
