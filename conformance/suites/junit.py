"""junit.xml as CI test tabs show it: a test case per operation, scenario, walk, provocation and
spec link.

pytest names a JUnit test case after the node id, and Schemathesis' tests of all operations share
one (`test_operations.py::test_operation`), so GitLab and the GitHub JUnit actions showed one
identical row per operation. This plugin renames each report: the operationId with its docs
section as the class name, a scenario by its name, and it starts a failure's message with the
check and the category that failed. Hypothesis' statistics (base64, one property per test)
stay out of the file. Loaded into the suites' pytest with `-p conformance.suites.junit`: the
message where the test ran (an xdist worker), the name where the file is written.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest

from conformance.config.settings import RunSettings
from conformance.machinery.provocations import planned
from conformance.machinery.spec_links import short_title
from conformance.reporting.allure_steps import LIFECYCLE_EPIC, LINKS_EPIC, docs_sections
from conformance.reporting.outcome import FailureRecord
from conformance.reporting.stats import running_test
from conformance.stateful.scenarios import RANDOM_WALKS
from spec import load_spec

LINK_FOLLOWING = "link-following"


@functools.cache
def operation_names(spec_path: str, overlays: tuple[str, ...] = ()) -> dict[str, tuple[str, str]]:
    """Schemathesis' test parameter ('METHOD /path') -> (docs section, operationId)."""
    spec = load_spec(spec_path, overlays)
    sections = docs_sections(spec)
    return {
        f"{op.method} {op.path}": (sections.get(op.tag, op.tag), op.operation_id)
        for op in spec.operations
    }


def junit_name(test: str, spec_path: str, overlays: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """(class name, name) for pytest's test name with its parameter, e.g.
    `test_operation[POST /v1/orders]`; None for a test this plugin does not know."""
    function, _, param = test.partition("[")
    param = param.removesuffix("]")
    if function == "test_operation":
        return operation_names(spec_path, overlays).get(param)
    if function == "test_named_scenario":
        return LIFECYCLE_EPIC, param
    if function == "test_random_walks":  # in parts: `random walks 2`
        return LIFECYCLE_EPIC, f"{RANDOM_WALKS} {param}".strip()
    if function == "test_link_following":
        return LINKS_EPIC, LINK_FOLLOWING
    if function == "test_provocation":
        return provocation_names(spec_path, overlays).get(param)
    if function == "test_spec_link":
        return LINKS_EPIC, short_title(param)
    return None


@functools.cache
def provocation_names(spec_path: str, overlays: tuple[str, ...] = ()) -> dict[str, tuple[str, str]]:
    """A provocation's test parameter -> (its operation's docs section, its title)."""
    spec = load_spec(spec_path, overlays)
    sections = docs_sections(spec)
    names = {}
    for plan in planned(spec):
        tag = spec.operation(plan.operation_id).tag
        names[plan.id] = (sections.get(tag, tag), plan.title)
    return names


def headline(records: list[FailureRecord]) -> str:
    """`check [category]: title` for each distinct failure a test recorded."""
    seen = dict.fromkeys(f"{r['check']} [{r['category']}]: {r['title']}" for r in records)
    return "; ".join(seen)


class JunitMessages:
    """Where the tests run: the test's name for the failure entries, the failure message, and
    no statistics for the XML."""

    def __init__(self, settings: RunSettings) -> None:
        self.spec_path, self.overlays = settings.spec_path, settings.overlays

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        names = junit_name(item.location[2], self.spec_path, self.overlays)
        running_test(names[1] if names else "")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        if call.when == "teardown":
            # Hypothesis' plugin adds these to the XML after this hook; without them it does not.
            item.__dict__.pop("hypothesis_statistics", None)
        report = yield
        if report.failed and call.when == "call":
            retitle(report, headline(this_test_s_failures()))
        return report


class JunitRenames:
    """Where junit.xml is written (the xdist controller, or the one process): an xdist worker
    checks that each report keeps its item's node id, so the rename happens after it."""

    def __init__(self, settings: RunSettings) -> None:
        self.spec_path, self.overlays = settings.spec_path, settings.overlays

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        names = junit_name(report.location[2], self.spec_path, self.overlays)
        if names:
            # LogXML names a test case after the node id: "<class name>::<name>".
            report.nodeid = "::".join(names)


def this_test_s_failures() -> list[FailureRecord]:
    """The failure entries the running test met (Stats.touched; none before the session)."""
    from conformance.suites.session import current

    if not current.cache_info().currsize:
        return []
    stats = current().stats
    with stats.lock:
        return [stats.failures[index] for index in stats.touched]


def retitle(report: pytest.TestReport, title: str) -> None:
    """Put `title` first in the failure message the JUnit file shows."""
    if not title:
        return
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        crash.message = f"{title}\n{crash.message}"
    elif isinstance(report.longrepr, str):
        report.longrepr = f"{title}\n{report.longrepr}"


def pytest_configure(config: pytest.Config) -> None:
    settings = RunSettings.from_env()
    config.pluginmanager.register(JunitMessages(settings), "ordermesh-junit-messages")
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(JunitRenames(settings), "ordermesh-junit")
