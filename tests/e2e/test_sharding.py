"""Scaling past one process and one machine: pytest-xdist workers and pytest-split shards.

The shards run against a mock with a seeded fault, so failures have to survive the merge too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from conformance.reporting.stats import failure_key

pytestmark = pytest.mark.slow

OPERATIONS = ("createOrder", "getOrderById", "listNotes", "createNote")
SELECTION = tuple(arg for op in OPERATIONS for arg in ("--include", op))
COMMON = ("--profile", "smoke", "--seed", "11", *SELECTION)
FAULT = ("--fault", "create-order-200")  # createOrder answers 200: a status-code failure
# Lifecycle scenarios call operations too, so `operations_tested` (a distinct count) is not summed.
SUMMED_TOTALS = ("cases", "positive_cases", "setup_errors")
OUTCOMES = ("total", "passed", "failed", "errors", "skipped")


def ids_of_tests_run(finished) -> set[str]:
    root = ET.parse(finished.reports / "junit.xml").getroot()
    return {f"{case.get('classname')}::{case.get('name')}" for case in root.iter("testcase")}


@pytest.fixture(scope="module")
def single(conformance_cli, tmp_path_factory):
    """The same selection in one process on one machine: what shards and workers must add up to."""
    run = conformance_cli("run", *COMMON, reports=tmp_path_factory.mktemp("single"))
    assert run.returncode in (0, 1), run.output
    return run


@pytest.fixture(scope="module")
def shards(conformance_cli, tmp_path_factory):
    finished = []
    for index in (1, 2):
        reports = tmp_path_factory.mktemp(f"shard{index}")
        run = conformance_cli("run", *COMMON, *FAULT, "--shard", f"{index}/2", reports=reports)
        assert run.returncode in (0, 1), run.output
        finished.append(run)
    return finished


@pytest.fixture(scope="module")
def merged(shards, conformance_cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("merged")
    inputs = [arg for shard in shards for arg in ("--merge", str(shard.reports))]
    return conformance_cli("report", *inputs, reports=out)


def test_shards_split_the_tests_between_them(shards, single):
    ran = [ids_of_tests_run(s) for s in shards]
    assert all(ran), f"a shard ran nothing: {ran}"
    assert not ran[0] & ran[1]
    assert ran[0] | ran[1] == ids_of_tests_run(single)


def test_merged_summary_adds_up_the_shards(shards, merged, single):
    assert merged.returncode == 1, merged.output  # the fault's failure is in one of the shards
    summary = merged.summary
    for key in SUMMED_TOTALS:
        assert summary["totals"][key] == sum(s.summary["totals"][key] for s in shards), key
    # One violation is one failure, however many shards met it.
    distinct = {failure_key(f) for s in shards for f in s.summary["failures"]}
    assert summary["totals"]["failures"] == len(distinct)
    for outcome in OUTCOMES:
        assert summary["totals"]["tests"][outcome] == sum(
            s.summary["totals"]["tests"][outcome] for s in shards
        ), outcome
    assert summary["totals"]["tests"]["total"] == single.summary["totals"]["tests"]["total"]
    tested = {op for s in shards for op, e in s.summary["operations"].items() if e["tested"]}
    assert summary["totals"]["operations_tested"] == len(tested)
    for op in OPERATIONS:
        assert summary["operations"][op]["cases"] == sum(
            s.summary["operations"][op]["cases"] for s in shards
        ), op
    assert summary["operations"]["createOrder"]["failures"] >= 1
    assert summary["passed"] is False
    assert [s["dir"] for s in summary["shards"]] == [str(s.reports) for s in shards]


def test_merged_report_adds_up_the_shards(shards, merged, single):
    assert merged.returncode == 1, merged.output
    statuses = {key for s in shards for key in s.allure_stats} | set(merged.allure_stats)
    # Transition counts (new, regressed...) come from each shard's own history; a merge has none.
    for status in statuses - {"retries", "flaky", "new", "regressed", "malfunctioned", "fixed"}:
        assert merged.allure_stats.get(status, 0) == sum(
            s.allure_stats.get(status, 0) for s in shards
        ), status
    # Each shard's contract findings are results of their own beside the tests.
    findings = sum(s.summary["totals"].get("contract_findings", 0) for s in shards)
    assert merged.allure_stats["total"] == single.allure_stats["total"] + findings
    assert len(merged.result_statuses()) == merged.summary["totals"]["tests"]["total"] + findings


def test_merge_refuses_shards_of_different_runs(shards, conformance_cli, tmp_path):
    other = conformance_cli(
        "run",
        "--profile",
        "smoke",
        "--seed",
        "12",
        "--include",
        "listNotes",
        reports=tmp_path / "other",
    )
    merge = conformance_cli(
        "report",
        "--merge",
        str(shards[0].reports),
        "--merge",
        str(other.reports),
        reports=tmp_path / "merged",
    )
    assert merge.returncode == 2
    assert "seed" in merge.output and "same --seed" in merge.output


def test_xdist_workers_count_like_one_process(single, conformance_cli, tmp_path):
    """Each xdist worker writes its own stats part; together they match a one-process run."""
    workers = conformance_cli("run", *COMMON, "--workers", "2", reports=tmp_path / "workers")
    assert workers.returncode == single.returncode, single.output + workers.output
    parts = sorted(p.name for p in (workers.reports / ".parts").glob("stats-*.json"))
    assert len(parts) == 2 and all(name.startswith("stats-gw") for name in parts), parts
    assert workers.summary["totals"]["tests"] == single.summary["totals"]["tests"]
    assert workers.summary["totals"]["tests"]["total"] >= len(OPERATIONS)
    for op in OPERATIONS:
        assert (
            workers.summary["operations"][op]["cases"] == single.summary["operations"][op]["cases"]
        ), op
    assert workers.allure_stats == single.allure_stats
