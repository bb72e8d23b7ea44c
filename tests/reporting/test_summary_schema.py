"""The published schema of summary.json and the toolkit's own record of it say the same thing:
each object's keys, and which of them are always there, match the TypedDicts of
conformance/reporting/outcome.py; summaries the code builds conform."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from conformance.config.settings import RunSettings
from conformance.exit_codes import Exit
from conformance.failures.categories import (
    API_DEFECT,
    BLOCKED,
    CATEGORIES,
    CONTRADICTED,
    OBSERVED_VIOLATED,
    SUITE_ERROR,
    TRANSPORT,
    kind_of,
)
from conformance.reporting import outcome
from conformance.reporting.exit_outputs import write_usage_outputs
from conformance.reporting.stats import merge_parts
from conformance.reporting.summary import RunFacts, build_summary
from tests.support.summary_schema import SCHEMA, problems, read_summary

DOCUMENT = json.loads(SCHEMA.read_text(encoding="utf-8"))
# schema object -> the record it publishes
OBJECTS = {
    "#/$defs/failure": outcome.FailureRecord,
    "#/$defs/operation": outcome.OperationEntry,
    "#/$defs/tests": outcome.TestTotals,
    "#/$defs/totals": outcome.Totals,
    "#/$defs/lifecycle": outcome.LifecycleCoverage,
    "#/$defs/selection": outcome.Selection,
}


def schema_at(ref: str) -> dict[str, Any]:
    node = DOCUMENT
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


@pytest.mark.parametrize("ref", sorted(OBJECTS))
def test_each_object_has_the_records_keys(ref: str) -> None:
    record, schema = OBJECTS[ref], schema_at(ref)
    assert set(schema["properties"]) == set(record.__annotations__)
    assert set(schema["required"]) == record.__required_keys__
    assert schema["additionalProperties"] is False


def test_the_top_level_is_the_run_outcome() -> None:
    record = outcome.RunOutcome
    assert set(DOCUMENT["properties"]) == set(record.__required_keys__ | record.__optional_keys__)
    # Always there: what a run that did not start writes too.
    assert set(DOCUMENT["required"]) == outcome.NotStarted.__required_keys__
    # A whole run (it has totals) holds the rest of the record.
    assert DOCUMENT["if"] == {"required": ["totals"]}
    whole = set(DOCUMENT["then"]["required"])
    assert whole == record.__required_keys__ - outcome.NotStarted.__required_keys__


def test_the_exit_codes_are_the_toolkits() -> None:
    assert DOCUMENT["properties"]["exit_code"]["enum"] == sorted(int(code) for code in Exit)


def test_the_kinds_are_every_kind_a_category_can_have() -> None:
    categories = {name for name, *_ in CATEGORIES} | {BLOCKED, SUITE_ERROR, TRANSPORT}
    categories |= {CONTRADICTED, OBSERVED_VIOLATED, API_DEFECT}
    kinds = {kind_of(category) for category in categories}
    assert set(schema_at("#/$defs/failure")["properties"]["kind"]["enum"]) == kinds


def test_a_summary_the_code_builds_conforms(spec, lifecycle, tmp_path) -> None:
    settings = replace(RunSettings(), base_url="http://127.0.0.1:9")
    facts = RunFacts(
        settings,
        spec,
        lifecycle,
        merge_parts(str(tmp_path)),
        1.0,
        False,
        error="target went away after 0 requests",
        failed={"test_createOrder": "boom"},  # a failed test with no record: a suite error
    )
    summary = build_summary(facts)
    assert summary["failures"][0]["kind"] == kind_of(SUITE_ERROR)
    assert problems(summary) == []
    assert problems({**summary, "unexpected": 1}) != []  # the schema is closed
    broken = {**summary, "failures": [{**summary["failures"][0], "occurrences": 0}]}
    assert problems(broken) != []


@pytest.mark.parametrize("status", [Exit.USAGE, Exit.TARGET])
def test_a_run_that_did_not_start_conforms(tmp_path, status: Exit) -> None:
    write_usage_outputs(tmp_path, "--profile: no such profile 'huge'", status)
    summary = read_summary(tmp_path)
    assert summary["exit_code"] == status and summary["passed"] is False
    assert problems({k: v for k, v in summary.items() if k != "passed"}) != []


def test_with_totals_and_with_history_return_new_records(spec, lifecycle, tmp_path) -> None:
    facts = RunFacts(RunSettings(), spec, lifecycle, merge_parts(str(tmp_path)), 1.0, True)
    built = build_summary(facts)
    counted = outcome.with_totals(built, contract_findings=2)
    dated = outcome.with_history(counted, {"new_failures": [], "previous_run": None})
    assert (
        "contract_findings" not in built["totals"] and counted["totals"]["contract_findings"] == 2
    )
    assert dated["new_failures"] == [] and dated["fixed_since_last"] is None
    assert problems(dated) == []
