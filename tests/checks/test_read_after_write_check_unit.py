"""read_after_write without a server: each verified write, read back as written and not.

The check holds one verifier per operation (`@verifies`). Every registered operation has a
scenario here, run twice: the stub read shows the write (the check passes) and shows something
else (the check fails). A verifier registered without a scenario fails the completeness test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from check_helpers import StubApi, answer

from conformance.checks.read_after_write import VERIFIERS, make_read_after_write_check
from conformance.failures.hierarchy import ReadAfterWriteFailure
from conformance.machinery.harness import Harness, Snapshot
from conformance.machinery.resources import ResourceRef

COVERS = ("read_after_write",)
ORDER, ITEM, NOTE, SHIPMENT = "a" * 24, "c" * 24, "b" * 24, "d" * 24


@dataclass
class World:
    """What a scenario builds a case from and stubs the target's reads on."""

    make_case: Callable[..., Any]
    api: StubApi
    harness: Harness

    def path(self, kind: str, resource_id: str) -> str:
        path = self.harness.paths.read(ResourceRef(kind, resource_id))
        assert path is not None
        return path

    def order_reads(self, **order: Any) -> None:
        self.api.on("GET", self.path("Order", ORDER), 200, {"order": {"id": ORDER, **order}})

    def before(self, case: Any, resource: dict[str, Any]) -> None:
        self.harness.snapshots[case.id] = [Snapshot("Order", ORDER, None, resource, 1)]


Scenario = Callable[[World, bool], tuple[Any, Any]]  # (world, write shows) -> (case, response)
SCENARIOS: dict[str, Scenario] = {}


def scenario(*operation_ids: str) -> Callable[[Scenario], Scenario]:
    def register(build: Scenario) -> Scenario:
        for operation_id in operation_ids:
            SCENARIOS[operation_id] = build
        return build

    return register


@scenario("createOrder")
def _create_order(world: World, shows: bool) -> tuple[Any, Any]:
    body = {
        "merchantId": "m-1",
        "externalId": "ext-1",
        "safeId": "omct-1",
        "items": [{"sku": "SKU-1"}, {"sku": "SKU-2"}],
    }
    case = world.make_case("createOrder", body=body)
    skus = ["SKU-1", "SKU-2"] if shows else ["SKU-2", "SKU-1"]
    order = {"externalId": "ext-1", "safeId": "omct-1", "merchantId": "m-1"}
    world.order_reads(**order, items=[{"sku": s} for s in skus])
    return case, answer(case, 201, {"id": ORDER}, Location=world.path("Order", ORDER))


@scenario("createNote")
def _create_note(world: World, shows: bool) -> tuple[Any, Any]:
    body = {"resourceType": "Order", "resourceId": ORDER, "text": "hello"}
    case = world.make_case("createNote", body=body)
    location = world.path("Note", NOTE)
    world.api.on("GET", location, 200, {"note": {"text": "hello" if shows else "other"}})
    return case, answer(case, 201, {"id": NOTE}, Location=location)


@scenario("createShipment")
def _create_shipment(world: World, shows: bool) -> tuple[Any, Any]:
    case = world.make_case("createShipment", body={"orderId": ORDER})
    location = world.path("Shipment", SHIPMENT)
    world.api.on("GET", location, 200 if shows else 404, {"id": SHIPMENT})
    return case, answer(case, 201, {"id": SHIPMENT}, Location=location)


@scenario("updateNote")
def _update_note(world: World, shows: bool) -> tuple[Any, Any]:
    case = world.make_case("updateNote", path_parameters={"noteId": NOTE}, body={"text": "new"})
    text = "new" if shows else "old"
    world.api.on("GET", world.path("Note", NOTE), 200, {"note": {"text": text}})
    return case, answer(case, 200, {"id": NOTE, "text": "new"})


@scenario("deleteNote")
def _delete_note(world: World, shows: bool) -> tuple[Any, Any]:
    return _deleted(world, shows, "Note", "noteId", NOTE)


