"""Make real resources in a wanted state, through the API itself.

Positive test cases need ids that exist, in a state where the operation is allowed: a shipment
must be Created to be assigned, an item Open to be cancelled. The factory builds those
preconditions with ordinary API calls. Everything it creates carries the run id and goes into the
cleanup ledger.
"""

from __future__ import annotations

import os
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx

from conformance.errors import OrderMeshError
from conformance.machinery.contract import (
    ContractBreach,
    Need,
    is_success,
    json_of,
    require,
)
from conformance.machinery.recovery import found_by_natural_key
from conformance.transport.client import ApiClient
from conformance.transport.polling import poll_until
from spec import Spec, load_lifecycle, load_spec
from spec.vocabulary import vocabulary
from strategies import samples
from strategies.full import filled

FACILITY = "5c4b3a29-1807-4f6e-8d5c-4b3a29180706"
OTHER_FACILITY = "6d5c4b3a-2918-4070-9f6e-5d4c3b2a1908"
VENDOR = "8d0f3c6a-2b1e-4f5a-9c8d-7e6f5a4b3c2d"
CLEANUP_PARALLEL = 4  # requests in flight while cleaning up
NOTES_ON = ("NoteResourceType", "Order")  # the notes a run makes are on orders: (schema, name)
# The body each setup call of the shipment lifecycle sends (its path ids are the shipment's).
SHIPMENT_BODIES: dict[str, Callable[[str], object]] = {
    "assignShipment": lambda shipment_id: {"facilityId": FACILITY},
    "rejectShipment": lambda shipment_id: {"shipmentId": shipment_id, "reason": "setup"},
    "cancelShipment": lambda shipment_id: {"reason": "setup"},
    "updatePackage": lambda shipment_id: None,  # a package is made and shipped: Factory.ship
}


class SetupError(OrderMeshError):
    """The target refused a precondition call; the case cannot be prepared."""

    category = "precondition refused"


@dataclass
class Ledger:
    """What a run created, so cleanup can cancel it and reports can list it."""

    orders: list[str] = field(default_factory=list)
    shipments: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, kind: str, resource_id: str) -> None:
        with self._lock:
            getattr(self, kind).append(resource_id)


