"""time_runs_forward without a server: created <= updated, each within its request's window."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from check_helpers import Judge, answer

from conformance.checks.context import Snapshot
from conformance.checks.timestamps import time_runs_forward
from conformance.failures.hierarchy import TimestampFailure

COVERS = ("time_runs_forward",)
ORDER, NOTE = "a" * 24, "b" * 24


def stamp(seconds_from_now: float) -> str:
    when = datetime.now(UTC) + timedelta(seconds=seconds_from_now)
    return when.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@pytest.fixture
def check(ctx):
    return Judge(ctx, time_runs_forward)


@pytest.fixture
def read_order(make_case):
    return make_case("getOrderById", path_parameters={"orderId": ORDER})


def test_a_record_changed_after_it_was_made_passes(check, read_order):
    body = {"order": {"id": ORDER, "createdAt": stamp(-60), "updatedAt": stamp(-1)}}
    assert check(None, answer(read_order, 200, body), read_order) is None


@pytest.mark.parametrize("where", ["order", "item"])
def test_a_change_before_the_creation_fails(check, read_order, where):
    backwards = {"createdAt": stamp(-60), "updatedAt": stamp(-5 * 3600)}
    fine = {"createdAt": stamp(-60), "updatedAt": None}
    item = {"id": "i-1", **(backwards if where == "item" else fine)}
    order = {"id": ORDER, **(backwards if where == "order" else fine), "items": [item]}
    with pytest.raises(TimestampFailure, match=r"updatedAt .* is before createdAt") as raised:
        check(None, answer(read_order, 200, {"order": order}), read_order)
    assert raised.value.category == "side effect"


def test_the_shipment_pair_of_the_rule_table_is_judged_too(check, make_case):
    case = make_case("getShipmentById", path_parameters={"shipmentId": "s-1"})
    body = {
        "id": "s-1",
        "createdDate": "2026-01-02T10:00:00",
        "lastModifiedDate": "2026-01-01T10:00:00",
    }
    with pytest.raises(TimestampFailure, match="lastModifiedDate"):
        check(None, answer(case, 200, body), case)


@pytest.fixture
def create_note(make_case):
    return make_case("createNote", body={"resourceType": "Order", "resourceId": ORDER, "text": "t"})


def test_a_creation_time_within_the_request_passes(check, create_note):
    check.ctx = check.ctx.for_call([], sent_at=time.time() - 1)
    body = {"id": NOTE, "createdAt": stamp(0), "updatedAt": None}
    assert check(None, answer(create_note, 201, body), create_note) is None


def test_a_creation_time_outside_the_request_widened_by_the_skew_fails(check, create_note):
    body = {"id": NOTE, "createdAt": stamp(-5 * 3600), "updatedAt": None}
    with pytest.raises(TimestampFailure, match="outside the window of the create"):
        check(None, answer(create_note, 201, body), create_note)


def test_the_clock_skew_widens_the_window(check, create_note):
    body = {"id": NOTE, "createdAt": stamp(120), "updatedAt": None}  # the target's clock is ahead
    assert check(None, answer(create_note, 201, body), create_note) is None
    check.ctx.run.clock_skew = 10
    with pytest.raises(TimestampFailure):
        check(None, answer(create_note, 201, body), create_note)


@pytest.fixture
def update_note(make_case, check):
    case = make_case("updateNote", path_parameters={"noteId": NOTE}, body={"text": "after"})
    was = {"id": NOTE, "text": "before", "createdAt": stamp(-600), "updatedAt": stamp(-300)}
    check.before = [Snapshot("Note", NOTE, None, was, 1)]
    return case


def test_an_update_moves_the_last_change_forward(check, update_note):
    body = {"note": {"id": NOTE, "text": "after", "createdAt": stamp(-600), "updatedAt": stamp(0)}}
    assert check(None, answer(update_note, 200, body), update_note) is None


@pytest.mark.parametrize("updated", [-300, -400])
def test_an_update_that_leaves_the_last_change_behind_fails(check, update_note, updated):
    """Left at the time before the call, or moved back before it."""
    note = {"id": NOTE, "text": "after", "createdAt": stamp(-600), "updatedAt": stamp(updated)}
    check.ctx.run.clock_skew = 60
    with pytest.raises(TimestampFailure, match="updatedAt"):
        check(None, answer(update_note, 200, {"note": note}), update_note)


def test_a_no_op_keeps_its_last_change(check, update_note):
    same = check.before[0].resource
    assert check(None, answer(update_note, 200, {"note": same}), update_note) is None
