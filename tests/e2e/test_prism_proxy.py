"""Prism's validating proxy, a second validator besides Schemathesis, in front of the mock.

`prism proxy --errors` checks every response of the mock against spec/ordermesh.yaml and turns a
violation into an error answer. It runs with `--validate-request=false`: the conformance run sends
invalid requests on purpose (negative cases), and those must reach the mock, which answers them;
Prism would otherwise answer them itself, with its own 422.

Prism does not forward a JSON body as sent: it parses it and sends `JSON.stringify` of it
(prism-http's forwarder), so integers beyond 2**53 lose digits and 1.0 becomes 1, and a body that
parses to a falsy value (`null`, `false`, `0`, `""`) is dropped while the client's Content-Length
is passed on. The mock then waits its body timeout for bytes that never come and answers 400; it
closes that connection, since the bytes it still expects would be read as the next request.
A failure is printed with both sides of Prism (`prism_recorder.py`), so such a change shows.
The smoke run's read-after-write check fails on a write Prism changed (2.958579878935189e+16 is
forwarded as 29585798789351890, an int the mock stores exactly, not the float sent): such a
failure is not counted when the recorders show that Prism changed that operation's body.
"""

from __future__ import annotations

import random
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_targets import proxy, serve
from prism_recorder import (
    Exchange,
    Recorder,
    altered_bodies,
    altered_requests,
    catch_violations,
    explain,
    record,
)

from ordermesh_mock.app import create_app
from ordermesh_mock.auth import MERCHANT_A
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import free_port, serve_app_in_thread
from spec import SPEC_PATH, load_spec
from strategies import samples
from tests.support.summary_schema import read_summary

START_TIMEOUT = 60  # seconds for Prism to parse the spec and listen
SMOKE_TIMEOUT = 900  # seconds; Prism makes each of a few malformed-body cases wait for a timeout
FRONT_TIMEOUT = 120  # seconds; more than the run's client waits for an answer
VENDOR = "8d0f3c6a-2b1e-4f5a-9c8d-7e6f5a4b3c2d"
FACILITY = "5c4b3a29-1807-4f6e-8d5c-4b3a29180706"
CREDENTIALS = {"client_id": "om-client-a", "client_secret": "om-secret-a"}
LOGIN = {"username": "qa-a@ordermesh.test", "password": "password-a"}


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"prism exited: {log.read_text(encoding='utf-8')[-2000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"prism did not listen within {START_TIMEOUT} s")


@dataclass
class Rig:
    """Prism between a recorder in front (`url`) and the recorded mock behind it."""

    url: str
    log: Path
    front: Recorder
    behind: Recorder

    def violations(self) -> list[str]:
        """Every violation Prism reported, in full; its log only says that there was one."""
        logged = [line for line in self.log.read_text("utf-8").splitlines() if "VIOLATION" in line]
        explained = explain(self.front, self.behind)
        if len(explained) < len(logged):
            explained += [f"(log only) {line}" for line in logged]
        return explained


