"""Steps against a target: predict with the model, send, compare the answer, keep a journal.

Every public action is one step. It takes handles and plain values (JSON-friendly), so the
journal of a run is itself a replayable step list (see reproduce.py). `verify()` is the
invariant: it reads back what the last step touched and checks the audit logs.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

import allure

from conformance.failures.hierarchy import LifecycleFailure
from conformance.machinery.contract import ContractBreach, is_success
from conformance.machinery.factory import FACILITY, NOTES_ON, OTHER_FACILITY, VENDOR
from conformance.machinery.recovery import found_by_natural_key
from conformance.reporting import allure_steps
from conformance.stateful.checks import LISTINGS, Verifier
from conformance.stateful.entities import Expected
from conformance.stateful.model import Model
from conformance.stateful.target import Target
from conformance.transport.client import Exchange
from spec.lifecycle import names_rule

FACILITIES = (FACILITY, OTHER_FACILITY)
# A bulk create reads each new order back to learn its item ids: not what the step tests.
READ_BACK = "getOrderById"
RELEASE = "order.release"  # the transition a release (updateOrder with a status) makes
SHIPPED_DATE = "2026-01-02T10:00:00"

# safeIds are globally unique on the target, and Hypothesis replays a walk many times while it
# shrinks: a random nonce per walk collided now and then (a 409 on replay reads as a flaky
# strategy). A random prefix per process plus a counter cannot collide within a process.
_PROCESS_TAG = secrets.token_hex(4)
_WALK_NUMBERS = itertools.count(1)


@dataclass
class Step:
    action: str
    args: dict[str, object]
    exchanges: list[Exchange] = field(default_factory=list, repr=False)

    def title(self) -> str:
        return f"{self.action}({', '.join(f'{k}={v!r}' for k, v in self.args.items())})"


class StepAction(Protocol):
    """A `Driver` method decorated with `step`, as `actions()` lists it."""

    is_step: bool
    operations: frozenset[str]

    def __call__(self, *args: object, **kwargs: object) -> object: ...


_Method = TypeVar("_Method", bound=Callable[..., object])


def step(*operations: str) -> Callable[[_Method], _Method]:
    """A step action calling `operations` (they select its scenarios under --include; reads that
    learn ids or check the model are not declared): journal the call, wrap it in an Allure step,
    attach its exchanges."""

    def decorate(method: _Method) -> _Method:
        @functools.wraps(method)
        def wrapper(self: Driver, **kwargs: object) -> object:
            current = Step(method.__name__, kwargs)
            self.journal.append(current)
            with _narrated(self, current.title()):
                try:
                    return method(self, **kwargs)
                except BaseException as exc:
                    self.failure = self.failure or exc
                    raise
                finally:
                    for exchange in current.exchanges if self.narrate else ():
                        allure_steps.attach_exchange(exchange.method + " " + exchange.url, exchange)

        action = cast(StepAction, wrapper)
        action.is_step = True
        action.operations = frozenset(operations)
        return cast(_Method, wrapper)

    return decorate


def _narrated(driver: Driver, title: str) -> contextlib.AbstractContextManager[object]:
    """An Allure step when the driver narrates (named scenarios); random walks run thousands of
    steps, so they report only the shrunk failing walk, afterwards."""
    return allure.step(title) if driver.narrate else contextlib.nullcontext()


class Driver:
    def __init__(self, target: Target, narrate: bool = True) -> None:
        self.target = target
        self.narrate = narrate
        self.model = Model(target.lifecycle)
        self.verifier = Verifier(target, self.model)
        self.journal: list[Step] = []
        self.nonce = f"{_PROCESS_TAG}{next(_WALK_NUMBERS):x}"  # unique per scenario run
        self.pending: tuple[set[str], str] | None = None  # orders to verify, and the operation
        self.failure: BaseException | None = None  # the first thing that went wrong, if any
        self.failed_reads: list[Exchange] = []  # the read that showed it, when a check failed
        self.expected: Expected | None = None  # the latest call's prediction (what a failure hit)

    # ------------------------------------------------------------------ plumbing
    def _send(
        self, operation_id: str, *, body: object = None, positive: bool = True, **params: str
    ) -> tuple[int, Any]:
        response, exchange = self.target.send(operation_id, body=body, positive=positive, **params)
        self.journal[-1].exchanges.append(exchange)
        try:
            data = response.json() if response.content else None
        except ValueError:
            data = None
        return response.status_code, data

    def _call(self, expected: Expected, scope: set[str], body: object = None, **params: str) -> Any:
        """Send the predicted call, compare the answer, commit the model's audit counts."""
        operation = expected.operation
        self.expected = expected
        status, data = self._send(operation, body=body, positive=not expected.refused, **params)
        self._check_answer(expected, status, data)
        self._commit(expected, scope)
        return data

    def _commit(self, expected: Expected, scope: set[str]) -> None:
        self.model.commit(expected)
        self.pending = (scope | self.model.order_handles_of(expected), expected.operation)

    def _check_answer(self, expected: Expected, status: int, data: object) -> None:
        operation = expected.operation
        if expected.refused:
            statuses = {r.status for r in expected.refusals}
            rules = {r.rule for r in expected.refusals}
            if status not in statuses:
                raise LifecycleFailure(
                    check="lifecycle_status",
                    operation=operation,
                    title="Forbidden call not refused",
                    message=(
                        f"{operation} answered {status}; the table forbids it "
                        f"({', '.join(sorted(rules))}) with {sorted(statuses)}"
                    ),
                )
            if not names_rule(data, rules):
                raise LifecycleFailure(
                    check="lifecycle_status",
                    operation=operation,
                    title="Refusal names the wrong rule",
                    message=(
                        f"{operation} answered {status} {str(data)[:300]}; "
                        f"expected rule {' or '.join(sorted(rules))}"
                    ),
                )
            return
        # A success the spec does not list is the contract's finding (status_code_conformance,
        # reported once at the operation), not a refusal: the step goes on.
        documented = self.target.spec.operation(operation).success_statuses
        if not is_success(status):
            raise LifecycleFailure(
                check="lifecycle_status",
                operation=operation,
                title="Allowed call refused",
                message=(
                    f"{operation} answered {status} {str(data)[:300]}; "
                    f"the model expects {list(documented)}"
                ),
            )

    def verify(self) -> None:
        """The invariant after each step: what the last step touched reads back as modelled."""
        if self.pending is None:
            return
        orders, operation = self.pending
        self.pending = None
        with _narrated(self, f"check {', '.join(sorted(orders)) or 'nothing'} against the model"):
            self._guarded(self.verifier.verify, orders, operation)

    def verify_all(self) -> None:
        """Every order the scenario made: catches writes that leaked outside the step's scope."""
        with _narrated(self, "check every resource of the scenario against the model"):
            self._guarded(self.verifier.verify_end, "(end of scenario)")

    def _guarded(self, check: Callable[..., object], *args: object) -> None:
        try:
            check(*args)
        except BaseException as exc:
            if self.failure is None:
                self.failure = exc
                last = self.target.client.last_exchange()
                self.failed_reads = [last] if last else []
            raise

    def _ids(self, handles: list[str]) -> list[str]:
        return [self.model.resource(h).id for h in handles]

    def _ledger(self, kind: str, resource_id: str) -> None:
        if self.target.ledger is not None and resource_id:
            self.target.ledger.add(kind, resource_id)

    # ------------------------------------------------------------------ orders
    def _order_body(self, handle_hint: str, lines: list[list[object]]) -> dict[str, Any]:
        tag = f"{self.target.run_id}-{self.nonce}-{handle_hint}"
        return {
            "merchantId": self.target.merchant_id,
            "externalId": tag,
            "safeId": tag,
            "currencyCode": "USD",
            "shippingAddress": {
                "firstName": "Ada",
                "lastName": "Lovelace",
                "line1": "1 Main St",
                "city": "Springfield",
                "zip": "12345",
                "countryCode": "US",
            },
            "items": [
                {
                    "sku": f"SKU-{n}",
                    "quantity": quantity,
                    "customerPrice": {"currency": "USD", "amount": price},
                    "customerShippingPrice": {"currency": "USD", "amount": shipping},
                }
                for n, (quantity, price, shipping) in enumerate(lines)
            ],
        }

    def _bind_order(
        self, handle: str, order_id: str, item_ids: list[str], body: dict[str, Any]
    ) -> None:
        order = self.model.orders[handle]
        order.id, order.safe_id, order.external_id = order_id, body["safeId"], body["externalId"]
        if len(item_ids) != len(order.items):  # the target's answer, not our bookkeeping
            raise LifecycleFailure(
                check="lifecycle_state",
                operation=self.expected.operation if self.expected else "createOrder",
                title="Created items do not match the request",
                message=f"{len(order.items)} items sent, {len(item_ids)} item ids answered",
            )
        for item_handle, item_id in zip(order.items, item_ids, strict=True):
            self.model.items[item_handle].id = item_id
        self._ledger("orders", order_id)

    @step("createOrder")
    def create_order(self, *, lines: list[list[Any]]) -> None:
        hint = f"order{len(self.model.orders) + 1}"
        body = self._order_body(hint, lines)
        expected = self.model.create_order(body["externalId"], [tuple(x) for x in lines])
        handle = list(self.model.orders)[-1]
        try:
            data = self._call(expected, {handle}, body=body)
        except ContractBreach as breach:
            self._bind_found(breach, expected, handle, body)
            return
        self._bind_order(handle, data["id"], data["orderItemIds"], body)

    def _bind_found(
        self, breach: ContractBreach, expected: Expected, handle: str, body: dict[str, Any]
    ) -> None:
        """An unanswered create the target carried out all the same (recovery.py): the scenario
        goes on with the order its natural key finds; else it ends, blocked by the breach."""
        target = self.target
        needs = ("id", "items[].id")
        found = found_by_natural_key(
            target.client, target.spec, breach, body, target.poller.timeout, needs
        )
        if found is None:
            raise breach
        self._commit(expected, {handle})
        self._bind_order(handle, found["id"], [item["id"] for item in found["items"]], body)

    @step("createOrdersBulk")
    def create_orders_bulk(self, *, orders: list[list[list[Any]]]) -> None:
        first = len(self.model.orders) + 1
        bodies = [self._order_body(f"order{first + n}", lines) for n, lines in enumerate(orders)]
        expected = self.model.create_orders_bulk(
            [
                (b["externalId"], [tuple(x) for x in lines])
                for b, lines in zip(bodies, orders, strict=True)
            ]
        )
        handles = list(self.model.orders)[-len(orders) :]
        data = self._call(expected, set(handles), body={"bulk": bodies})
        results = data.get("results") or []
        if len(results) != len(bodies) or not all(r.get("success") for r in results):
            raise LifecycleFailure(
                check="lifecycle_status",
                operation="createOrdersBulk",
                title="Bulk create is not the sum of single creates",
                message=f"every entry is a valid order, yet the results are {results}",
            )
        for handle, result, body in zip(handles, results, bodies, strict=True):
            _, read = self._send(READ_BACK, orderId=result["id"])
            item_ids = [i["id"] for i in (read or {}).get("order", {}).get("items", [])]
            self._bind_order(handle, result["id"], item_ids, body)

    @step("holdOrder")
    def hold(self, *, order: str) -> None:
        self._call(self.model.hold(order), {order}, orderId=self.model.orders[order].id)

    @step("updateOrder")
    def release(self, *, order: str) -> None:
        expected = self.model.release(order)
        # The status a release asks for: the state the table's release leads to, on the wire.
        lifecycle = self.target.lifecycle
        asked = next(t.target for t in lifecycle.transitions if t.id == RELEASE)
        body = {"status": lifecycle.wire(self.verifier.words, "order", asked)}
        self._call(expected, {order}, body=body, orderId=self.model.orders[order].id)

    @step("cancelOrder")
    def cancel(self, *, order: str, lines: list[list[Any]] | None = None) -> None:
        """Cancel the whole order (no lines) or [item, quantity or None] lines."""
        expected = self.model.cancel(order, None if lines is None else [tuple(x) for x in lines])
        body: dict[str, object] = {"cancelReason": f"{self.target.run_id} scenario"}
        if lines is not None:
            body["orderItems"] = [
                {"id": self.model.items[h].id, **({"quantity": q} if q is not None else {})}
                for h, q in lines
            ]
        self._call(expected, {order}, body=body, orderId=self.model.orders[order].id)

    @step("addRefund")
    def refund(self, *, order: str, lines: list[list[Any]]) -> None:
        """[item, amount, is shipping refund] lines, all or nothing."""
        expected = self.model.refund(order, [tuple(x) for x in lines])
        body = {
            "orderId": self.model.orders[order].id,
            "refunds": [
                {"itemId": self.model.items[h].id, "amount": amount, "isShippingRefund": shipping}
                for h, amount, shipping in lines
            ],
        }
        self._call(expected, {order}, body=body)

    @step("updateOrderItem")
    def update_item(self, *, item: str, gift: bool = True) -> None:
        record = self.model.items[item]
        order = self.model.orders[record.order]
        body = {"meta": {"gift": "yes" if gift else "no"}}
        expected = self.model.update_item(item)
        self._call(expected, {order.handle}, body=body, orderId=order.id, orderItemId=record.id)

    # ------------------------------------------------------------------ notes
    @step("createNote")
    def create_note(self, *, order: str, text: str) -> None:
        expected = self.model.create_note(order, text)
        handle = list(self.model.notes)[-1]
        kind = self.verifier.words.wire(*NOTES_ON)
        body = {"resourceType": kind, "resourceId": self.model.orders[order].id, "text": text}
        data = self._call(expected, {order}, body=body)
        self.model.notes[handle].id = data["id"]
        self._ledger("notes", data["id"])

    @step("updateNote")
    def update_note(self, *, note: str, text: str) -> None:
        expected = self.model.update_note(note, text)
        scope = {self.model.notes[note].order}
        self._call(expected, scope, body={"text": text}, noteId=self.model.notes[note].id)

    @step("deleteNote")
    def delete_note(self, *, note: str) -> None:
        expected = self.model.delete_note(note)
        self._call(expected, {self.model.notes[note].order}, noteId=self.model.notes[note].id)

    # ------------------------------------------------------------------ shipments
    @step("createShipment")
    def create_shipment(self, *, order: str, items: list[str]) -> None:
        expected = self.model.create_shipment(order, items)
        body = {
            "orderId": self.model.orders[order].id,
            "vendorId": VENDOR,
            "orderItemIds": self._ids(items),
        }
        data = self._call(expected, {order}, body=body)
        if not expected.refused:
            shipment = self.model.shipments[list(self.model.shipments)[-1]]
            shipment.id = data["id"]
            self._ledger("shipments", data["id"])

    def _shipment_call(
        self, expected: Expected, shipment: str, body: object = None, in_body: bool = False
    ) -> Any:
        record = self.model.shipments[shipment]
        params = {} if in_body else {"shipmentId": record.id}
        return self._call(expected, {record.order}, body=body, **params)

    @step("assignShipment")
    def assign(self, *, shipment: str, facility: int = 0) -> None:
        expected = self.model.assign(shipment, FACILITIES[facility])
        self._shipment_call(expected, shipment, {"facilityId": FACILITIES[facility]})

    @step("rerouteShipment")
    def reroute(self, *, shipment: str, facility: int = 1) -> None:
        expected = self.model.reroute(shipment, FACILITIES[facility])
        body = {"shipmentId": self.model.shipments[shipment].id, "facilityId": FACILITIES[facility]}
        self._shipment_call(expected, shipment, body, in_body=True)

    @step("rerouteShipmentsBulk")
    def reroute_bulk(self, *, entries: list[list[Any]]) -> None:
        """[shipment, facility index] entries; each one succeeds or fails as a single would."""
        expected, singles = self.model.reroute_bulk([(s, FACILITIES[f]) for s, f in entries])
        bulk = [
            {"shipmentId": self.model.shipments[s].id, "facilityId": FACILITIES[f]}
            for s, f in entries
        ]
        scope = {self.model.shipments[s].order for s, _ in entries}
        data = self._call(expected, scope, body={"bulk": bulk})
        results = (data or {}).get("results") or []
        problems = []
        for n, single in enumerate(singles):
            result = results[n] if n < len(results) else {}
            if result.get("success") is single.refused or (
                single.refused
                and result.get("statusCode") not in {r.status for r in single.refusals}
            ):
                problems.append(
                    f"entry {n}: {result}, the single call would be "
                    f"{'refused' if single.refused else 'allowed'}"
                )
        if problems:
            raise LifecycleFailure(
                check="lifecycle_status",
                operation="rerouteShipmentsBulk",
                title="Bulk reroute differs from single reroutes",
                message="; ".join(problems),
            )

    @step("rejectShipment")
    def reject(self, *, shipment: str) -> None:
        body = {"shipmentId": self.model.shipments[shipment].id, "reason": "scenario"}
        self._shipment_call(self.model.reject(shipment), shipment, body, in_body=True)

    @step("resubmitShipment")
    def resubmit(self, *, shipment: str) -> None:
        self._shipment_call(self.model.resubmit(shipment), shipment)

    @step("retryShipmentPolling")
    def retry_polling(self, *, shipment: str) -> None:
        self._shipment_call(self.model.touch_shipment(shipment, "retryShipmentPolling"), shipment)

    @step("updateShipment")
    def update_shipment(self, *, shipment: str, method: str = "Ground") -> None:
        expected = self.model.touch_shipment(shipment, "updateShipment")
        self._shipment_call(expected, shipment, {"shippingMethod": method})

    @step("unassignShipmentItems")
    def unassign(self, *, shipment: str, items: list[str]) -> None:
        expected = self.model.unassign(shipment, items)
        self._shipment_call(expected, shipment, {"orderItemIds": self._ids(items)})

    @step("cancelShipment")
    def cancel_shipment(self, *, shipment: str) -> None:
        self._shipment_call(self.model.cancel_shipment(shipment), shipment, {"reason": "scenario"})

    @step("deleteShipment")
    def delete_shipment(self, *, shipment: str) -> None:
        self._shipment_call(self.model.delete_shipment(shipment), shipment)

    @step("createPackages")
    def create_package(self, *, shipment: str, tracking: str = "1Z0001") -> None:
        expected = self.model.create_package(shipment, tracking)
        body = [
            {"carrierName": "UPS", "carrierMethodName": "Ground", "carrierTrackingNumber": tracking}
        ]
        data = self._shipment_call(expected, shipment, body)
        if not expected.refused:
            package = self.model.packages[list(self.model.packages)[-1]]
            package.id = data["packages"][0]["id"]

    @step("updatePackage")
    def update_package(self, *, package: str, tracking: str = "1Z0002", ship: bool = False) -> None:
        """Set the tracking number; with `ship`, also the shippedDate (ships the shipment)."""
        expected = self.model.update_package(package, tracking, ship)
        record = self.model.packages[package]
        shipment = self.model.shipments[record.shipment]
        body = {
            "carrierTrackingNumber": tracking,
            **({"shippedDate": SHIPPED_DATE} if ship else {}),
        }
        self._call(
            expected, {shipment.order}, body=body, shipmentId=shipment.id, packageId=record.id
        )

    @step("generatePackingSlip")
    def packing_slip(self, *, shipment: str) -> None:
        self._shipment_call(self.model.packing_slip(shipment), shipment)

    # ------------------------------------------------------------------ reads
    @step(*LISTINGS)
    def search(self, *, order: str) -> None:
        """The reads and searches find exactly what the model says exists."""
        self.verifier.verify_listings(self.model.orders[order])


def actions() -> dict[str, StepAction]:
    """The step actions by name, for replays and for checking step lists."""
    return {name: fn for name, fn in vars(Driver).items() if getattr(fn, "is_step", False)}
