"""The several-faults rows: every fault of both catalogues in one row, no conflicting pair."""

from __future__ import annotations

import dataclasses
import itertools

from conformance.selftest.combos import MIN_ROW, ROW_SIZE, conflict, deal, hidden_in_scenarios
from conformance.selftest.expectations import BY_FAULT, select
from conformance.selftest.matrix import FinishedRun, judge_row
from conformance.selftest.proxy_faults import PROXY_FAULTS
from conformance.stateful.scenarios import scenario_operations
from ordermesh_mock.faults import CATALOGUE


def test_every_fault_of_both_catalogues_is_in_exactly_one_row():
    dealt = [e.fault for row in deal() for e in row.faults]
    every = [f.name for f in CATALOGUE] + list(PROXY_FAULTS)
    assert sorted(dealt) == sorted(every)
    assert len(dealt) == len(set(dealt))


def test_rows_hold_at_least_four_faults_of_both_kinds():
    for row in deal():
        assert MIN_ROW <= len(row.faults) <= ROW_SIZE, row
        assert row.mock_faults and row.proxy_faults, row


def test_no_row_holds_a_conflicting_pair():
    for row in deal():
        for a, b in itertools.combinations(row.faults, 2):
            assert conflict(a, b) is None, (row.name, a.fault, b.fault, conflict(a, b))


def test_the_deal_is_deterministic_and_independent_of_input_order():
    forward = [[e.fault for e in r.faults] for r in deal()]
    backward = [[e.fault for e in r.faults] for r in deal(list(reversed(select())))]
    assert forward == backward


def test_a_row_runs_at_the_largest_budget_of_its_faults():
    for row in deal():
        assert row.profile == max((e.profile for e in row.faults), key=["smoke", "ci"].index)
    assert {row.profile for row in deal()} == {"smoke", "ci"}


def test_the_conflicts_keep_apart_what_could_not_both_be_shown():
    def reason(a: str, b: str) -> str | None:
        rule = conflict(BY_FAULT[a], BY_FAULT[b])
        return rule.name if rule else None

    # the same check at the same operation would count for both
    assert reason("search-ignores-auth", "proxy-auth-bypass") == "same verdict"
    # every audit event is wrong: an audit failure at updateOrder proves nothing of the other
    assert reason("audit-wrong-actor", "audit-missing-on-update") == "same verdict"
    # a 422 for a refused hold leaves the proxy no 409 to rewrite
    assert reason("hold-conflict-422", "proxy-refusal-to-success") is not None
    assert reason("create-order-200", "bad-location-header") == "same operation"
    # a property test stops at its first failure: a wrong audit actor at holdOrder first
    assert reason("audit-wrong-actor", "hold-conflict-422") == "same operation"
    assert reason("create-order-200", "proxy-note-field-dropped") is None


def test_a_row_leaves_each_scenario_only_fault_a_scenario():
    def hidden(*names: str) -> list[str]:
        return hidden_in_scenarios([BY_FAULT[n] for n in names])

    # only its scenario catches the refund; a cancel failure earlier in that scenario hides it
    assert hidden("refund-over-balance", "cancel-not-persisted") == ["refund-over-balance"]
    # a wrong audit actor fails every scenario at its first step
    assert hidden("proxy-filter-dropped", "audit-wrong-actor") == ["proxy-filter-dropped"]
    # both need the Customer Care Hold scenario: the refused hold comes first there
    assert set(hidden("hold-does-not-block-shipping", "proxy-refusal-to-success")) == {
        "hold-does-not-block-shipping",
        "proxy-refusal-to-success",
    }
    # other scenarios are left to the search step
    assert hidden("search-filter-ignored", "refund-wrong-item", "cancel-not-persisted") == []
    for row in deal():
        assert hidden_in_scenarios(row.faults) == [], row


def test_the_scenarios_an_expectation_names_reach_its_operations():
    every = scenario_operations()
    for expectation in select():
        for name in expectation.scenarios:
            assert set(expectation.operations) & every[name], (expectation.fault, name)


def test_a_new_fault_lands_in_some_row():
    """A fault added to a catalogue is dealt without anyone editing the rows."""
    faults = select()
    new = dataclasses.replace(faults[0], fault="a-fault-added-later")
    dealt = [e.fault for r in deal([*faults, new]) for e in r.faults]
    assert dealt.count(new.fault) == 1 and len(dealt) == len(faults) + 1


def _outcome(code: int, *failures: tuple[str, str]) -> FinishedRun:
    summary = {
        "failures": [{"check": c, "operation": op} for c, op in failures],
        "totals": {"operations": 49, "operations_tested": 47},
    }
    return FinishedRun(code, 12.0, summary)


def test_a_row_passes_only_when_each_fault_is_named_at_its_operation():
    faults = [BY_FAULT["create-order-200"], BY_FAULT["proxy-note-field-dropped"]]
    both = _outcome(
        1,
        ("status_code_conformance", "createOrder"),
        ("response_schema_conformance", "getNoteById"),
    )
    result = judge_row("r", faults, both, 1, "dir", "smoke")
    assert result.passed and result.tested == "47/49"
    assert result.named["create-order-200"] == ["status_code_conformance at createOrder"]
    # the right check at another operation does not name the proxy fault
    elsewhere = _outcome(
        1,
        ("status_code_conformance", "createOrder"),
        ("response_schema_conformance", "getOrderById"),
    )
    result = judge_row("r", faults, elsewhere, 1, "dir", "smoke")
    assert not result.passed and list(result.missed) == ["proxy-note-field-dropped"]


def test_a_violation_met_first_elsewhere_names_the_fault_where_it_was_seen_too():
    faults = [BY_FAULT["local-time-as-utc"]]
    failure = {"check": "time_runs_forward", "operation": "listOrders"}
    first_elsewhere = FinishedRun(1, 12.0, {"failures": [failure], "totals": {}})
    assert not judge_row("r", faults, first_elsewhere, 1, "dir", "smoke").passed
    failure["seen_at"] = {"updateOrder": 1}  # the same violation, met at the fault's operation
    result = judge_row("r", faults, first_elsewhere, 1, "dir", "smoke")
    assert result.passed and result.named["local-time-as-utc"] == [
        "time_runs_forward at updateOrder"
    ]


def test_a_suite_error_fails_a_row_that_named_everything():
    faults = [BY_FAULT["create-order-200"]]
    run = _outcome(1, ("status_code_conformance", "createOrder"), ("suite_error", "addRefund"))
    result = judge_row("r", faults, run, 1, "dir", "smoke")
    assert not result.missed and result.suite_errors == 1 and not result.passed


def test_a_run_without_a_summary_fails_the_row():
    result = judge_row("r", [BY_FAULT["create-order-200"]], FinishedRun(4, 1.0, None), 1, "d", "s")
    assert not result.passed and result.problem


def test_a_fault_that_fires_everywhere_is_named_at_any_audited_write():
    faults = [BY_FAULT["audit-wrong-actor"]]
    run = _outcome(1, ("audit_log_side_effect", "createOrdersBulk"))
    assert judge_row("r", faults, run, 1, "dir", "smoke").passed
    read = _outcome(1, ("audit_log_side_effect", "getOrderById"))  # a read writes no event
    assert not judge_row("r", faults, read, 1, "dir", "smoke").passed
