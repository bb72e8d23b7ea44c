"""Run one generated case: prepare it, call, validate with every check, record, report."""

from __future__ import annotations

import contextlib
import os
import time
import zlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import allure
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import CheckFunction, GenerationMode, Response
from schemathesis.checks import positive_data_acceptance
from schemathesis.core import NOT_SET
from schemathesis.errors import FailureGroup

from conformance.checks import snapshots
from conformance.checks.context import (
    CheckContext,
    Identities,
    RunShared,
    Snapshot,
    StCheck,
    bound_checks,
)
from conformance.checks.ignored_auth import REPLACED as ST_IGNORED_AUTH
from conformance.checks.ignored_auth import make_ignored_auth_check
from conformance.checks.registered import PROJECT_CHECKS
from conformance.config.selection import replay_operation
from conformance.failures.categories import category_of, error_category, violation_key
from conformance.failures.hierarchy import check_of
from conformance.machinery.contract import ContractBreach, body_of
from conformance.machinery.factory import SetupError
from conformance.reporting import allure_steps, budget
from conformance.reporting.evidence import SHAPE_CHECKS, element_provenance
from conformance.suites import accounting, blocking
from conformance.suites.session import SuiteSession
from conformance.transport.auth import replay_after_401
from conformance.transport.client import Exchange
from conformance.transport.curl_auth import bearer_reference
from conformance.transport.operations import operation_of
from spec import Operation, Spec

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase


def check_names() -> list[str]:
    """The names of the checks `project_checks` hands Schemathesis, in the order they run."""
    return [*PROJECT_CHECKS, make_ignored_auth_check().__name__]


def check_context(session: SuiteSession) -> CheckContext:
    """The run's context for the checks, built once per session; each call adds its snapshot."""
    if session.check_context is None:
        harness = session.harness
        settings = harness.settings
        session.check_context = CheckContext(
            spec=harness.spec,
            client=harness.client,
            tenant_client=harness.tenant_client,
            identities=Identities(
                caller=harness.auth.identity,
                merchant=settings.credentials.merchant_id,
                other_merchant=settings.tenant_b.merchant_id,
            ),
            run=RunShared(
                paths=harness.paths,
                writes=harness.writes,
                poll_timeout=settings.poll_timeout,
                first_time=harness.first_time,
                operation_id=harness.gate.operation_id,
                prepare=harness.preparation.prepare,
                clock_skew=settings.clock_skew,
                coverage=harness.coverage,
            ),
        )
    return session.check_context


def project_checks(
    session: SuiteSession, before: list[Snapshot], sent_at: float | None = None
) -> list[StCheck]:
    """Our checks for one call sent at `sent_at` that started from `before`, and the run's
    `ignored_auth`."""
    if session.ignored_auth is None:
        # it remembers what it probed, and marks it for the run's other processes
        session.ignored_auth = make_ignored_auth_check(session.harness.marks)
    call = check_context(session).for_call(before, sent_at)
    bound = bound_checks(call, PROJECT_CHECKS.values())
    return [*bound, session.ignored_auth]


def excluded_checks(spec: Spec, operation: Operation) -> list[CheckFunction]:
    """Schemathesis' `ignored_auth` runs as our once-per-operation version
    (checks/ignored_auth.py)."""
    return [ST_IGNORED_AUTH]


def unlinked_body_exclusions(case: OpenApiCase, link_gave_body: bool) -> list[CheckFunction]:
    """For a call a link made: a body the link did not give is generated, with none of the
    real resources a prepared case carries (the items of the linked shipment, say). Refusing it
    is then no sign of the API refusing valid data, so `positive_data_acceptance` is left out;
    every other check holds."""
    if link_gave_body or case.body is NOT_SET or case.body is None:
        return []
    return [positive_data_acceptance]


def exchange_of(session: SuiteSession, response: Response) -> Exchange:
    redactor = session.harness.redactor
    request = response.request  # a requests.PreparedRequest, typed loosely: narrowed here
    body = _text(request.body) if isinstance(request.body, str | bytes) else None
    return Exchange(
        method=request.method or "",
        url=redactor.text(request.url or ""),
        request_headers=redactor.headers({k: _text(v) for k, v in request.headers.items()}),
        request_body=redactor.text(body) if body else None,
        status=response.status_code,
        response_headers=redactor.headers({k: ", ".join(v) for k, v in response.headers.items()}),
        response_body=redactor.text(response.text[:20000]),
        elapsed_ms=response.elapsed * 1000,
    )


