"""Tokens that expire mid-run are renewed, and no request is judged on a stale one."""

from __future__ import annotations

import time

import pytest
from schemathesis.auths import AuthContext, set_on_case

from conformance.config.settings import ENV_SETTINGS, MOCK_MERCHANT_A, RunSettings, new_run_id
from conformance.suites.runner import send_case
from conformance.suites.schema import build_schema
from conformance.suites.session import current
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from tests.support.cli import live_env

TTL = 5  # seconds a client token lives on the mock


@pytest.mark.slow
@pytest.mark.long
def test_a_run_longer_than_many_token_lifetimes_has_no_auth_failures(run_cli):
    url, stop = run_in_thread(MockConfig(client_token_ttl=TTL))
    try:
        # About 150 requests at 2 per second: over a minute, a dozen token lifetimes.
        result = run_cli(
            "run",
            "--base-url",
            url,
            "--rate-limit",
            "2",
            "--profile",
            "ci",
            "--seed",
            "5",
            "--read-only",
            "--include",
            "getOrderById",
            "--include",
            "listNotes",
            env=live_env(),
        )
    finally:
        stop()
    summary = result.summary
    print(f"{summary['duration_seconds']}s, requests: {summary.get('requests')}")
    assert result.code == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert summary["duration_seconds"] >= 60
    assert summary["totals"]["failures"] == 0
    assert summary["requests"]["token_renewals"] >= summary["duration_seconds"] // TTL


@pytest.fixture
def suite_on_a_mock_with_a_clock(monkeypatch):
    """The suites' session against a mock whose clock the test moves forward."""
    clock = [time.time()]
    url, stop = run_in_thread(MockConfig(clock=lambda: clock[0]))
    settings = RunSettings(base_url=url, credentials=MOCK_MERCHANT_A, run_id=new_run_id(), seed=1)
    monkeypatch.setenv(ENV_SETTINGS, settings.to_env()[ENV_SETTINGS])
    current.cache_clear()
    yield current(), clock
    current.cache_clear()
    stop()


def test_a_generated_case_whose_token_died_is_replayed_with_a_new_one(suite_on_a_mock_with_a_clock):
    session, clock = suite_on_a_mock_with_a_clock
    operation = build_schema(session.settings)["/v1/notes"]["GET"]

    def authenticated_case():
        case = operation.Case(query={"resourceType": "Order"})
        set_on_case(case, AuthContext(operation=operation, app=None), None)
        return case

    assert send_case(session, authenticated_case()).status_code == 200
    clock[0] += 2 * 86400  # every token the mock issued is dead; ours does not know yet
    response = send_case(session, authenticated_case())
    assert response.status_code == 200
    assert session.harness.auth.renewals == 1
    assert session.reauth.reauth_count == 1
