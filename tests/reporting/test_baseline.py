"""The baseline's fingerprint and verdict: the same failure is recognised whatever ids and values
it met, a different one is not, and only failures outside the file fail the run."""

from __future__ import annotations

import json

import pytest

from conformance.config.settings import ConfigError, RunSettings
from conformance.exit_codes import Exit
from conformance.failures.baseline import entry_of, judge, load_baseline, normalised
from conformance.reporting.markdown import baseline_markdown
from conformance.reporting.summary import render_table


def failure(operation="createOrder", check="status_code_conformance", title="T", message="m"):
    return {"operation": operation, "check": check, "title": title, "message": message}


def summary(*failures, tested=("createOrder", "getOrderById"), untested=("listNotes",)):
    operations = {
        op: {"tested": True, "cases": 1, "failures": 0, "status_codes": {}} for op in tested
    }
    operations |= {
        op: {"tested": False, "cases": 0, "failures": 0, "status_codes": {}} for op in untested
    }
    return {
        "failures": [dict(f) for f in failures],
        "operations": operations,
        "totals": {"tests": {"errors": 0}},
        "error": None,
        "complete": True,
        "passed": not failures,
    }


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("order 9db159ed91d422539417c4fc not found", "order 2e8811aa3fcba78169b37be1 not found"),
        (
            "merchant 0b6f2f9e-43a4-4a3e-9d7e-1f2a3b4c5d6e refused",
            "merchant 7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f refused",
        ),
        ("refund of 12.5 exceeds 10 paid", "refund of 300 exceeds 7.25 paid"),
        ("externalId 'omct-3effc1ee-0' accepted", "externalId 'x y z' accepted"),
        ('"status" is a required property\n\nValue: {"id": 1}', '"status" is a required property'),
    ],
)
def test_ids_and_values_do_not_change_the_fingerprint(one, other):
    assert normalised(one) == normalised(other)
    assert entry_of(failure(message=one)).id == entry_of(failure(message=other)).id


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ('"status" is a required property', '"items" is a required property'),
        ("status 'Open' cannot ship", "status 'Cancelled' cannot ship"),
    ],
)
def test_what_is_wrong_changes_the_fingerprint(one, other):
    assert entry_of(failure(message=one)).id != entry_of(failure(message=other)).id


def test_operation_and_check_are_part_of_the_fingerprint():
    ids = {
        entry_of(failure()).id,
        entry_of(failure(operation="getOrderById")).id,
        entry_of(failure(check="not_a_server_error")).id,
    }
    assert len(ids) == 3


def settings_for(path, update=False) -> RunSettings:
    return RunSettings(baseline=str(path), baseline_update=update)


def test_a_missing_file_is_created_from_the_run_which_still_fails(tmp_path):
    path = tmp_path / "baseline.json"
    run = summary(failure())
    assert judge(settings_for(path), run, Exit.FAILURES) == Exit.FAILURES
    assert [e["operation"] for e in run["baseline"]["new"]] == ["createOrder"]
    assert run["baseline"]["recorded"] == 1
    stored = json.loads(path.read_text())
    assert stored["format_version"] == 1
    assert [e["id"] for e in stored["entries"]] == [run["failures"][0]["fingerprint"]]


def test_known_failures_pass_the_run_and_new_ones_fail_it(tmp_path):
    path = tmp_path / "baseline.json"
    judge(settings_for(path), summary(failure(message="Received: 201")), Exit.FAILURES)
    again = summary(failure(message="Received: 200"))
    assert judge(settings_for(path), again, Exit.FAILURES) == Exit.OK
    assert again["passed"] is True and len(again["baseline"]["known"]) == 1
    blocked = summary(failure(message="Received: 200"))  # pytest skipped what it blocked: 0
    assert judge(settings_for(path), blocked, Exit.OK) == Exit.OK and blocked["passed"]
    new = failure(operation="getOrderById", title="Response violates schema")
    worse = summary(failure(message="Received: 200"), new)
    assert judge(settings_for(path), worse, Exit.FAILURES) == Exit.FAILURES
    assert [e["operation"] for e in worse["baseline"]["new"]] == ["getOrderById"]
    assert len(json.loads(path.read_text())["entries"]) == 1, "no update without --baseline-update"


def test_an_error_or_an_incomplete_run_is_not_passed_by_known_failures(tmp_path):
    path = tmp_path / "baseline.json"
    judge(settings_for(path), summary(failure()), Exit.FAILURES)
    for change in ({"error": "target went away"}, {"complete": False}):
        run = summary(failure()) | change
        assert judge(settings_for(path), run, Exit.FAILURES) == Exit.FAILURES


def test_update_adds_new_failures_and_a_tested_entry_that_no_longer_fails_is_fixed(tmp_path):
    path = tmp_path / "baseline.json"
    judge(settings_for(path), summary(failure(), failure(operation="listNotes")), Exit.FAILURES)
    new = failure(operation="getOrderById", title="Response violates schema")
    judge(settings_for(path, update=True), summary(failure(), new), Exit.FAILURES)
    assert len(json.loads(path.read_text())["entries"]) == 3
    fixed_run = summary(new)  # createOrder ran and passed; listNotes did not run
    assert judge(settings_for(path), fixed_run, Exit.FAILURES) == Exit.OK
    section = fixed_run["baseline"]
    assert [e["operation"] for e in section["fixed"]] == ["createOrder"]
    assert [e["operation"] for e in section["known"]] == ["getOrderById"]
    assert "fixed" in baseline_markdown(fixed_run)[0]


def test_the_console_lists_known_failures_apart(tmp_path):
    path = tmp_path / "baseline.json"
    judge(settings_for(path), summary(failure(title="Known one")), Exit.FAILURES)
    run = summary(failure(title="Known one"), failure(operation="getOrderById", title="New one"))
    run |= {
        "seed": 1,
        "profile": "smoke",
        "duration_seconds": 1.0,
        "lifecycle": {
            "states_covered": 0,
            "states_total": 1,
            "transitions_covered": 0,
            "transitions_total": 1,
        },
        "blocked": {},
    }
    run["totals"] |= {
        "operations_tested": 2,
        "operations": 3,
        "cases": 2,
        "failures": 2,
        "positive_2xx_share": None,
    }
    for entry in run["failures"]:
        entry["category"] = "status-code"
    judge(settings_for(path), run, Exit.FAILURES)
    table = render_table(run)
    failures_part, baseline_part = table.split("baseline ", 1)
    assert "New one" in failures_part and "Known one" not in failures_part
    assert "[known " in baseline_part and "Known one" in baseline_part


def test_a_broken_baseline_file_is_a_usage_error(tmp_path):
    path = tmp_path / "baseline.json"
    path.write_text('{"format_version": 99, "entries": []}')
    with pytest.raises(ConfigError, match="--baseline"):
        load_baseline(settings_for(path))
    path.write_text("not json")
    with pytest.raises(ConfigError, match="--baseline"):
        load_baseline(settings_for(path))