@scenario("deleteShipment")
def _delete_shipment(world: World, shows: bool) -> tuple[Any, Any]:
    return _deleted(world, shows, "Shipment", "shipmentId", SHIPMENT)


def _deleted(world: World, shows: bool, kind: str, name: str, resource_id: str) -> tuple[Any, Any]:
    case = world.make_case(f"delete{kind}", path_parameters={name: resource_id})
    world.api.on("GET", world.path(kind, resource_id), 404 if shows else 200, {"id": resource_id})
    return case, answer(case, 204)


@scenario("updateOrder")
def _update_order(world: World, shows: bool) -> tuple[Any, Any]:
    body = {"externalId": "ext-2"}
    case = world.make_case("updateOrder", path_parameters={"orderId": ORDER}, body=body)
    world.order_reads(externalId="ext-2" if shows else "ext-1")
    return case, answer(case, 200, {"order": {"id": ORDER}})


def _item(**fields: Any) -> dict[str, Any]:
    refund = {"remainingPriceBalance": 100.0, "remainingShippingBalance": 10.0}
    item = {"id": ITEM, "status": "Open", "quantity": 3, "cancelledQuantity": 0}
    return {**item, "refundData": refund, **fields}


@scenario("cancelOrder")
def _cancel_order(world: World, shows: bool) -> tuple[Any, Any]:
    body = {"cancelReason": "r", "orderItems": [{"id": ITEM, "quantity": 2}]}
    case = world.make_case("cancelOrder", path_parameters={"orderId": ORDER}, body=body)
    world.before(case, {"items": [_item()]})
    world.order_reads(items=[_item(cancelledQuantity=2 if shows else 0)])
    return case, answer(case, 200, {"order": {"id": ORDER}})


@scenario("addRefund")
def _add_refund(world: World, shows: bool) -> tuple[Any, Any]:
    body = {"orderId": ORDER, "refunds": [{"itemId": ITEM, "amount": 5.0}]}
    case = world.make_case("addRefund", body=body)
    world.before(case, {"items": [_item()]})
    balance = 95.0 if shows else 100.0
    refund = {"remainingPriceBalance": balance, "remainingShippingBalance": 10.0}
    world.order_reads(items=[_item(refundData=refund)])
    return case, answer(case, 204)


@scenario("holdOrder")
def _hold_order(world: World, shows: bool) -> tuple[Any, Any]:
    case = world.make_case("holdOrder", path_parameters={"orderId": ORDER})
    world.order_reads(status="CustomerCareHold" if shows else "Open")
    return case, answer(case, 200, {"order": {"id": ORDER}})


@pytest.fixture
def world(make_case, api, harness) -> World:
    return World(make_case, api, harness)


@pytest.mark.parametrize("operation_id", sorted(SCENARIOS))
def test_a_write_that_reads_back_passes(world, operation_id):
    case, response = SCENARIOS[operation_id](world, True)
    assert make_read_after_write_check(world.harness)(None, response, case) is None
    assert world.api.requests, "the check read nothing back"


@pytest.mark.parametrize("operation_id", sorted(SCENARIOS))
def test_a_write_that_does_not_read_back_fails(world, operation_id):
    case, response = SCENARIOS[operation_id](world, False)
    with pytest.raises(ReadAfterWriteFailure) as raised:
        make_read_after_write_check(world.harness)(None, response, case)
    assert raised.value.check == "read_after_write"


def test_a_create_without_a_location_fails(world):
    case, _ = _create_note(world, True)
    with pytest.raises(ReadAfterWriteFailure, match="Location"):
        make_read_after_write_check(world.harness)(None, answer(case, 201, {"id": NOTE}), case)


def test_a_refused_write_is_not_read_back(world):
    case, _ = _hold_order(world, False)
    response = answer(case, 409, {"message": "no"})
    assert make_read_after_write_check(world.harness)(None, response, case) is None
    assert world.api.requests == []


def test_every_verified_operation_has_a_scenario():
    assert set(SCENARIOS) == set(VERIFIERS)
