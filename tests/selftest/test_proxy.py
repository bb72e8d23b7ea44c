"""The fault proxy: a clean proxy changes nothing; each fault rewrites the traffic it names."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from conformance.config.settings import MOCK_MERCHANT_A, MOCK_MERCHANT_B, RunSettings, new_run_id
from conformance.machinery.contract import ContractBreach
from conformance.machinery.harness import Harness
from conformance.selftest.proxy import serve_in_thread
from conformance.selftest.proxy_faults import PROXY_FAULTS, UnknownProxyFaultError
from conformance.transport.operations import OperationRouter
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from spec import load_spec


def path_of(operation_id: str, *values: str) -> str:
    """The operation's path with its placeholders filled in order (their names are the spec's)."""
    path = load_spec().operation(operation_id).path
    for value in values:
        path = re.sub(r"\{[^}]+\}", value, path, count=1)
    return path


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    url, stop = run_in_thread(MockConfig())
    yield url
    stop()


def harness(base_url: str) -> Harness:
    settings = RunSettings(
        base_url=base_url,
        credentials=MOCK_MERCHANT_A,
        tenant_b=MOCK_MERCHANT_B,
        run_id=new_run_id(),
    )
    return Harness.build(settings)


@pytest.fixture
def proxied(mock_url, request) -> Iterator[Harness]:
    """A harness talking through a proxy with the faults the test passes as its parameter."""
    url, stop = serve_in_thread(mock_url, getattr(request, "param", ()))
    built = harness(url)
    yield built
    built.close()
    stop()


def test_router_prefers_literal_segments_and_knows_unknown_paths():
    router = OperationRouter(load_spec())
    search = path_of("searchOrders")
    assert router.match("GET", search)[0].operation_id == "searchOrders"
    op, params = router.match("GET", path_of("getOrderById", "abc"))
    assert op.operation_id == "getOrderById" and params == {"orderId": "abc"}
    assert router.match("GET", "/no/such/path") == (None, {})
    assert router.match("DELETE", search) == (None, {})


def test_unknown_fault_names_are_refused(mock_url):
    with pytest.raises(UnknownProxyFaultError, match="no-such"):
        serve_in_thread(mock_url, ["no-such"])


def test_clean_proxy_answers_as_the_target(mock_url, proxied):
    direct = harness(mock_url)
    order = proxied.factory.order(items=1)
    path = path_of("getOrderById", order["id"])
    through, straight = proxied.client.get(path), direct.client.get(path)
    assert through.status_code == straight.status_code == 200
    assert through.json() == straight.json()
    # the path goes upstream as the client encoded it: a control character stays a 404, not a crash
    odd = path_of("getOrderById", "%0C%C3%A9")
    assert proxied.client.get(odd).status_code == direct.client.get(odd).status_code
    direct.close()


@pytest.mark.parametrize(
    "proxied",
    [
        (
            "proxy-number-as-string",
            "proxy-undocumented-2xx",
        )
    ],
    indirect=True,
)
def test_response_rewrites(mock_url, proxied):
    direct = harness(mock_url)  # what the test needs is made straight on the target
    order = direct.factory.order(items=1)
    note = direct.factory.note(order)
    read_path = path_of("getOrderById", order["id"])
    with httpx.Client(base_url=proxied.settings.base_url, headers=proxied.auth_headers()) as raw:
        read = raw.get(read_path).json()
        assert all(isinstance(i["quantity"], str) for i in read["order"]["items"])
        gone = raw.delete(path_of("deleteNote", note["id"]))
        assert gone.status_code == 202
    # the suite's own client reports the rewritten answer as the contract finding it is, once,
    # and still hands it on: the answer is usable (fail forward, contract.py)
    heard: list[ContractBreach] = []
    proxied.gate.listener = lambda finding, _: heard.append(finding)
    assert proxied.client.get(read_path).status_code == 200
    assert [(f.operation_id, f.check) for f in heard] == [
        ("getOrderById", "response_schema_conformance")
    ]
    direct.close()


@pytest.mark.parametrize("proxied", [("proxy-write-not-forwarded",)], indirect=True)
def test_a_write_acknowledged_but_not_forwarded(proxied):
    note = proxied.factory.note()
    answer = proxied.client.put(path_of("updateNote", note["id"]), json={"text": "new text"})
    assert answer.status_code == 200 and answer.json()["note"]["text"] == "new text"
    read = proxied.client.get(path_of("getNoteById", note["id"])).json()
    assert read["note"]["text"] == note["text"]


@pytest.mark.parametrize("proxied", [("proxy-shared-cache",)], indirect=True)
def test_shared_cache_serves_one_merchants_order_to_another(proxied):
    order = proxied.factory.order(items=1)  # merchant A reads it back: now it is cached
    path = path_of("getOrderById", order["id"])
    assert proxied.tenant_client.get(path).json()["order"]["id"] == order["id"]
    created = proxied.client.post(path_of("createOrder"), json=proxied.factory.order_payload(1))
    unread = path_of("getOrderById", created.json()["id"])
    assert proxied.tenant_client.get(unread).status_code == 404  # nothing cached to leak


@pytest.mark.parametrize("proxied", [("proxy-auth-bypass",)], indirect=True)
def test_auth_bypass_on_one_route_only(proxied):
    assert proxied.client.get(path_of("searchOrders")).status_code == 200
    bare = httpx.Client(base_url=proxied.settings.base_url)
    assert bare.get(path_of("searchOrders")).status_code == 200
    assert bare.get(path_of("listOrders")).status_code == 401
    bare.close()


@pytest.mark.parametrize(
    "proxied",
    [
        (
            "proxy-unicode-500",
            "proxy-audit-actor-changed",
        )
    ],
    indirect=True,
)
def test_unicode_500_and_audit_actor(proxied):
    order = proxied.factory.order(items=1)
    body = {"resourceType": "Order", "resourceId": order["id"], "text": "café"}
    assert proxied.client.post(path_of("createNote"), json=body).status_code == 500
    note = proxied.factory.note(order)
    events = proxied.client.get(path_of("getNoteAuditLogs", note["id"])).json()["auditLogs"]
    assert events and {e["clientId"] for e in events} == {"edge-gateway"}


def test_every_fault_is_documented():
    for fault in PROXY_FAULTS.values():
        assert fault.name.startswith("proxy-") and fault.description and fault.category