class Factory:
    """Real resources through ordinary API calls. Every path, success and state comes from the
    loaded spec and lifecycle table: an overlay that corrects them reaches the factory too."""

    def __init__(
        self,
        client: ApiClient,
        merchant_id: str,
        run_id: str,
        ledger: Ledger,
        poll_timeout: float = 0.0,
        seed: int = 0,
        spec: Spec | None = None,
    ) -> None:
        self.client = client
        self.spec = spec or load_spec()
        self.words = vocabulary(self.spec)
        self.lifecycle = load_lifecycle()
        self.poll_timeout = poll_timeout  # reads after our own writes wait out replica lag
        self.seed = seed
        self.merchant_id = merchant_id
        self.run_id = run_id
        self.ledger = ledger
        self._serial = 0
        self._lock = threading.Lock()
        # xdist workers share the run id; each needs its own id space for unique safeIds.
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        self._prefix = f"{run_id}-{worker}" if worker else run_id

    def next_id(self) -> str:
        """A run-tagged id no other call, worker or thread of this run gets."""
        with self._lock:
            self._serial += 1
            return f"{self._prefix}-{self._serial}"

    def _send(self, operation_id: str, ids: dict[str, str], body: object, need: Need) -> Any:
        operation = self.spec.operation(operation_id)
        return self.client.request(operation.method, operation.url(ids), json=body, need=need)

    def call(
        self,
        operation_id: str,
        ids: dict[str, str] | None = None,
        body: Any = None,
        needs: tuple[str, ...] = (),
    ) -> Any:
        """Call an operation for a precondition; its JSON answer. A usable answer is any
        success with the fields `needs` names (the gated client blocks on one that broke the
        contract and lacks them); a refusal is `SetupError`. A create that got no answer goes
        on with what the target made, when its natural key finds it (recovery.py)."""
        try:
            response = self._send(operation_id, ids or {}, body, Need(needs))
        except ContractBreach as breach:
            found = found_by_natural_key(
                self.client, self.spec, breach, body, self.poll_timeout, needs
            )
            if found is None:
                raise
            return found
        return self._usable(response, needs)

    def read(
        self,
        operation_id: str,
        ids: dict[str, str],
        until: Callable[[object], bool] | None = None,
        needs: tuple[str, ...] = ("id",),
    ) -> Any:
        """The resource, read after a write of ours: polled until it is a success (and `until`
        holds of the resource), out of its envelope as the spec names it."""
        wrapped = self._wrapped(operation_id, needs)

        def fresh(response: httpx.Response) -> bool:
            if Need(wrapped).missing(response) is not None:
                return False
            return until is None or until(self.words.resource(operation_id, json_of(response)))

        response = poll_until(
            lambda: self._send(operation_id, ids, None, Need(success=False)),
            fresh,
            self.poll_timeout,
        )
        return self.words.resource(operation_id, self._usable(response, wrapped))

    def _wrapped(self, operation_id: str, needs: tuple[str, ...]) -> tuple[str, ...]:
        envelope = self.words.envelope(operation_id)
        return tuple(f"{envelope}.{n}" for n in needs) if envelope else needs

    def _usable(self, response: httpx.Response, needs: tuple[str, ...]) -> Any:
        """The answer's JSON, once judged usable for `needs`: blocked by a breach, or refused."""
        need = Need(needs)
        require(response, need)
        problem = need.missing(response)
        if problem is not None:
            request = response.request
            raise SetupError(
                f"{request.method} {request.url.path} {problem}: {response.text[:300]}"
            )
        return json_of(response)

    def shows(self, entity: str, field_name: str, state: str | None) -> Callable[[Any], bool]:
        """Whether a read resource shows `state` (any spelling of it the spec allows)."""

        def check(resource: object) -> bool:
            if state is None:
                return True
            value = resource.get(field_name) if isinstance(resource, dict) else None
            # A state the answer leaves out cannot be waited for: the schema check reports it.
            return value is None or self.lifecycle.state_of(self.words, entity, value) == state

        return check

    # ------------------------------------------------------------------ orders
    def order_payload(self, items: int = 2, full: bool = False) -> dict[str, object]:
        """A realistic create body; `full` fills every optional property the spec declares, so
        reads of the order bring every documented field back."""
        unique = self.next_id()
        # From the seed, not the run id (random per run): the same seed sends the same orders.
        rng = random.Random(f"{self.seed}{unique.removeprefix(self.run_id)}")
        payload = samples.create_order_payload(rng, self.merchant_id, unique, items)
        if full:
            schema = self.spec.operation("createOrder").request_schema
            payload = filled(schema, payload, rng)
        return payload

    def order(self, items: int = 2, full: bool = False) -> dict[str, Any]:
        """A new Open order; returns the order as the API reads it back."""
        body = self.order_payload(items, full)
        created = self.call("createOrder", body=body, needs=("id",))
        self.ledger.add("orders", created["id"])
        return self.read_order(created["id"])

    def read_order(self, order_id: str, status: str | None = None) -> dict[str, object]:
        field_name = self.lifecycle.entities["order"]["field"]
        until = self.shows("order", field_name, status)
        order: dict[str, object] = self.read(
            "getOrderById", {"orderId": order_id}, until, needs=("id", "items[].id")
        )
        return order

    def held_order(self) -> dict[str, Any]:
        order = self.order()
        moved = self._move("order", "holdOrder", {"orderId": order["id"]})
        return self.read_order(order["id"], moved)

    def cancelled_order(self) -> dict[str, Any]:
        order = self.order(items=1)
        body = {"cancelReason": "test setup"}
        moved = self._move("order", "cancelOrder", {"orderId": order["id"]}, body)
        return self.read_order(order["id"], moved)

    def refunded(self, order: dict[str, Any]) -> dict[str, Any]:
        """The order after a refund of half its first item's price balance."""
        item = order["items"][0]
        amount = round(item["refundData"]["remainingPriceBalance"] / 2, 2) or 0.01
        refund = {"itemId": item["id"], "amount": amount, "reason": "setup"}
        self.call("addRefund", body={"orderId": order["id"], "refunds": [refund]})
        return self.read_order(order["id"])

    def _move(
        self, entity: str, operation_id: str, ids: dict[str, str], body: object = None
    ) -> str | None:
        """Call a lifecycle operation; the state the table says it leads to (to wait for)."""
        self.call(operation_id, ids, body)
        return self.lifecycle.target_of(entity, operation_id)

    # ------------------------------------------------------------------ shipments
    def shipment(
        self, order: dict[str, Any] | None = None, state: str = "", items: int = 1
    ) -> dict[str, Any]:
        """A shipment of the order's first `items` items, driven to `state` (default: as
        created)."""
        order = order or self.order()
        body = {
            "orderId": order["id"],
            "vendorId": VENDOR,
            "orderItemIds": [item["id"] for item in order["items"][:items]],
        }
        created = self.call("createShipment", body=body, needs=("id",))
        shipment_id = created["id"]
        self.ledger.add("shipments", shipment_id)
        ids = {"shipmentId": shipment_id}
        reached = self.lifecycle.created_state("shipment")
        for operation_id in self._path_to(reached, state or reached):
            if operation_id == "updatePackage":
                self.ship(shipment_id, self.package(shipment_id)["id"])
            else:
                self.call(operation_id, ids, SHIPMENT_BODIES[operation_id](shipment_id))
        return self.read_shipment(shipment_id, state or reached)

    def _path_to(self, start: str, goal: str) -> list[str]:
        """The operations that drive a shipment from `start` to `goal`, shortest first, through
        the setup calls the factory knows (breadth-first over the lifecycle table)."""
        paths: dict[str, list[str]] = {start: []}
        frontier = [start]
        while frontier and goal not in paths:
            state = frontier.pop(0)
            for t in self.lifecycle.transitions:
                if t.entity != "shipment" or t.source != state or t.target in paths:
                    continue
                usable = [op for op in t.operations if op in SHIPMENT_BODIES]
                if usable:
                    paths[t.target] = [*paths[state], usable[0]]
                    frontier.append(t.target)
        if goal not in paths:
            raise SetupError(f"no setup path to a {goal} shipment in the lifecycle table")
        return paths[goal]

    def read_shipment(
        self, shipment_id: str, state: str | None = None, packages: int = 0
    ) -> dict[str, Any]:
        field_name = self.lifecycle.entities["shipment"]["field"]
        shows_state = self.shows("shipment", field_name, state)

        def shows(resource: object) -> bool:
            # Our writes must show: the state we drove it to, the packages we added.
            listed = resource.get("packages") if isinstance(resource, dict) else None
            return len(listed or []) >= packages and shows_state(resource)

        shipment: dict[str, object] = self.read(
            "getShipmentById", {"shipmentId": shipment_id}, shows
        )
        return shipment

    def package(self, shipment_id: str) -> dict[str, Any]:
        body = [{"carrierName": "UPS", "carrierMethodName": "Ground"}]
        created = self.call(
            "createPackages", {"shipmentId": shipment_id}, body, needs=("packages[].id",)
        )
        package: dict[str, object] = created["packages"][0]
        return package

    def ship(self, shipment_id: str, package_id: str) -> dict[str, object]:
        body = {"shippedDate": "2026-01-02T10:00:00", "carrierTrackingNumber": "1Z999"}
        ids = {"shipmentId": shipment_id, "packageId": package_id}
        shipped: dict[str, object] = self.call("updatePackage", ids, body)
        return shipped

    # ------------------------------------------------------------------ notes
    def note(
        self,
        order: dict[str, object] | None = None,
        kind: str = NOTES_ON[1],
        resource_id: str | None = None,
    ) -> dict[str, object]:
        """A note on the order (a new one by default), or on the resource of `kind` (a name of
        the NOTES_ON enum) whose id is `resource_id`."""
        if resource_id is None:
            order = order or self.order(items=1)
            resource_id = str(order["id"])
        body = {
            "resourceType": self.words.wire(NOTES_ON[0], kind),
            "resourceId": resource_id,
            "text": f"{self.run_id} note",
        }
        created = self.call("createNote", body=body, needs=("id",))
        self.ledger.add("notes", created["id"])
        note: dict[str, object] = self.read("getNoteById", {"noteId": created["id"]})
        return note

    # ------------------------------------------------------------------ cleanup
    def cleanup(self, parallel: int = CLEANUP_PARALLEL) -> int:
        """Cancel every order this run left open, a few at a time (a ci run leaves hundreds; the
        client's rate limit still applies). Returns how many cancels the API accepted."""

        def cancel(order_id: str) -> bool:
            body = {"cancelReason": f"{self.run_id} cleanup"}
            try:
                response = self._send("cancelOrder", {"orderId": order_id}, body, Need())
            except (httpx.TransportError, ContractBreach):
                return False  # the target went away, or broke its contract: already reported
            return is_success(response.status_code)

        with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="cleanup") as pool:
            return sum(pool.map(cancel, list(self.ledger.orders)))
