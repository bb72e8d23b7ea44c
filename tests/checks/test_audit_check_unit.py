"""audit_log_side_effect without a server: the audit rule on constructed calls and logs.

A successful write adds exactly one event per primary resource (right action, next version, the
caller as actor, every change a change); a documented no-op adds none; a refused write changes
nothing. The stub answers the resource and audit-log reads the check makes after the call; the
before-call snapshot is put where `snapshots.take` would have put it.
"""

from __future__ import annotations

from typing import Any

import pytest
from check_helpers import answer, event

from conformance.checks.audit import make_audit_check
from conformance.failures.hierarchy import AuditFailure
from conformance.machinery.harness import Snapshot
from conformance.machinery.resources import ResourceRef

COVERS = ("audit_log_side_effect",)
ORDER, ITEM, NOTE, SHIPMENT = "a" * 24, "c" * 24, "b" * 24, "d" * 24
CREATED = event("createNote", 0)


@pytest.fixture
def check(harness):
    return make_audit_check(harness)


@pytest.fixture
def stub(api, harness):
    """Stub the read and the audit log of one resource."""

    def on(kind: str, resource_id: str, resource: Any, events: list[dict] | None) -> None:
        ref = ResourceRef(kind, resource_id)
        api.on("GET", harness.paths.read(ref), 200, resource)
        if events is None:
            api.on("GET", harness.paths.audit(ref), 404, {"message": "no"})
        else:
            api.on("GET", harness.paths.audit(ref), 200, {"auditLogs": events})

    return on


@pytest.fixture
def note_update(make_case, harness):
    """updateNote of a note that read "before" with one event; the answer says "after"."""
    case = make_case("updateNote", path_parameters={"noteId": NOTE}, body={"text": "after"})
    resource = {"id": NOTE, "text": "before"}
    harness.snapshots[case.id] = [Snapshot("Note", NOTE, None, resource, 1)]
    return case, answer(case, 200, {"note": {"id": NOTE, "text": "after"}})


def test_one_correct_event_passes(check, stub, note_update):
    stub("Note", NOTE, {"note": {"id": NOTE, "text": "after"}}, [CREATED, event("updateNote", 1)])
    assert check(None, note_update[1], note_update[0]) is None


WRONG_EVENTS = {
    "Wrong number of audit events": [],
    "Wrong audit action": [event("createNote", 1)],
    "Audit versions not contiguous": [event("updateNote", 2)],
    "Wrong audit actor": [event("updateNote", 1, clientId="someone-else")],
    "Audit change without a change": [
        event("updateNote", 1, changes=[{"field": "text", "oldValue": "x", "newValue": "x"}])
    ],
}


@pytest.mark.parametrize("title", sorted(WRONG_EVENTS))
def test_a_wrong_event_fails(check, stub, note_update, title):
    stub("Note", NOTE, {"note": {"id": NOTE, "text": "after"}}, [CREATED, *WRONG_EVENTS[title]])
    with pytest.raises(AuditFailure) as raised:
        check(None, note_update[1], note_update[0])
    assert raised.value.title == title


def test_two_events_for_one_write_fail(check, stub, note_update):
    events = [CREATED, event("updateNote", 1), event("updateNote", 2)]
    stub("Note", NOTE, {"note": {"id": NOTE, "text": "after"}}, events)
    with pytest.raises(AuditFailure, match="got 2 new audit events"):
        check(None, note_update[1], note_update[0])


def test_an_unreadable_audit_log_fails(check, stub, note_update):
    stub("Note", NOTE, {"note": {"id": NOTE, "text": "after"}}, None)
    with pytest.raises(AuditFailure, match="did not answer 200"):
        check(None, note_update[1], note_update[0])


def test_a_documented_noop_needs_no_event(check, stub, make_case, harness):
    case = make_case("updateNote", path_parameters={"noteId": NOTE}, body={"text": "same"})
    resource = {"id": NOTE, "text": "same"}
    harness.snapshots[case.id] = [Snapshot("Note", NOTE, None, resource, 1)]
    stub("Note", NOTE, {"note": resource}, [CREATED])
    assert check(None, answer(case, 200, {"note": resource}), case) is None


