"""ignored_auth, as our once-per-operation check runs it, without a server.

Schemathesis sends the check's probes (no token, a wrong token) on a requests session of their
own, not the run's; here every session's adapter for the stub's address is a stub that refuses
them with 401, or, as a target that ignores auth would, answers them 200.
"""

from __future__ import annotations

import io

import pytest
import requests
import urllib3
from check_helpers import BASE_URL
from requests.adapters import BaseAdapter, HTTPAdapter
from schemathesis.errors import FailureGroup

from conformance.checks.ignored_auth import make_ignored_auth_check

COVERS = ("ignored_auth_once_per_operation",)  # its failures are Schemathesis' `ignored_auth`
TOKEN = "unit-token"


class StubTarget(BaseAdapter):
    """Answers a search; refuses a request without our token unless it ignores auth."""

    def __init__(self, ignores_auth: bool) -> None:
        super().__init__()
        self.ignores_auth = ignores_auth
        self.probes: list[str] = []

    def send(self, request, **kwargs) -> requests.Response:
        authorization = request.headers.get("Authorization")
        ours = authorization == f"Bearer {TOKEN}"
        if not ours:
            self.probes.append(authorization or "no token")
        status = 200 if ours or self.ignores_auth else 401
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(b'{"orders": [], "page": 1, "pageSize": 20, "totalCount": 0}'),
            headers={"Content-Type": "application/json"},
            status=status,
            preload_content=False,
        )
        return HTTPAdapter().build_response(request, raw)

    def close(self) -> None:
        pass


@pytest.fixture
def searches(spec, st_schema, monkeypatch):
    """Send one authenticated searchOrders to a stub target, then run `check` on it."""

    def start(ignores_auth: bool = False):
        target = StubTarget(ignores_auth)
        monkeypatch.setattr(requests.Session, "get_adapter", lambda self, url: target)
        session = requests.Session()
        operation = spec.operation("searchOrders")

        def call_and_check(check) -> None:
            case = st_schema[operation.path][operation.method].Case(
                headers={"Authorization": f"Bearer {TOKEN}"}
            )
            response = case.call(base_url=BASE_URL, session=session)
            assert response.status_code == 200
            case.validate_response(response, checks=[check], transport_kwargs={"session": session})

        return target, call_and_check

    return start


def test_an_operation_that_enforces_auth_passes_and_is_probed_once(searches):
    target, call_and_check = searches()
    check = make_ignored_auth_check()
    for _ in range(3):
        call_and_check(check)
    assert len(target.probes) == 2  # no token, then a wrong one: after the first success only
    call_and_check(make_ignored_auth_check())  # another run probes again
    assert len(target.probes) == 4


def test_an_operation_that_ignores_the_token_fails(searches):
    target, call_and_check = searches(ignores_auth=True)
    with pytest.raises(FailureGroup) as raised:
        call_and_check(make_ignored_auth_check())
    assert [f.checks for f in raised.value.exceptions] == [("ignored_auth",)]
    assert target.probes == ["no token"]
