"""Counts that add up: every failed test has a failure entry that says what happened.

A crash of our own code in a lifecycle check is a suite error naming the test (exit 4: the
toolkit failed, not the API). A connection that dies under a scenario's POST is a transport
failure at that operation, never resent; one that dies under a GET is sent again and counted.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from crashing_check import MESSAGE
from e2e_targets import STATIC_TOKEN, run_conformance, summary_of

from conformance.config.settings import MOCK_MERCHANT_A
from conformance.exit_codes import Exit
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from spec import load_spec
from spec.natural_key import natural_key
from tests.support.hangup import HangingUpProxy

HERE = Path(__file__).resolve().parent
SCENARIO = "Customer Care Hold"


def failed_tests(summary: dict) -> int:
    return summary["totals"]["tests"]["failed"] + summary["totals"]["tests"]["errors"]


def test_a_crash_in_our_own_check_is_a_suite_error_naming_the_test(tmp_path):
    env = {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
        "PYTEST_ADDOPTS": "-p crashing_check",
    }
    result = run_conformance(
        "--profile", "smoke", "--seed", "1", "--scenario", SCENARIO, reports=tmp_path, env=env
    )
    summary = summary_of(tmp_path)
    assert result.returncode == Exit.INTERNAL, result.stdout[-2000:] + result.stderr[-2000:]
    assert failed_tests(summary) == 1
    [failure] = summary["failures"]
    assert failure["category"] == "suite error"
    assert failure["check"] == "suite_error"
    assert MESSAGE in failure["message"]
    assert failure["tests"] == [SCENARIO]  # as junit.xml names the test
    assert "--scenario" in failure["reproduction"]


def request_line(operation_id: str) -> str:
    """A regex of the request line of `operation_id`, by its path template in the spec."""
    operation = load_spec().operation(operation_id)
    path = re.sub(r"\\\{[^}]+\\\}", "[^/?]+", re.escape(operation.path))
    return f"^{operation.method} {path}[ ?]"


def scenario_through(
    proxy_hang_up: str,
    reports: Path,
    forward: bool = False,
    selection: tuple[str, ...] = ("--scenario", SCENARIO),
):
    """The scenario (or another `selection`) against a fresh mock behind a proxy that hangs up
    once on `hang_up` (after the target did the work, with `forward`)."""
    mock_url, stop_mock = run_in_thread(MockConfig(token=STATIC_TOKEN))
    proxy = HangingUpProxy(mock_url, proxy_hang_up, forward=forward)
    try:
        result = run_conformance(
            *("--base-url", proxy.base_url, "--token", STATIC_TOKEN, "--profile", "smoke"),
            *("--merchant-id", MOCK_MERCHANT_A.merchant_id, "--seed", "1"),
            *(*selection, "--lifecycle-threshold", "0"),
            reports=reports,
        )
    finally:
        proxy.stop()
        stop_mock()
    return result, proxy.hung_up, summary_of(reports)


def test_a_post_whose_connection_dies_is_a_transport_failure_not_resent(tmp_path):
    result, hung_up, summary = scenario_through(request_line("holdOrder"), tmp_path)
    assert len(hung_up) == 1
    assert result.returncode == Exit.FAILURES, result.stdout[-2000:] + result.stderr[-2000:]
    [failure] = summary["failures"]
    assert (failure["category"], failure["check"]) == ("transport", "transport")
    assert failure["operation"] == "holdOrder"  # the operation whose POST got no answer
    assert "got no answer" in failure["message"]
    # The scenario could not go on: blocked by the failure at holdOrder, not failed twice.
    assert summary["totals"]["tests"]["skipped"] == 1
    assert failed_tests(summary) <= len(summary["failures"])
    assert summary["requests"]["stale_connection_retries"] == 0


def test_a_create_made_but_unanswered_is_found_and_the_scenario_goes_on(tmp_path):
    result, hung_up, summary = scenario_through(request_line("createOrder"), tmp_path, True)
    assert len(hung_up) == 1
    assert result.returncode == Exit.FAILURES, result.stdout[-2000:] + result.stderr[-2000:]
    [failure] = summary["failures"]
    assert (failure["category"], failure["operation"]) == ("transport", "createOrder")
    key = natural_key(load_spec(), "createOrder")
    assert key is not None and f"found by {key.field}" in failure["message"]
    tests = summary["totals"]["tests"]
    assert tests["skipped"] == 0 and tests["passed"] >= 1  # the scenario was not blocked


def test_a_get_whose_connection_dies_is_sent_again_and_counted(tmp_path):
    result, hung_up, summary = scenario_through(request_line("getOrderById"), tmp_path)
    assert len(hung_up) == 1
    assert result.returncode == Exit.OK, [f["message"][:300] for f in summary["failures"]]
    assert summary["failures"] == [] and failed_tests(summary) == 0
    assert summary["requests"]["stale_connection_retries"] == 1


def test_a_generated_post_with_no_answer_is_reproduced_by_itself(tmp_path):
    """The reproduction of a generated case that got no answer is that case's curl, never the
    exchange the run completed before it (a setup read or a snapshot)."""
    selection = ("--suite", "properties", "--include", "holdOrder")
    result, hung_up, summary = scenario_through(
        request_line("holdOrder"), tmp_path, False, selection
    )
    assert len(hung_up) == 1
    assert result.returncode == Exit.FAILURES, result.stdout[-2000:] + result.stderr[-2000:]
    [failure] = summary["failures"]
    assert (failure["check"], failure["operation"]) == ("transport", "holdOrder")
    [curl] = [line for line in failure["reproduction"].splitlines() if line.startswith("curl ")]
    path = load_spec().operation("holdOrder").path.rsplit("/", 1)[-1]
    assert re.fullmatch(rf"curl -X POST .*/v1/\S+/{path}'?", curl), curl
    assert "--base-url" in failure["replay"]
