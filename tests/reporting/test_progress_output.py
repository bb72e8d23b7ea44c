"""Live progress: lines that name what finished, and `--quiet` for the summary only."""

from __future__ import annotations

import re

import pytest

from conformance.reporting.progress import Progress

pytestmark = pytest.mark.slow

SMALL = ("--profile", "smoke", "--seed", "5", "--include", "getOrderById", "--read-only")
PROGRESS = re.compile(r"^\[ *(\d+)/(\d+)\] +\d+\.\ds  (\d+) failed so far  (\w+) +(.+)$")


def test_a_ci_log_gets_plain_progress_lines_naming_operations(run_cli):
    result = run_cli("run", *SMALL)
    assert result.code == 0, result.stdout + result.stderr
    lines = [m for m in map(PROGRESS.match, result.stdout.splitlines()) if m]
    assert lines, result.stdout
    done, total = int(lines[-1][1]), int(lines[-1][2])
    assert done == total == result.summary["totals"]["tests"]["total"]  # the last line always
    assert "getOrderById" in {m[5] for m in lines} or len(lines) < total  # throttled in a log
    assert "\x1b[" not in result.stdout  # no colour codes without a terminal
    assert not re.search(r"^\.+$", result.stdout, re.M)  # no pytest dots


def test_quiet_prints_the_summary_only(run_cli):
    result = run_cli("run", *SMALL, "--quiet")
    assert result.code == 0, result.stdout + result.stderr
    assert not [line for line in result.stdout.splitlines() if PROGRESS.match(line)]
    assert "[100%]" not in result.stdout
    assert "embedded mock at" not in result.stdout
    assert "getOrderById" in result.stdout and "PASSED" in result.stdout  # the summary table
    assert (result.reports / "summary.md").is_file() and (
        result.reports / "lifecycle.svg"
    ).is_file()


def test_a_parametrized_test_is_named_with_its_parameter():
    names = Progress(names={"GET /v1/orders/{orderId}": "getOrderById"})
    assert names.title("test_operation[GET /v1/orders/{orderId}]") == "getOrderById"
    assert names.title("test_named_scenario[notes]") == "scenario: notes"
    assert names.title("test_provocation[holdOrder-404-unknown-id]") == (
        "provocation: holdOrder-404-unknown-id"
    )
    assert names.title("test_random_walks") == "random walks"
