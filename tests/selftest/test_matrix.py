"""Judging runs from what they left behind: exit code, summary.json, Allure results."""

from __future__ import annotations

import json
import time

from conformance.selftest.expectations import BY_FAULT
from conformance.selftest.matrix import (
    FailedTest,
    FinishedRun,
    Job,
    failed_tests,
    judge,
    judge_clean,
    run_command,
    run_jobs,
)

EXPECTED = BY_FAULT["create-order-200"]  # caught by status_code_conformance


def summary(*checks: str, error: str | None = None, cases: int = 7) -> dict:
    failures = [{"check": c, "operation": "createOrder", "title": "t"} for c in checks]
    return {
        "failures": failures,
        "passed": not failures and error is None,
        "error": error,
        "totals": {"cases": cases, "setup_errors": 0},
    }


def outcome(code: int, data: dict | None, *tests: FailedTest) -> FinishedRun:
    return FinishedRun(code, 30.0, data, tests, "run.log")


def test_detected_by_the_expected_check_with_time_of_first_failure():
    run = outcome(
        1, summary("status_code_conformance"), FailedTest("t::b", 9.0), FailedTest("t::a", 4.25)
    )
    result = judge(EXPECTED, run, seed=5, reports_dir="r")
    assert result.detected
    assert result.detected_by == ["status_code_conformance"]
    assert result.seconds == 4.2 and result.run_seconds == 30.0
    assert result.tests == ["t::a", "t::b"]
    assert result.problem is None


def test_caught_only_by_another_check_is_a_miss():
    result = judge(EXPECTED, outcome(1, summary("response_schema_conformance")), 5, "r")
    assert not result.detected
    assert result.detected_by == []
    assert result.other_checks == ["response_schema_conformance"]
    assert "other checks: response_schema_conformance" in result.problem


def test_a_mix_keeps_both_lists():
    run = outcome(1, summary("not_a_server_error", "status_code_conformance"))
    result = judge(EXPECTED, run, 5, "r")
    assert result.detected
    assert result.other_checks == ["not_a_server_error"]


def test_passing_run_is_a_miss_naming_the_case_count():
    result = judge(EXPECTED, outcome(0, summary(cases=12)), 5, "r")
    assert not result.detected and result.seconds is None
    assert "no failure in 12 cases" in result.problem


def test_run_error_is_a_miss_even_with_failures():
    run = outcome(2, summary("status_code_conformance", error="no operation matched"))
    result = judge(EXPECTED, run, 5, "r")
    assert not result.detected
    assert "no operation matched" in result.problem


def test_missing_summary_is_a_miss_pointing_at_the_log():
    result = judge(EXPECTED, outcome(-1, None), 5, "r")
    assert not result.detected and "run.log" in result.problem


def test_clean_control():
    assert judge_clean(1, outcome(0, summary()), "r").passed
    failing = judge_clean(2, outcome(1, summary("read_after_write")), "r")
    assert not failing.passed and failing.problem == "1 failures"
    assert failing.failures == [
        {"check": "read_after_write", "operation": "createOrder", "title": "t"}
    ]
    coverage = judge_clean(3, outcome(1, summary(error="lifecycle coverage below")), "r")
    assert not coverage.passed and coverage.problem == "lifecycle coverage below"


def test_run_command_names_fault_operations_profile_and_seed(tmp_path):
    command = run_command(
        "smoke", 7, tmp_path, ["create-order-200"], ["createOrder", "getOrderById"]
    )
    joined = " ".join(command)
    assert "conformance.cli run --profile smoke --seed 7" in joined
    assert "--fault create-order-200" in joined
    assert "--include createOrder --include getOrderById" in joined


def test_failed_tests_from_allure_results(tmp_path):
    start = time.time()
    results = [
        {
            "name": "createOrder: POST /v1/orders",
            "status": "failed",
            "stop": (start + 3) * 1000,
            "fullName": "conformance.suites.test_operations#test_operation",
        },
        {
            "name": "listOrders: GET /v1/orders",
            "status": "passed",
            "stop": (start + 1) * 1000,
            "fullName": "conformance.suites.test_operations#test_operation",
        },
    ]
    for index, result in enumerate(results):
        (tmp_path / f"{index}-result.json").write_text(json.dumps(result))
    (found,) = failed_tests(tmp_path, start)
    assert found.name == "test_operations::createOrder: POST /v1/orders"
    assert abs(found.seconds - 3) < 0.01


def test_run_jobs_keeps_input_order_and_reports_each():
    seen = []
    jobs = [Job(str(n), lambda n=n: n * n) for n in range(5)]
    assert run_jobs(jobs, 2, lambda label, result: seen.append((label, result))) == [0, 1, 4, 9, 16]
    assert sorted(seen) == [(str(n), n * n) for n in range(5)]


PROXIED = BY_FAULT["proxy-audit-event-dropped"]  # audit check, at updateOrder


def test_a_proxy_row_counts_only_failures_at_its_operations():
    at = {"failures": [{"check": "audit_log_side_effect", "operation": "updateOrder"}]}
    result = judge(PROXIED, outcome(1, at), 5, "r")
    assert result.detected and result.detected_at == ["updateOrder"]
    elsewhere = {"failures": [{"check": "audit_log_side_effect", "operation": "createNote"}]}
    missed = judge(PROXIED, outcome(1, elsewhere), 5, "r")
    assert not missed.detected and missed.detected_at == []
    assert missed.problem == "caught only at other operations: audit_log_side_effect at createNote"


def test_run_command_targets_the_proxy_when_given_a_base_url(tmp_path):
    command = run_command("smoke", 3, tmp_path, [], ["listOrders"], "http://127.0.0.1:9")
    assert command[command.index("--base-url") + 1] == "http://127.0.0.1:9"
    assert "--fault" not in command
