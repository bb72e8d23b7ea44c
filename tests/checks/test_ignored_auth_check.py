"""Our `ignored_auth` probes each operation once per run, and still catches an ignored token."""

from __future__ import annotations

import pytest
import requests
import schemathesis
import urllib3
from schemathesis.errors import FailureGroup

from conformance.checks.ignored_auth import make_ignored_auth_check
from conformance.machinery.once import RunMarks
from conformance.transport.limiter import Throttle
from conformance.transport.transports import throttle_schema
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from spec import SPEC_PATH

TOKEN = "ignored-auth-test-token"


@pytest.fixture
def probes(monkeypatch) -> list[str]:
    """The requests sent without our token: the check's probes (each on a session of its own)."""
    sent: list[str] = []
    send = requests.Session.send

    def counting_send(self, request, **kwargs):
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            sent.append(request.headers.get("Authorization", "no token"))
        return send(self, request, **kwargs)

    monkeypatch.setattr(requests.Session, "send", counting_send)
    return sent


@pytest.fixture
def searches():
    """Send an authenticated searchOrders to a mock with the given faults, then run one check."""
    stops = []

    def start(faults: tuple[str, ...] = (), throttle: Throttle | None = None):
        base_url, stop = run_in_thread(MockConfig(token=TOKEN, faults=faults))
        stops.append(stop)
        schema = schemathesis.openapi.from_path(SPEC_PATH)
        if throttle is not None:
            throttle_schema(schema, throttle)  # as a run does
        schema.config.update(base_url=base_url)
        operation = schema.find_operation_by_id("searchOrders")

        def call_and_check(check) -> None:
            case = operation.Case(headers={"Authorization": f"Bearer {TOKEN}"})
            response = case.call()
            assert response.status_code == 200
            case.validate_response(response, checks=[check])

        return call_and_check

    yield start
    for stop in stops:
        stop()


def test_an_operation_is_probed_once_per_run(searches, probes):
    call_and_check = searches()
    check = make_ignored_auth_check()
    for _ in range(3):
        call_and_check(check)
    assert len(probes) == 2  # no token, then a wrong one: after the first success only
    call_and_check(make_ignored_auth_check())  # another run probes again
    assert len(probes) == 4


def test_the_processes_of_one_run_probe_an_operation_once(searches, probes, tmp_path):
    """Two processes of a run share their marks directory: what one saw enforced, the other
    does not probe again."""
    call_and_check = searches()
    call_and_check(make_ignored_auth_check(RunMarks(tmp_path)))
    call_and_check(make_ignored_auth_check(RunMarks(tmp_path)))
    assert len(probes) == 2
    call_and_check(make_ignored_auth_check(RunMarks(tmp_path / "another run")))
    assert len(probes) == 4


def test_an_operation_that_ignores_the_token_fails_as_schemathesis_reports_it(searches, probes):
    call_and_check = searches(("search-ignores-auth",))
    with pytest.raises(FailureGroup) as raised:
        call_and_check(make_ignored_auth_check())
    assert [f.checks for f in raised.value.exceptions] == [("ignored_auth",)]
    assert probes == ["no token"]


def test_the_run_s_probes_share_one_connection(searches, probes, monkeypatch):
    """Behind the run's throttle the probes reuse one keep-alive session of their own (a new
    connection per probe costs a handshake per probe on a real network) and still carry no token."""
    opened: list[str] = []
    new_conn = urllib3.connectionpool.HTTPConnectionPool._new_conn

    def counting_new_conn(pool):
        opened.append(pool.host)
        return new_conn(pool)

    monkeypatch.setattr(urllib3.connectionpool.HTTPConnectionPool, "_new_conn", counting_new_conn)
    call_and_check = searches(throttle=Throttle(None))
    call_and_check(make_ignored_auth_check())
    call_and_check(make_ignored_auth_check())  # a second run's check probes again
    assert len(probes) == 4  # two per run, none with our token
    # Six requests (two cases, four probes), all without a session of the caller's: one connection.
    assert opened == ["127.0.0.1"]
