"""Fixtures for the suites; the session itself lives in session.py (see why there)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from conformance.config import selection
from conformance.machinery.spec_links import PlannedLink
from conformance.reporting import allure_steps, budget, run_counts
from conformance.stateful.scenarios import (
    RANDOM_WALKS,
    is_walk_part,
    scenario_operations,
    walk_part,
)
from conformance.suites import accounting
from conformance.suites.scheduling import longest_first
from conformance.suites.session import SuiteSession, current


@pytest.fixture(scope="session")
def suite() -> SuiteSession:
    return current()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """--include/--exclude/--scenario/--suite: deselect the tests the run did not select; then
    the longest first, when several processes share them (scheduling.py)."""
    kept = [item for item in items if selected(item)]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = longest_first(kept, current().settings)


def selected(item: Any) -> bool:
    settings = current().settings
    test = getattr(item, "originalname", item.name)
    if test == "test_operation":
        return selection.runs_operation_tests(settings, selection.PROPERTIES)
    if test == "test_link_following":
        return selection.runs_operation_tests(settings, selection.LINKS)
    if test == "test_spec_link":  # no link among the selected operations: pytest's [NOTSET]
        planned = isinstance(item.callspec.params.get("link"), PlannedLink)
        return planned and selection.runs_operation_tests(settings, selection.LINKS)
    if test == "test_provocation":
        operation_id = item.callspec.params["plan"].operation_id
        return selection.runs_provocation(settings, current().harness.spec, operation_id)
    if test == "test_named_scenario":
        name = item.callspec.params["name"]
    elif test == "test_random_walks":
        name = walk_part(item.callspec.params["part"])  # selected alone, or with every part
        if name not in settings.scenarios:
            name = RANDOM_WALKS
    else:
        return True
    calls = scenario_operations()[RANDOM_WALKS if is_walk_part(name) else name]
    return selection.runs_scenario(settings, current().harness.spec, name, calls)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """--max-failures and --max-duration: start no new test past either."""
    accounting.start(current(), item)
    budget.check(current().settings)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Count a failed test where it ran (an xdist controller sees every report again), and
    make sure it has a failure entry (accounting.py)."""
    report = yield
    if report.failed:
        budget.note_failure(current().settings)
        exc = call.excinfo.value if call.excinfo else None
        accounting.finish(current(), item, report.failed, exc)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Every failed or broken result carries a category, even one no check recorded."""
    allure_steps.start_test()
    try:
        return (yield)
    except Exception as exc:  # pytest's skip and xfail are not Exceptions
        allure_steps.label_uncategorised(exc)
        raise


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Leave this worker's counts for the CLI, then clean up what the run created."""
    suite = current.cache_info().currsize and current()
    if not suite:
        return
    coverage = suite.harness.coverage
    suite.stats.write(suite.settings.reports_dir, coverage.snapshot() if coverage else None)
    run_counts.write(suite.settings.reports_dir, suite.harness, suite.reauth.reauth_count)
    suite.http.close()
    if suite.settings.cleanup and not suite.settings.read_only:
        suite.harness.factory.cleanup()
        if suite.harness.tenant_factory is not None:
            suite.harness.tenant_factory.cleanup()
