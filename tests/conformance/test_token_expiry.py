"""Tokens that expire mid-run are renewed, and no request is judged on a stale one."""

from __future__ import annotations

import pytest

from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from tests.conformance.conftest import live_env

TTL = 5  # seconds a client token lives on the mock


@pytest.mark.slow
def test_a_run_longer_than_many_token_lifetimes_has_no_auth_failures(run_cli):
    url, stop = run_in_thread(MockConfig(client_token_ttl=TTL))
    try:
        # About 150 requests at 2 per second: over a minute, a dozen token lifetimes.
        result = run_cli("run", "--base-url", url, "--rate-limit", "2", "--profile", "ci",
                         "--seed", "5", "--read-only", "--include", "getOrderById",
                         "--include", "listNotes", env=live_env())  # fmt: skip
    finally:
        stop()
    summary = result.summary
    assert result.code == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert summary["duration_seconds"] >= 60
    assert summary["totals"]["failures"] == 0
    assert summary["requests"]["token_renewals"] >= summary["duration_seconds"] // TTL