def _start_prism(binary: Path, upstream: str, log: Path, repo_root: Path) -> tuple[str, Any]:
    port = free_port()
    command = [
        str(binary),
        "proxy",
        "--errors",
        "--validate-request=false",
        "--verboseLevel",
        "debug",  # the log then holds what Prism forwarded, for a request the mock never saw
        str(SPEC_PATH),
        upstream,
        "-p",
        str(port),
        "-h",
        "127.0.0.1",
    ]
    with log.open("w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=repo_root, stdout=out, stderr=subprocess.STDOUT)
    _wait_for_port(port, process, log)
    return f"http://127.0.0.1:{port}", process


@contextmanager
def prism_rig(repo_root: Path, log: Path, config: MockConfig) -> Iterator[Rig]:
    """Prism's proxy, the recorded mock behind it, a violation recorder in front of it."""
    binary = repo_root / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        pytest.fail("Prism is not installed: run `npm ci` in the repo root")
    front, behind = Recorder(), Recorder()
    upstream, stop_mock = serve_app_in_thread(record(create_app(config), behind), "mock")
    process = None
    try:
        prism_url, process = _start_prism(binary, upstream, log, repo_root)
        # Longer than the run's own read timeout, so a request Prism never answers still ends
        # as the client's timeout, not as this recorder's error.
        url, stop_front = serve(proxy(prism_url, catch_violations(front), timeout=FRONT_TIMEOUT))
        try:
            yield Rig(url, log, front, behind)
        finally:
            stop_front()
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        stop_mock()


@pytest.fixture(scope="module")
def prism(repo_root: Path, tmp_path_factory) -> Iterator[Rig]:
    """Prism in front of the clean mock."""
    with prism_rig(repo_root, tmp_path_factory.mktemp("prism") / "prism.log", MockConfig()) as rig:
        yield rig


class Checked:
    """Calls through the proxy; each answer must have the expected status and no violation."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)
        self.headers: dict[str, str] = {}
        self.seen: list[str] = []

    def call(self, method: str, path: str, status: int, **kw) -> dict:
        r = self.http.request(method, path, headers={**self.headers, **kw.pop("headers", {})}, **kw)
        where = f"{method} {path} -> {r.status_code}"
        assert "sl-violations" not in r.headers, f"{where}: {r.headers['sl-violations']}"
        assert "problem+json" not in r.headers.get("content-type", ""), f"{where}: {r.text}"
        assert r.status_code == status, f"{where}: {r.text[:300]}"
        self.seen.append(f"{method} {path.split('?')[0]} {status}")
        return r.json() if r.content else {}


def _auth_and_orders(api: Checked) -> dict:
    token = api.call("POST", "/user/v1/clients/token", 200, json=CREDENTIALS)["access_token"]
    login = api.call("POST", "/user/v1/login", 200, json=LOGIN)
    api.call(
        "POST", "/user/v1/login/refreshToken", 200, json={"refresh_token": login["refresh_token"]}
    )
    api.call("POST", "/user/v1/login", 401, json={**LOGIN, "password": "wrong"})
    api.headers = {"Authorization": f"Bearer {token}"}
    payload = samples.create_order_payload(random.Random(21), MERCHANT_A, "prism-21", 2)
    oid = api.call("POST", "/v1/orders", 201, json=payload)["id"]
    order = api.call("GET", f"/v1/orders/{oid}", 200)["order"]
    api.call("GET", f"/v1/orders/safeId/{order['safeId']}", 200)
    api.call("GET", f"/v1/orders/items/{order['items'][0]['id']}", 200)
    api.call("GET", "/v1/orders?page=1&pageSize=5", 200)
    api.call("GET", f"/v1/orders/{oid}/auditLogs", 200)
    api.call("GET", "/v1/orders/0123456789abcdef01234567", 404)
    api.call("GET", f"/v1/orders/{oid}", 401, headers={"Authorization": "Bearer nope"})
    return order


def _shipments(api: Checked, order: dict) -> None:
    body = {"orderId": order["id"], "vendorId": VENDOR, "orderItemIds": [order["items"][0]["id"]]}
    sid = api.call("POST", "/v1/shipments", 201, json=body)["id"]
    api.call("GET", f"/v1/shipments/{sid}", 200)
    api.call("POST", f"/v1/shipments/{sid}/assign", 200, json={"facilityId": FACILITY})
    packages = [{"carrierName": "UPS", "carrierMethodName": "Ground"}]
    pid = api.call("POST", f"/v1/shipments/{sid}/packages", 201, json=packages)["packages"][0]
    shipped = {"shippedDate": "2026-01-02T10:00:00", "carrierTrackingNumber": "1Z999"}
    api.call("PATCH", f"/v1/shipments/{sid}/packages/{pid['id']}", 200, json=shipped)
    api.call("GET", f"/v1/shipments/{sid}/auditLogs", 200)
    api.call("GET", f"/v1/shipments/{sid}/messageAuditLogs", 200)
    api.call("GET", f"/v1/orders/{order['id']}", 200)


def _notes_and_refusals(api: Checked, order: dict) -> None:
    note = {"resourceType": "Order", "resourceId": order["id"], "text": "prism"}
    nid = api.call("POST", "/v1/notes", 201, json=note)["id"]
    api.call("GET", f"/v1/notes/{nid}", 200)
    api.call("PUT", f"/v1/notes/{nid}", 200, json={"text": "again"})
    api.call("GET", "/v1/notes", 200)
    api.call("DELETE", f"/v1/notes/{nid}", 204)
    api.call("GET", f"/v1/notes/{nid}/auditLogs", 200)
    api.call("GET", f"/v1/notes/{nid}", 404)
    json_type = {"content-type": "application/json"}
    # Prism itself answers 500 to JSON 10,000 levels deep, and waits forever when the mock
    # refuses an oversized body before reading it; tests/mock/test_mock_hostile.py sends those.
    api.call("POST", "/v1/notes", 400, content=b"[" * 100 + b"]" * 100, headers=json_type)
    api.call("POST", "/v1/notes", 400, json={**note, "text": 5})


def test_prism_finds_no_violation_in_a_sample_of_real_mock_responses(prism):
    api = Checked(prism.url)
    order = _auth_and_orders(api)
    _shipments(api, order)
    _notes_and_refusals(api, order)
    assert len(api.seen) == 29
    assert prism.violations() == [], "\n\n".join(prism.violations())


def test_a_body_prism_changes_on_its_way_is_reported(prism):
    """Prism forwards `JSON.stringify` of what it parsed: an integer past 2**53 loses digits."""
    api = Checked(prism.url)
    token = api.call("POST", "/user/v1/clients/token", 200, json=CREDENTIALS)["access_token"]
    api.headers = {"Authorization": f"Bearer {token}"}
    big = 12345678901234567891
    api.call("POST", "/v1/notes", 400, json={"resourceType": "Order", "text": big})
    altered = altered_bodies(prism.front, prism.behind)
    assert len(altered) == 1, altered
    assert altered[0].startswith("POST /v1/notes: sent ") and str(big) in altered[0]
    assert "forwarded" in altered[0] and altered[0].count(str(big)) == 1


@pytest.mark.slow
def test_a_violation_is_reported_with_its_request_and_the_mock_answer(repo_root, tmp_path):
    """The recorders are what makes a Prism failure readable: against a mock whose order
    lacks `status`, the report names the request, Prism's reason and the mock's real answer."""
    config = MockConfig(faults=("order-missing-status",))
    with prism_rig(repo_root, tmp_path / "prism.log", config) as rig:
        api = Checked(rig.url)
        token = api.call("POST", "/user/v1/clients/token", 200, json=CREDENTIALS)["access_token"]
        api.headers = {"Authorization": f"Bearer {token}"}
        payload = samples.create_order_payload(random.Random(21), MERCHANT_A, "prism-fault", 1)
        oid = api.call("POST", "/v1/orders", 201, json=payload)["id"]
        flagged = api.http.get(f"/v1/orders/{oid}", headers=api.headers)
        reported = rig.violations()
    assert flagged.status_code == 500
    assert len(reported) == 1, reported
    client, verdict, mock = _sections(reported[0])
    assert client.startswith(f"GET /v1/orders/{oid} ") and "-> 500" in client
    assert "status" in verdict and '"severity":"Error"' in verdict
    assert mock.startswith(f"GET /v1/orders/{oid} ") and "-> 200" in mock and '"order"' in mock


def _sections(paragraph: str) -> tuple[str, str, str]:
    """The client, prism and mock parts of one paragraph of `explain`."""
    client, rest = paragraph.removeprefix("client: ").split("\nprism: ", 1)
    verdict, mock = rest.split("\nmock, as prism forwarded it: ", 1)
    return client, verdict, mock


@pytest.mark.slow
@pytest.mark.long
def test_a_smoke_run_through_prism_finds_no_violation(prism, repo_root, tmp_path):
    """Prism checks every response of a whole smoke run and reports none off-spec.

    The run's exit code is not asserted: whatever its flags, Prism answers a request without a
    bearer token itself (401, problem+json) and never answers a body that is not JSON, so the
    run's ignored-auth and malformed-body cases fail on Prism's answers. Every other test passes."""
    reports = tmp_path / "reports"
    command = [
        sys.executable,
        "-m",
        "conformance.cli",
        "run",
        "--profile",
        "smoke",
        "--seed",
        "21",
        "--base-url",
        prism.url,
        "--merchant-id",
        MERCHANT_A,
        "--reports-dir",
        str(reports),
        "--client-id",
        CREDENTIALS["client_id"],
        "--client-secret",
        CREDENTIALS["client_secret"],
        "--username",
        LOGIN["username"],
        "--password",
        LOGIN["password"],
    ]
    subprocess.run(command, cwd=repo_root, capture_output=True, timeout=SMOKE_TIMEOUT)
    assert prism.violations() == [], "\n\n".join(prism.violations())
    totals = read_summary(reports)["totals"]
    assert totals["setup_errors"] == 0
    assert totals["operations_tested"] == 49
    assert totals["positive_2xx_share"] > 0.95
    altered = altered_requests(prism.front, prism.behind)
    failures = _failures_not_from_prism(read_summary(reports), [sent for sent, _ in altered])
    shown = "\n".join(altered_bodies(prism.front, prism.behind))
    assert failures == [], f"bodies Prism changed:\n{shown}"


# Prism's own answers: its problem+json 401 to a request without a bearer token, and no answer
# to a body that is not JSON, which the run's client reports as a read timeout.
PRISM_OWN = ("application/problem+json", "ReadTimeout")
# The checks that compare what was written with what was sent: a body Prism changed on its way
# (see the module docstring) fails them for Prism's reason, not the mock's.
WRITE_CHECKS = ("read_after_write", "write_answer")


def _template_matches(template: str, target: str) -> bool:
    pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template))
    return re.fullmatch(pattern, target.split("?")[0]) is not None


def _prism_changed_the_write(failure: dict[str, Any], altered: list[Exchange]) -> bool:
    """A failure of a write check at an operation whose request body Prism changed on its way:
    what was written is not what the client sent."""
    if failure["check"] not in WRITE_CHECKS:
        return False
    try:
        operation = load_spec().operation(failure["operation"])
    except KeyError:
        return False
    return any(
        e.method == operation.method and _template_matches(operation.path, e.target)
        for e in altered
    )


def _failures_not_from_prism(summary: dict[str, Any], altered: list[Exchange]) -> list[str]:
    """summary.json's failures other than Prism's own answers and writes of a body it changed."""
    return [
        f"{f['check']} at {f['operation']}: {f['message'][:300]}"
        for f in summary["failures"]
        if not any(mark in f["message"] for mark in PRISM_OWN)
        and not _prism_changed_the_write(f, altered)
    ]


@pytest.mark.parametrize(
    ("check", "operation", "method", "target", "excused"),
    [
        ("read_after_write", "updateOrder", "PATCH", "/v1/orders/084f207b4fab40d57fe65c82", True),
        ("write_answer", "updateOrder", "PATCH", "/v1/orders/084f207b4fab40d57fe65c82", True),
        ("read_after_write", "updateOrder", "POST", "/v1/orders/084f207b4fab40d57fe65c82", False),
        ("read_after_write", "holdOrder", "PATCH", "/v1/orders/084f207b4fab40d57fe65c82", False),
        ("lifecycle_state", "updateOrder", "PATCH", "/v1/orders/1", False),
    ],
)
def test_only_a_write_prism_changed_is_excused(check, operation, method, target, excused):
    failure = {"check": check, "operation": operation}
    altered = [Exchange(method, target, b"{}")]
    assert _prism_changed_the_write(failure, altered) is excused
    assert _prism_changed_the_write(failure, []) is False