@pytest.fixture
def refused(note_update):
    case, _ = note_update
    return case, answer(case, 400, {"message": "bad"})


def test_a_refusal_that_changes_nothing_passes(check, stub, refused):
    stub("Note", NOTE, {"note": {"id": NOTE, "text": "before"}}, [CREATED])
    assert check(None, refused[1], refused[0]) is None


def test_a_refusal_that_leaves_an_event_fails(check, stub, refused):
    stub("Note", NOTE, {"note": {"id": NOTE, "text": "before"}}, [CREATED, event("updateNote", 1)])
    with pytest.raises(AuditFailure, match="1 new events"):
        check(None, refused[1], refused[0])


def test_a_refusal_that_changes_the_resource_fails(check, stub, refused):
    stub("Note", NOTE, {"note": {"id": NOTE, "text": "after"}}, [CREATED])
    with pytest.raises(AuditFailure, match="changed"):
        check(None, refused[1], refused[0])


@pytest.fixture
def note_created(make_case):
    case = make_case("createNote", body={"resourceType": "Order", "resourceId": ORDER, "text": "t"})
    return case, answer(case, 201, {"id": NOTE, "text": "t"})


@pytest.mark.parametrize("changes", [CREATED["changes"], []], ids=["with", "without"])
def test_a_creation_event_records_its_changes(check, stub, note_created, changes):
    stub("Note", NOTE, {"note": {"id": NOTE}}, [event("createNote", 0, changes=changes)])
    if changes:
        assert check(None, note_created[1], note_created[0]) is None
    else:
        with pytest.raises(AuditFailure, match="Creation event without changes"):
            check(None, note_created[1], note_created[0])


@pytest.mark.parametrize("item_action", ["cancelOrder", "updateOrder"])
def test_events_on_the_order_items_are_judged_too(check, stub, make_case, harness, item_action):
    body = {"cancelReason": "r"}
    case = make_case("cancelOrder", path_parameters={"orderId": ORDER}, body=body)
    before = {"id": ORDER, "status": "Open", "items": [{"id": ITEM, "status": "Open"}]}
    harness.snapshots[case.id] = [Snapshot("Order", ORDER, None, before, 1)]
    after = {"id": ORDER, "status": "Cancelled", "items": [{"id": ITEM, "status": "Cancelled"}]}
    stub("Order", ORDER, {"order": after}, [event("createOrder", 0), event("cancelOrder", 1)])
    stub("OrderItem", ITEM, {"orderItem": after["items"][0]}, [event(item_action, 1)])
    response = answer(case, 200, {"order": after})
    if item_action == "cancelOrder":
        assert check(None, response, case) is None
    else:
        with pytest.raises(AuditFailure, match="OrderItem"):
            check(None, response, case)


@pytest.mark.parametrize("message_events", [1, 0])
def test_a_shipment_write_leaves_one_message_event(
    check, stub, api, harness, make_case, message_events
):
    case = make_case("createShipment", body={"orderId": ORDER})
    stub("Shipment", SHIPMENT, {"id": SHIPMENT}, [event("createShipment", 0)])
    messages = harness.spec.operation("getShipmentMessageAuditLogs").path
    logs = [event("createShipment", 0)] * message_events
    api.on("GET", messages.replace("{shipmentId}", SHIPMENT), 200, {"auditLogs": logs})
    response = answer(case, 201, {"id": SHIPMENT})
    if message_events == 1:
        assert check(None, response, case) is None
    else:
        with pytest.raises(AuditFailure, match="0 message events"):
            check(None, response, case)


def test_a_read_is_not_judged(check, api, make_case):
    case = make_case("getOrderById", path_parameters={"orderId": ORDER})
    assert check(None, answer(case, 200, {"order": {"id": ORDER}}), case) is None
    assert api.requests == []
