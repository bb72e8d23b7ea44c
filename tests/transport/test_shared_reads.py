"""After a call, the checks of one case share a read of the same resource (checks/snapshots.py)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import httpx

from conformance.checks import snapshots
from conformance.machinery.resources import ResourceRef
from spec import load_spec


class CountingClient:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def get(self, path: str) -> httpx.Response:
        self.sent.append(path)
        return httpx.Response(200, json={"order": {"id": "o1", "reads": len(self.sent)}})


def harness() -> SimpleNamespace:
    paths = SimpleNamespace(read=lambda ref: f"/v1/orders/{ref.id}")
    return SimpleNamespace(
        client=CountingClient(),
        spec=load_spec(),
        paths=paths,
        lock=threading.Lock(),
        shared_reads={},
        snapshots={},
    )


def test_the_second_check_uses_the_first_check_s_read_once():
    h, case, ref = harness(), SimpleNamespace(id="case-1"), ResourceRef("Order", "o1")
    first = snapshots.read(h, ref, case)  # the audit check
    second = snapshots.read(h, ref, case)  # read-after-write: the same answer, no request
    assert h.client.sent == ["/v1/orders/o1"]
    assert first == second
    third = snapshots.read(h, ref, case)  # a second poll reads afresh
    assert h.client.sent == ["/v1/orders/o1", "/v1/orders/o1"]
    assert third["reads"] == 2


def test_cases_do_not_share_and_pop_forgets():
    h, ref = harness(), ResourceRef("Order", "o1")
    one, two = SimpleNamespace(id="a"), SimpleNamespace(id="b")
    snapshots.read(h, ref, one)
    snapshots.read(h, ref, two)
    assert len(h.client.sent) == 2  # another case's read is not this case's
    snapshots.pop(h, one)
    snapshots.pop(h, two)
    assert h.shared_reads == {}
    snapshots.read(h, ref)  # without a case: always a request of its own
    snapshots.read(h, ref)
    assert len(h.client.sent) == 4