def _text(value: str | bytes) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def reproduction(session: SuiteSession, case: OpenApiCase, rerun: str) -> str:
    """The line that fetches a token, the case as curl, and `rerun`, the run that replays its
    test."""
    curl = session.harness.redactor.text(case.as_curl_command())
    # Schemathesis masks the header; point it at a shell variable so the replay authenticates
    # and the token itself is never written down.
    curl = curl.replace("'Authorization: [Filtered]'", bearer_reference())
    return f"{blocking.auth_line(session)}\n{curl}\n# replay the generated cases: {rerun}"


def run_case(session: SuiteSession, case: OpenApiCase, sample: bool) -> None:
    operation = started(session, case)
    positive = case.meta is None or case.meta.generation.mode == GenerationMode.POSITIVE
    with guarded(session, case, operation):
        if positive:
            session.harness.preparation.prepare(case)
        call_and_check(session, case, operation, positive, sample)


def started(session: SuiteSession, case: OpenApiCase) -> Operation:
    """The case's operation, its Allure labels given once; past the run's budget, a skip (a
    property test runs many cases: stop between them)."""
    operation = session.harness.spec.operation(operation_of(case))
    if operation.operation_id not in session.labelled:
        allure_steps.label(operation, session.harness.spec)
        session.labelled.add(operation.operation_id)
    budget.check(session.settings)
    return operation


@contextlib.contextmanager
def guarded(
    session: SuiteSession, case: OpenApiCase, operation: Operation, rerun: str | None = None
) -> Iterator[None]:
    """Everything that can go wrong around one case, each recorded where it belongs: a blocked
    case, a request with no answer, a setup the target refused, our own error."""
    try:
        yield
    except FailureGroup:
        raise  # already recorded with its checks
    except ContractBreach as breach:
        blocking.blocked(session, breach, operation.operation_id, rerun)
    except blocking.REQUEST_ERRORS as exc:
        request = f"{operation.method} {case.formatted_path}"
        curl = case.as_curl_command()
        blocking.request_failed(session, exc, operation.operation_id, request, curl)
        raise
    except SetupError as exc:
        session.stats.setup_errors[operation.operation_id] += 1
        _record_error(session, case, operation, "setup", "SetupError", exc, rerun)
        raise
    except Exception as exc:
        _record_error(session, case, operation, "suite_error", "SuiteError", exc, rerun)
        raise


def call_and_check(
    session: SuiteSession,
    case: OpenApiCase,
    operation: Operation,
    positive: bool,
    sample: bool,
    excluded: Sequence[CheckFunction] = (),
) -> Response:
    """Send `case`, count it, and judge its answer with every check but `excluded`; returns
    the answer."""
    harness = session.harness
    before = snapshots.take(check_context(session), case)
    with allure.step(f"{operation.method} {case.formatted_path}") as _:
        sent_at = time.time()
        response = send_case(session, case)
        session.stats.call(operation.operation_id, response.status_code, positive)
        try:
            case.validate_response(
                response,
                additional_checks=project_checks(session, before, sent_at),
                excluded_checks=[*excluded_checks(harness.spec, operation), *excluded],
                # Schemathesis' checks that send requests of their own reuse it where they can
                transport_kwargs={"session": session.http},
            )
        except FailureGroup as group:
            record_failure_group(session, case, operation, response, group)
            raise
        if sample:
            allure_steps.attach_exchange("sample", exchange_of(session, response))
    return response


