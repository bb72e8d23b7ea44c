"""After a call, the checks of one case share a read of the same resource (checks/snapshots.py)."""

from __future__ import annotations

import httpx

from conformance.checks import snapshots
from conformance.checks.context import CheckContext, Identities, RunShared
from conformance.machinery.resources import ResourcePaths, ResourceRef
from conformance.transport.polling import WriteLog
from spec import load_spec


class CountingClient:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def get(self, path: str) -> httpx.Response:
        self.sent.append(path)
        return httpx.Response(200, json={"order": {"id": "o1", "reads": len(self.sent)}})


def run_context(client: CountingClient) -> CheckContext:
    spec = load_spec()
    run = RunShared(
        paths=ResourcePaths(spec),
        writes=WriteLog(),
        poll_timeout=0.0,
        first_time=lambda *key: True,
        operation_id=lambda method, path: None,
    )
    return CheckContext(spec, client, None, Identities(None, None), run)  # type: ignore[arg-type]


def test_the_second_check_uses_the_first_check_s_read_once():
    client = CountingClient()
    call = run_context(client).for_call([])
    ref = ResourceRef("Order", "o1")
    first = snapshots.read(call, ref, shared=True)  # the audit check
    second = snapshots.read(call, ref, shared=True)  # read-after-write: the same answer
    assert client.sent == ["/v1/orders/o1"]
    assert first == second
    third = snapshots.read(call, ref, shared=True)  # a second poll reads afresh
    assert client.sent == ["/v1/orders/o1", "/v1/orders/o1"]
    assert third["reads"] == 2


def test_calls_do_not_share_and_an_unshared_read_is_its_own():
    client = CountingClient()
    run, ref = run_context(client), ResourceRef("Order", "o1")
    one, two = run.for_call([]), run.for_call([])
    snapshots.read(one, ref, shared=True)
    snapshots.read(two, ref, shared=True)
    assert len(client.sent) == 2  # another call's read is not this call's
    assert run.reads == {}  # the run's own context keeps none
    snapshots.read(one, ref)  # not shared: always a request of its own
    snapshots.read(one, ref)
    assert len(client.sent) == 4
