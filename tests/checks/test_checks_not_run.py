"""A check the run's settings keep from running is named with its reason, never silent."""

from __future__ import annotations

from dataclasses import replace

from conformance.checks.not_run import LIFECYCLE_CHECKS, WRITE_CHECKS, checks_not_run
from conformance.config.settings import MOCK_MERCHANT_A, MOCK_MERCHANT_B, RunSettings
from conformance.reporting.markdown import render_markdown
from conformance.reporting.stats import merge_parts
from conformance.reporting.summary import RunFacts, build_summary, render_table
from tests.checks.test_check_registry import lifecycle_checks, suite_checks

BOTH = RunSettings(credentials=MOCK_MERCHANT_A, tenant_b=MOCK_MERCHANT_B)


def test_every_check_runs_with_two_merchants_and_writes():
    assert checks_not_run(BOTH) == {}


def test_tenant_isolation_needs_merchant_b_and_says_how_to_set_it():
    reasons = checks_not_run(replace(BOTH, tenant_b=replace(MOCK_MERCHANT_B, client_secret=None)))
    assert list(reasons) == ["tenant_isolation"]
    assert "ORDERMESH_TENANT_B_CLIENT_ID" in reasons["tenant_isolation"]


def test_read_only_names_the_checks_that_judge_writes_and_the_scenarios():
    reasons = checks_not_run(replace(BOTH, read_only=True))
    assert set(reasons) == set(WRITE_CHECKS) | set(LIFECYCLE_CHECKS)
    assert all("--read-only" in why for why in reasons.values())


def test_the_names_are_the_checks_the_suite_registers():
    assert set(WRITE_CHECKS) <= suite_checks()
    assert set(LIFECYCLE_CHECKS) == lifecycle_checks()


def test_the_summary_table_and_markdown_list_them(spec, lifecycle, tmp_path):
    settings = replace(BOTH, tenant_b=RunSettings().tenant_b, base_url="http://x")
    facts = RunFacts(settings, spec, lifecycle, merge_parts(str(tmp_path)), 1.0, True)
    summary = build_summary(facts)
    assert list(summary["checks_not_run"]) == ["tenant_isolation"]
    assert "checks not run: tenant_isolation" in render_table(summary)
    markdown = render_markdown(summary, spec)
    assert "### Checks that did not run" in markdown
    assert "**tenant_isolation**: no second merchant" in markdown