def one_case(strategy: st.SearchStrategy[OpenApiCase], run_seed: int, key: str) -> OpenApiCase:
    """One case from `strategy`, the same for the same run seed and `key`."""
    found: list[OpenApiCase] = []

    @settings(
        max_examples=1,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @seed(run_seed ^ zlib.crc32(key.encode()))
    @given(strategy)
    def draw(case: OpenApiCase) -> None:
        found.append(case)

    draw()
    return found[-1]


def send_case(session: SuiteSession, case: OpenApiCase) -> Response:
    """Send a generated case through the run's throttle; a 401 renews the token and replays."""
    return replay_after_401(
        case,
        call_case(session, case),
        session.harness.auth,
        session.reauth,
        lambda: call_case(session, case),
    )


def call_case(session: SuiteSession, case: OpenApiCase) -> Response:
    """One call of `case` on the run's session. Schemathesis puts a session's default headers
    above the case's own, so a header the case names itself (an `Accept`) is passed along
    explicitly: otherwise the session's `Accept: */*` went out instead."""
    defaults = {name.lower() for name in session.http.headers}
    own = {k: v for k, v in (case.headers or {}).items() if k.lower() in defaults}
    return case.call(base_url=session.settings.base_url, session=session.http, headers=own or None)


def _record_error(
    session: SuiteSession,
    case: OpenApiCase,
    operation: Operation,
    check: str,
    kind: str,
    exc: Exception,
    rerun: str | None = None,
) -> None:
    setattr(exc, accounting.RECORDED, True)  # the test's end need not record it again
    message = session.harness.redactor.text(f"{type(exc).__name__}: {exc}")[:2000]
    rerun = rerun or replay_operation(session.settings, operation.operation_id)
    repro = reproduction(session, case, rerun)
    allure_steps.attach_text("reproduce", f"# seed {session.settings.seed}\n{repro}")
    category = error_category(exc, operation)
    label_failure(session, operation, [check], [category])
    session.stats.failure(
        {
            "check": check,
            "operation": operation.operation_id,
            "category": category,
            "title": kind,
            "message": message,
            "reproduction": repro,
            "replay": rerun,
            "seed": session.settings.seed,
        }
    )


def record_failure_group(
    session: SuiteSession,
    case: OpenApiCase,
    operation: Operation,
    response: Response,
    group: FailureGroup,
    rerun: str | None = None,
) -> None:
    rerun = rerun or replay_operation(session.settings, operation.operation_id)
    repro = reproduction(session, case, rerun)
    allure_steps.attach_exchange("failure", exchange_of(session, response))
    allure_steps.attach_text("reproduce", f"# seed {session.settings.seed}\n{repro}")
    categories, checks = [], []
    provenance = None
    if {check_of(f) for f in group.exceptions} & set(SHAPE_CHECKS):
        media = response.headers.get("content-type") or response.headers.get("Content-Type")
        answer = (
            operation.operation_id,
            response.status_code,
            media[0] if isinstance(media, list) else media,
            body_of(response.content),
        )
        provenance = element_provenance(session.harness.spec, *answer)
        if session.evidence is not None:
            session.evidence.keep(*answer)
    for failure in group.exceptions:
        category = category_of(failure, operation, provenance)
        categories.append(category)
        checks.append(check_of(failure))
        session.stats.failure(
            {
                "check": checks[-1],
                "operation": operation.operation_id,
                "category": category,
                "title": failure.title,
                "message": session.harness.redactor.text(str(failure.message))[:2000],
                "reproduction": repro,
                "replay": rerun,
                "seed": session.settings.seed,
                "key": violation_key(checks[-1], failure, operation.operation_id),
            }
        )
    label_failure(session, operation, checks, categories)


def label_failure(
    session: SuiteSession, operation: Operation, checks: list[str], categories: list[str]
) -> None:
    """Title and category labels of the failed result, each label once: Hypothesis replays a
    failing case while it shrinks, and every replay comes through here."""
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    key = f"{test}|{operation.operation_id}"
    seen = session.labelled
    new_categories = [c for c in dict.fromkeys(categories) if f"{key}|category|{c}" not in seen]
    seen.update(f"{key}|category|{c}" for c in new_categories)
    seen.update(f"{key}|check|{c}" for c in checks)
    failed_checks = sorted(k.rsplit("|", 1)[1] for k in seen if k.startswith(f"{key}|check|"))
    where = f"{operation.method} {operation.path}"
    allure_steps.label_failure(operation.operation_id, failed_checks, new_categories, where)
