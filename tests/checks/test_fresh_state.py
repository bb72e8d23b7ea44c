"""The snapshot before a write waits out replica lag for a resource we wrote (or whose parent we
wrote), and only once: afterwards it is read once."""

from __future__ import annotations

import time

import pytest

from conformance.checks.snapshots import fresh_state
from conformance.machinery.resources import ResourceRef

SHIPMENT, PACKAGE = "d" * 24, "e" * 24
WAIT = 1.0  # the run's --poll-timeout here: longer than any read of the stub


@pytest.fixture
def waiting(ctx):
    ctx.run.poll_timeout = WAIT
    return ctx


def reads_of(api, ctx, ref: ResourceRef) -> int:
    path = ctx.run.paths.read(ref)
    return sum(1 for request in api.requests if request.url.path == path)


def test_a_child_of_our_resource_is_waited_for_once(waiting, api):
    """A package under a shipment we made may be ours and lagging (createPackages is logged
    under its shipment), or made up: it is worth one wait, and no more."""
    waiting.run.writes.record([SHIPMENT], "createShipment")
    ref = ResourceRef("Package", PACKAGE, SHIPMENT)
    api.on("GET", waiting.run.paths.read(ref), 404, {"message": "Record Not Found"})
    fresh_state(waiting, ref)
    polled = reads_of(api, waiting, ref)
    assert polled > 1
    started = time.monotonic()
    assert fresh_state(waiting, ref) == (None, None)
    assert time.monotonic() - started < WAIT
    assert reads_of(api, waiting, ref) == polled + 1


def test_a_resource_we_created_is_waited_for_once(waiting, api):
    """Absent where we made it: a lagging replica, worth the wait; not a second time."""
    waiting.run.writes.record([SHIPMENT], "createShipment")
    ref = ResourceRef("Shipment", SHIPMENT)
    api.on("GET", waiting.run.paths.read(ref), 404, {"message": "Record Not Found"})
    fresh_state(waiting, ref)
    polled = reads_of(api, waiting, ref)
    assert polled > 1  # read again until --poll-timeout
    fresh_state(waiting, ref)
    assert reads_of(api, waiting, ref) == polled + 1  # settled: read once
