"""Schemathesis' link-following phase: chains of calls built from the spec's `links`.

A create's response feeds the next call's ids (createOrder -> getOrderById, cancelOrder, ...), so
these sequences reach resources no single generated case can. Every step runs the same checks as
the property tests, ours included (audit log, read-after-write, tenant isolation, paging).
"""

from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING, Any

import allure
import pytest
from hypothesis import HealthCheck, seed, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis import CheckFunction, Response
from schemathesis.core.errors import NoLinksFound
from schemathesis.errors import FailureGroup
from schemathesis.generation.stateful.state_machine import StepInput, StepOutput

from conformance.checks import snapshots
from conformance.checks.context import Snapshot
from conformance.config.selection import replay_links
from conformance.machinery.contract import ContractBreach
from conformance.reporting import allure_steps
from conformance.suites import blocking
from conformance.suites.runner import (
    check_context,
    excluded_checks,
    project_checks,
    record_failure_group,
    unlinked_body_exclusions,
)
from conformance.suites.schema import suite_schema
from conformance.suites.session import SuiteSession, current
from conformance.transport.auth import replay_after_401
from conformance.transport.operations import operation_of

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase


@functools.cache
def link_workflow() -> type:
    """Built on first use, not at import: a run that deselects this test does not pay for it."""
    return type("LinkWorkflow", (LinkChecks, suite_schema().as_state_machine()), {})


class LinkChecks:
    """Mixed into the spec's links state machine: the project's checks on every step."""

    # The state each call starts from and when it was sent, by case id, from before_call to
    # validate_response; and the checks a linked call leaves out (runner.py says why).
    _before: dict[str, tuple[list[Snapshot], float]]
    _excluded: dict[str, list[CheckFunction]]

    def step(self, input: StepInput) -> StepOutput:
        """A walk's first step is prepared with real resources, as a property test's positive
        case is, so its answer has links to follow; each link followed (its values substituted)
        counts on the coverage map."""
        session = current()
        coverage = session.harness.coverage
        if input.transition is None:
            session.harness.preparation.prepare(input.case)
        else:
            gave_body = input.transition.request_body is not None
            excluded = unlinked_body_exclusions(input.case, gave_body)
            self.__dict__.setdefault("_excluded", {})[input.case.id] = excluded
            if coverage is not None and input.applied_parameters:
                coverage.followed(input.transition.id)
        return super().step(input)  # type: ignore[misc,no-any-return]

    def before_call(self, case: OpenApiCase) -> None:
        taken = snapshots.take(check_context(current()), case)
        self.__dict__.setdefault("_before", {})[case.id] = (taken, time.time())

    def get_call_kwargs(self, case: OpenApiCase) -> dict[str, object]:
        return {"session": current().http}  # the run's throttle

    def call(self, case: OpenApiCase, **kwargs: Any) -> Response:
        session = current()
        response = case.call(**kwargs)
        return replay_after_401(
            case, response, session.harness.auth, session.reauth, lambda: case.call(**kwargs)
        )

    def validate_response(
        self,
        response: Response,
        case: OpenApiCase,
        additional_checks: object = None,
        **kwargs: object,
    ) -> None:
        session = current()
        before, sent_at = self.__dict__.setdefault("_before", {}).pop(case.id, ([], None))
        linked = self.__dict__.setdefault("_excluded", {}).pop(case.id, [])
        operation = session.harness.spec.operation(operation_of(case))
        session.stats.call(operation.operation_id, response.status_code, positive=True)
        try:
            # The base class forwards **kwargs as transport options; call the case directly so
            # the excluded checks are not sent to the HTTP client.
            case.validate_response(
                response,
                additional_checks=project_checks(session, before, sent_at),
                excluded_checks=[*excluded_checks(session.harness.spec, operation), *linked],
                transport_kwargs=kwargs,
            )
        except FailureGroup as group:
            rerun = replay_links(session.settings)
            record_failure_group(session, case, operation, response, group, rerun)
            raise


def test_link_following(suite: SuiteSession) -> None:
    budget = suite.settings.profile_budget
    allure.dynamic.epic(allure_steps.LINKS_EPIC)
    allure.dynamic.feature("Spec links")
    allure.dynamic.title(
        f"link-following: {budget.link_scenarios} x {budget.link_steps} steps, "
        f"seed {suite.settings.seed}"
    )
    chosen = settings(
        max_examples=budget.link_scenarios,
        stateful_step_count=budget.link_steps,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    try:
        workflow = seed(suite.settings.seed)(link_workflow())
        run_state_machine_as_test(workflow, settings=chosen)
    except ContractBreach as breach:
        blocking.blocked(suite, breach, "link-following", replay_links(suite.settings))
    except NoLinksFound:
        if not (suite.settings.include or suite.settings.exclude or suite.settings.read_only):
            raise  # the whole spec has no usable links: that is a spec problem
        pytest.skip("--include/--exclude/--read-only left no linked operations to follow")
