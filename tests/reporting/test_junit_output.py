"""junit.xml as CI test tabs read it: one uniquely named test case per operation and scenario,
failure messages that start with the check and category, no statistics blobs, and an error
test case on the exits that test nothing. Files are read with junitparser, as CI tools do."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from junitparser import Error, Failure, JUnitXml
from schemathesis import openapi

from conformance.config.settings import PROFILES
from conformance.exit_codes import Exit
from conformance.machinery.provocations import planned
from conformance.machinery.spec_links import PlannedLink, spec_links
from conformance.machinery.spec_links import planned as planned_link
from conformance.reporting.allure_steps import LIFECYCLE_EPIC, LINKS_EPIC, docs_sections
from conformance.reporting.exit_outputs import write_error_junit, write_usage_outputs
from conformance.stateful.machine import walk_parts
from conformance.stateful.scenarios import RANDOM_WALKS, SCENARIOS
from conformance.suites.junit import LINK_FOLLOWING, headline, junit_name
from spec import SPEC_PATH
from tests.support.summary_schema import read_summary

MAX_PROPERTY = 1024  # bytes: a property is a label, not a payload


def cases(path: Path) -> list:
    xml = JUnitXml.fromfile(str(path))
    return [case for suite in xml for case in suite]


def expected_names(spec) -> set[str]:
    operations = {op.operation_id for op in spec.operations}
    provocations = {plan.title for plan in planned(spec)}
    links = {f"{link.source}: {link.status} -> {link.name}" for link in spec_link_plan()}
    parts = walk_parts(PROFILES["smoke"].lifecycle_scenarios)
    walks = {f"{RANDOM_WALKS} {n}" for n in range(1, len(parts) + 1)}
    return operations | set(SCENARIOS) | walks | {LINK_FOLLOWING} | provocations | links


def spec_link_plan() -> list[PlannedLink]:
    return [planned_link(link) for link in spec_links(openapi.from_path(SPEC_PATH)).values()]


def test_every_operation_is_named_by_its_id_in_its_docs_section(spec):
    sections = docs_sections(spec)
    names = [junit_name(f"test_operation[{op.method} {op.path}]", str(SPEC_PATH)) for op in spec]
    assert names == [(sections[op.tag], op.operation_id) for op in spec]
    assert len({name for _, name in names}) == len(spec.operations)


def test_scenarios_walks_and_links_are_named_under_their_epics():
    assert junit_name("test_named_scenario[notes]", str(SPEC_PATH)) == (LIFECYCLE_EPIC, "notes")
    assert junit_name("test_random_walks", str(SPEC_PATH)) == (LIFECYCLE_EPIC, RANDOM_WALKS)
    walks = (LIFECYCLE_EPIC, f"{RANDOM_WALKS} 2")
    assert junit_name("test_random_walks[2]", str(SPEC_PATH)) == walks
    assert junit_name("test_link_following", str(SPEC_PATH)) == (LINKS_EPIC, LINK_FOLLOWING)
    assert junit_name("test_something_else", str(SPEC_PATH)) is None


def test_a_spec_link_is_named_by_its_source_status_and_name():
    link = next(link for link in spec_link_plan() if link.source == "createOrder")
    name = junit_name(f"test_spec_link[{link.id}]", str(SPEC_PATH))
    assert name == (LINKS_EPIC, f"createOrder: {link.status} -> {link.name}")


def test_a_provocation_is_named_by_what_it_provokes_in_its_docs_section(spec):
    plan = next(plan for plan in planned(spec) if plan.operation_id == "cancelOrder")
    section = docs_sections(spec)[spec.operation("cancelOrder").tag]
    assert junit_name(f"test_provocation[{plan.id}]", str(SPEC_PATH)) == (section, plan.title)


def test_a_headline_names_each_distinct_check_and_category_once():
    record = {"check": "read_after_write", "category": "side effect", "title": "Not visible"}
    assert headline([record, record]) == "read_after_write [side effect]: Not visible"


@pytest.mark.parametrize("status", [Exit.TARGET, Exit.USAGE])
def test_an_exit_that_tests_nothing_is_one_error_case(tmp_path, status):
    path = tmp_path / "junit.xml"
    write_error_junit(path, status, "target http://x is unreachable")
    [case] = cases(path)
    [error] = case.result
    assert isinstance(error, Error)
    assert error.message.startswith(f"exit {int(status)}: target http://x is unreachable")


def test_the_error_case_is_added_to_what_pytest_wrote(tmp_path):
    path = tmp_path / "junit.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" '
        'failures="1" skipped="0" tests="1"><testcase classname="Orders" name="createOrder">'
        '<failure message="m">t</failure></testcase></testsuite></testsuites>',
        encoding="utf-8",
    )
    write_error_junit(path, Exit.TARGET, "target went away after 12 requests")
    xml = JUnitXml.fromfile(str(path))
    [suite] = list(xml)
    assert (suite.tests, suite.failures, suite.errors) == (2, 1, 1)
    assert [case.name for case in suite] == ["createOrder", "target"]


def test_a_usage_error_leaves_the_three_outputs(tmp_path):
    (tmp_path / "junit.xml").write_text("stale", encoding="utf-8")
    write_usage_outputs(tmp_path, "--base-url must start with http:// or https://")
    [case] = cases(tmp_path / "junit.xml")
    assert case.name == "usage" and isinstance(case.result[0], Error)
    assert "USAGE ERROR" in (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert read_summary(tmp_path)["exit_code"] == Exit.USAGE


@pytest.mark.slow
def test_a_smoke_run_has_one_uniquely_named_case_per_test(run_cli, spec):
    result = run_cli("run", "--profile", "smoke", "--seed", "3", "--fault", "create-order-200")
    assert result.code == 1, result.stdout + result.stderr
    path = result.reports / "junit.xml"
    found = cases(path)
    names = [case.name for case in found]
    assert len(names) == len(set(names)) == len(expected_names(spec))
    assert set(names) == expected_names(spec)
    sections = set(docs_sections(spec).values()) | {LIFECYCLE_EPIC, LINKS_EPIC}
    assert {case.classname for case in found} <= sections
    create = next(case for case in found if case.name == "createOrder")
    failures = [r for r in create.result if isinstance(r, Failure)]
    assert failures and failures[0].message.startswith(
        "status_code_conformance [undocumented status]: "
    )
    properties = ET.parse(path).getroot().iter("property")  # of the suites and of the cases
    assert [p.get("name") for p in properties if len(p.get("value", "")) > MAX_PROPERTY] == []
    assert b"hypothesis-statistics" not in path.read_bytes()
