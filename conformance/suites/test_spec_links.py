"""Each link of the spec followed once: from its source's answer to its target.

machinery/spec_links.py says why the walks of test_links.py are not enough. The source is called
with a prepared positive case and judged by every check, as a property test's case is. When it
answers the link's status, the target is called with the values the link takes from that answer
and judged the same way, and the link counts on the coverage map. When it answers otherwise, the
link is not followed, and the coverage map says what the source answered.
"""

from __future__ import annotations

import allure
import pytest
from schemathesis import GenerationMode
from schemathesis.core import NOT_SET
from schemathesis.errors import FailureGroup

from conformance.config.selection import replay_spec_link
from conformance.coverage.model import key
from conformance.machinery.spec_links import PlannedLink, linked_strategy, planned, spec_links
from conformance.reporting import allure_steps
from conformance.suites.runner import (
    call_and_check,
    guarded,
    one_case,
    started,
    unlinked_body_exclusions,
)
from conformance.suites.schema import suite_schema
from conformance.suites.session import SuiteSession

LINKS = spec_links(suite_schema())
PLAN = [planned(link) for link in LINKS.values()]


@pytest.mark.parametrize("link", PLAN, ids=[link.id for link in PLAN])
def test_spec_link(link: PlannedLink, suite: SuiteSession) -> None:
    allure.dynamic.epic(allure_steps.LINKS_EPIC)
    allure.dynamic.feature("Each spec link")
    allure.dynamic.title(link.title)
    allure.dynamic.parameter("link", link.id)
    followed = LINKS[link.id]
    rerun = replay_spec_link(suite.settings, link.source, link.target)
    run_seed = suite.settings.seed
    source = one_case(followed.source.as_strategy(GenerationMode.POSITIVE), run_seed, link.id)
    operation = started(suite, source)
    with guarded(suite, source, operation, rerun):
        suite.harness.preparation.prepare(source)
        with allure.step(f"{link.source}, for its {link.status}"):
            try:
                answer = call_and_check(suite, source, operation, positive=True, sample=False)
            except FailureGroup:
                tried(suite, link, f"not followed: the answer of {link.source} failed its checks")
                raise
    if str(answer.status_code) != link.status:
        tried(suite, link, f"not followed: {link.source} answered {answer.status_code}")
        pytest.skip(f"{link.id}: not followed: {link.source} answered {answer.status_code}")
    strategy, taken = linked_strategy(followed, source, answer)
    target = one_case(strategy, run_seed, f"{link.id} target")
    operation = started(suite, target)
    excluded = unlinked_body_exclusions(target, followed.body is not NOT_SET)
    with guarded(suite, target, operation, rerun), allure.step(f"{link.target} with {taken}"):
        call_and_check(suite, target, operation, True, False, excluded)
    coverage = suite.harness.coverage
    if coverage is not None:
        coverage.followed(link.transition)


def tried(suite: SuiteSession, link: PlannedLink, text: str) -> None:
    coverage = suite.harness.coverage
    if coverage is not None:
        coverage.tried(key("link", link.source, link.status, link.name), text)
