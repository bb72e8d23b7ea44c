"""Root cause, then blocked: how a broken answer the suite needed is reported.

The answer that broke the contract is one failure at the operation that gave it, with the check
that caught it. Each test that needed that answer is "blocked by <operation>: <failure>", a
category of its own: not a failure of its own, and never a suite error.
"""

from __future__ import annotations

import re

import httpx
import pytest
import requests
from schemathesis.core.transport import DEFAULT_RESPONSE_TIMEOUT

from conformance.config.selection import replay_operation
from conformance.exit_codes import PYTEST_TARGET_GONE
from conformance.failures.categories import BLOCKED, category_of, violation_key
from conformance.machinery.contract import (
    ContractBreach,
    body_of,
    timeout_breach,
    unanswered_breach,
)
from conformance.reporting import allure_steps
from conformance.reporting.evidence import SHAPE_CHECKS, element_provenance
from conformance.reporting.findings_results import GATE
from conformance.suites.session import SuiteSession
from conformance.transport import liveness
from conformance.transport.curl_auth import bearer_reference, token_line
from conformance.transport.transient import UnansweredRequest

# Generated cases go through requests, the suite's own reads through httpx.
AUTH_HEADER = re.compile(r"-H '[Aa]uthorization: [^']*'")
REQUEST_ERRORS = (
    requests.exceptions.Timeout,
    requests.exceptions.ConnectionError,
    UnansweredRequest,
    httpx.TransportError,
)


def record_finding(
    session: SuiteSession, breach: ContractBreach, response: httpx.Response | None
) -> None:
    """The gate's listener: a finding on an answer the machinery read (or on a request that got
    none) is a failure at its operation, replayed by the test that met it (else that
    operation's own)."""
    rerun = session.rerun or replay_operation(session.settings, breach.operation_id)
    record_root(session, breach, rerun, response)
    if response is not None and session.evidence is not None and breach.check in SHAPE_CHECKS:
        media = response.headers.get("content-type")
        body = body_of(response.content)
        session.evidence.keep(breach.operation_id, response.status_code, media, body)


def record_root(
    session: SuiteSession,
    breach: ContractBreach,
    rerun: str,
    response: httpx.Response | None = None,
) -> None:
    """The breach itself, once per (check, operation, title): Stats dedupes repeats. `rerun`:
    the run that replays the test that met it."""
    harness = session.harness
    try:
        operation = harness.spec.operation(breach.operation_id)
    except KeyError:
        operation = None
    session.stats.failure(
        {
            "check": breach.check,
            "operation": breach.operation_id,
            "category": category_of(breach.failure, operation, _provenance(session, response)),
            "title": breach.failure.title,
            "message": harness.redactor.text(str(breach.failure.message))[:2000],
            "reproduction": reproduction(session, breach, rerun, response),
            "replay": rerun,
            "key": violation_key(breach.check, breach.failure, breach.operation_id),
            "source": GATE,
            "seed": session.settings.seed,
        }
    )


def auth_line(session: SuiteSession) -> str:
    """The shell line before a reproduction's curl that gets its token (curl_auth.py)."""
    settings = session.settings
    return token_line(session.harness.spec, settings.credentials.kind, settings.target_url)


def _provenance(session: SuiteSession, response: httpx.Response | None) -> str | None:
    """The provenance of what the answer broke (None: the operation's is used)."""
    if response is None:
        return None
    request = response.request
    operation_id = session.harness.gate.operation_id(request.method, request.url.path)
    if operation_id is None:
        return None
    media = response.headers.get("content-type")
    spec = session.harness.spec
    return element_provenance(
        spec, operation_id, response.status_code, media, body_of(response.content)
    )


def reproduction(
    session: SuiteSession,
    breach: ContractBreach,
    rerun: str,
    response: httpx.Response | None = None,
) -> str:
    """A one-line curl of the answer that broke the contract (after the line that fetches its
    token), and the run that replays it. A request that got no answer has no exchange: its own
    curl when the breach carries it, else the replay alone."""
    settings = session.settings
    client = session.harness.client
    if breach.unanswered is not None:
        curl = session.harness.redactor.text(breach.unanswered)
    else:
        exchange = client.exchange_of(response) if response is not None else client.last_exchange()
        curl = exchange.as_curl() if exchange is not None else ""
    if not curl:
        return f"# seed {settings.seed}; replay: {rerun}"
    curl = curl.replace(" \\\n  ", " ")
    curl = AUTH_HEADER.sub(f"-H {bearer_reference()}", curl)
    replay = f"# seed {settings.seed}; replay the test that met it: {rerun}"
    return f"{auth_line(session)}\n{curl}\n{replay}"


def blocked(
    session: SuiteSession, breach: ContractBreach, needed_by: str, rerun: str | None = None
) -> None:
    """Report the breach at its operation; the test that needed it ends as blocked (or failed,
    when the breach is its own operation's). `rerun` replays that test; by default the property
    test of the operation `needed_by`."""
    if breach.check == "transport":
        gone_unless_answering(session, breach.failure.message)
    if breach.missing is None:  # an unusable answer's findings were reported when it came
        record_root(session, breach, rerun or replay_operation(session.settings, needed_by))
    if breach.operation_id == needed_by:
        text = f"{breach.check}: {breach.failure.title}\n{breach.failure.message}"
        pytest.fail(session.harness.redactor.text(text)[:2000], pytrace=False)
    line = breach.blocked_line()
    session.stats.block(needed_by, line)
    allure_steps.attach_text("categories", f"[{BLOCKED}]")
    pytest.skip(line)


def request_failed(
    session: SuiteSession, exc: Exception, operation_id: str, request: str, curl: str
) -> None:
    """A generated case (`curl`) got no answer. A timeout, or a connection closed before any
    answer, is the target's failure at that operation; a target that no longer answers at all
    is the CLI's to report ("target went away")."""
    gone_unless_answering(session, request)
    if isinstance(exc, requests.exceptions.Timeout):
        reason = f"{request} ({type(exc).__name__})"
        timeout = session.settings.request_timeout or DEFAULT_RESPONSE_TIMEOUT
        blocked(session, timeout_breach(operation_id, reason, timeout, curl), operation_id)
    blocked(session, unanswered_breach(operation_id, request, exc, curl), operation_id)


def gone_unless_answering(session: SuiteSession, request: str) -> None:
    if not liveness.answers(session.settings.target_url):
        pytest.exit(f"target went away: {request}", returncode=PYTEST_TARGET_GONE)
