"""Each documented answer the spec says how to provoke, provoked on every operation that has it.

The property tests see a documented 404, 403, 409 or 413 only by chance, and a second media type
never (machinery/provocations.py says why). Here each one is asked for once: a positive case is
drawn from the seed, turned into the request that should get the answer, sent, and judged by
Schemathesis' response checks plus one of ours: the documented answer came. What was tried, and
what the target answered, goes on the coverage map beside the element it aimed at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import allure
import pytest
from schemathesis import CheckFunction, GenerationMode, Response
from schemathesis.checks import CheckContext, not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conformance.config.selection import replay_provocation
from conformance.coverage.record import media_of
from conformance.failures.hierarchy import ProvocationFailure
from conformance.machinery.contract import is_success
from conformance.machinery.provocations import (
    ACCEPT,
    Attempt,
    Kit,
    Planned,
    Unavailable,
    attempt,
    authorise,
    planned,
)
from conformance.reporting import allure_steps
from conformance.suites.runner import (
    call_case,
    guarded,
    one_case,
    record_failure_group,
    started,
)
from conformance.suites.schema import suite_schema
from conformance.suites.session import SuiteSession, current
from conformance.transport.operations import operation_of
from spec import Operation

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

# The response checks that hold for any answer; not the data checks, which would call a
# deliberately wrong request "positive data refused".
RESPONSE_CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
PLAN = planned(current().settings.load_spec())


@pytest.mark.parametrize("plan", PLAN, ids=[plan.id for plan in PLAN])
def test_provocation(plan: Planned, suite: SuiteSession) -> None:
    case = drawn(plan, suite.settings.seed)
    operation = started(suite, case)
    allure_steps.label(operation, suite.harness.spec)  # each provocation is a result of its own
    allure.dynamic.title(plan.title)
    rerun = replay_provocation(suite.settings, plan.operation_id)
    with guarded(suite, case, operation, rerun):
        try:
            made = attempt(kit_of(suite), plan, case)
        except Unavailable as exc:
            tried(suite, plan, f"not sent: {exc}")
            pytest.skip(f"{plan.id}: not sent: {exc}")
        _send_first(suite, plan, operation, made, rerun)
        authorise(made.case, made.token)
        with allure.step(f"{made.how}: {operation.method} {made.case.formatted_path}"):
            response = send(suite, made.case)
        tried(suite, plan, f"{made.how}: answered {response.status_code}")
        _judge(suite, plan, operation, made, response, rerun)


def drawn(plan: Planned, run_seed: int) -> OpenApiCase:
    """One positive case of the operation, the same for the same run seed and plan."""
    spec_operation = current().harness.spec.operation(plan.operation_id)
    operation = suite_schema().find_operation_by_label(
        f"{spec_operation.method} {spec_operation.path}"
    )
    if operation is None:
        raise LookupError(f"{plan.operation_id} is not in the run's schema")
    return one_case(operation.as_strategy(GenerationMode.POSITIVE), run_seed, plan.id)


def send(suite: SuiteSession, case: OpenApiCase) -> Response:
    """One call, counted; no replay after a 401: the token it carries is the provocation's."""
    response = call_case(suite, case)
    suite.stats.call(operation_of(case), response.status_code, positive=False)
    return response


def kit_of(suite: SuiteSession) -> Kit:
    harness = suite.harness
    restricted = harness.restricted_auth
    return Kit(
        harness.spec,
        harness.preparation.prepare,
        harness.auth.token,
        restricted.token if restricted is not None else None,
    )


def tried(suite: SuiteSession, plan: Planned, text: str) -> None:
    coverage = suite.harness.coverage
    if coverage is not None:
        coverage.tried(plan.aims_at, f"{plan.cause}: {text}")


def _send_first(
    suite: SuiteSession, plan: Planned, operation: Operation, made: Attempt, rerun: str
) -> None:
    """The requests the provocation stands on (a create whose key it repeats) must succeed; an
    answer that breaks the contract is a failure like any other, not a reason to skip."""
    for case in made.first:
        authorise(case, made.token)
        response = send(suite, case)
        _validate(suite, case, operation, response, RESPONSE_CHECKS, rerun)
        if not is_success(response.status_code):
            tried(suite, plan, f"not sent: the request before it answered {response.status_code}")
            pytest.skip(f"{plan.id}: the request before it answered {response.status_code}")


def _judge(
    suite: SuiteSession,
    plan: Planned,
    operation: Operation,
    made: Attempt,
    response: Response,
    rerun: str,
) -> None:
    def documented_answer_given(ctx: CheckContext, response: Response, case: OpenApiCase) -> None:
        media = media_of(response.headers)
        got = media if plan.cause == ACCEPT else str(response.status_code)
        if got != plan.expect:
            raise ProvocationFailure(
                operation=plan.operation_id,
                title=f"Documented {plan.expect} not given",
                message=(
                    f"{made.how} should get {plan.expect} (x-provoked-by: {plan.cause});"
                    f" the target answered {response.status_code} {media or ''}"
                ).strip(),
                check="documented_answer_given",
            )

    checks = [*RESPONSE_CHECKS, documented_answer_given]
    _validate(suite, made.case, operation, response, checks, rerun)


def _validate(
    suite: SuiteSession,
    case: OpenApiCase,
    operation: Operation,
    response: Response,
    checks: list[CheckFunction],
    rerun: str,
) -> None:
    try:
        case.validate_response(response, checks=checks)
    except FailureGroup as group:
        record_failure_group(suite, case, operation, response, group, rerun)
        raise
