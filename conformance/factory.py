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

from conformance.client import ApiClient
from conformance.contract import ContractBreach
from conformance.errors import OrderMeshError
from conformance.polling import poll_until
from spec import load_lifecycle
from strategies import samples

FACILITY = "5c4b3a29-1807-4f6e-8d5c-4b3a29180706"
OTHER_FACILITY = "6d5c4b3a-2918-4070-9f6e-5d4c3b2a1908"
VENDOR = "8d0f3c6a-2b1e-4f5a-9c8d-7e6f5a4b3c2d"
CLEANUP_PARALLEL = 4  # requests in flight while cleaning up


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
    def __init__(
        self,
        client: ApiClient,
        merchant_id: str,
        run_id: str,
        ledger: Ledger,
        poll_timeout: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.client = client
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

    def _expect(self, response, *codes: int) -> Any:
        if response.status_code not in codes:
            raise SetupError(
                f"{response.request.method} {response.request.url.path} answered "
                f"{response.status_code}: {response.text[:300]}"
            )
        return response.json() if response.content else None

    def _read(self, path: str, until: Callable[[Any], bool] | None = None) -> Any:
        """GET `path` after a write of ours: polled until it answers 200 (and `until` holds)."""

        def fresh(response) -> bool:
            if response.status_code != 200:
                return False
            return until is None or until(response.json())

        return self._expect(
            poll_until(lambda: self.client.get(path), fresh, self.poll_timeout), 200
        )

    # ------------------------------------------------------------------ orders
    def order_payload(self, items: int = 2) -> dict[str, Any]:
        unique = self.next_id()
        # From the seed, not the run id (random per run): the same seed sends the same orders.
        rng = random.Random(f"{self.seed}{unique.removeprefix(self.run_id)}")
        return samples.create_order_payload(rng, self.merchant_id, unique, items)

    def order(self, items: int = 2) -> dict[str, Any]:
        """A new Open order; returns the order as the API reads it back."""
        created = self._expect(self.client.post("/v1/orders", json=self.order_payload(items)), 201)
        self.ledger.add("orders", created["id"])
        return self.read_order(created["id"])

    def read_order(self, order_id: str, status: str | None = None) -> dict[str, Any]:
        def shows(body: Any) -> bool:
            return status is None or body["order"]["status"] == status

        return self._read(f"/v1/orders/{order_id}", shows)["order"]

    def held_order(self) -> dict[str, Any]:
        order = self.order()
        self._expect(self.client.post(f"/v1/orders/{order['id']}/customerCareHold"), 200)
        return self.read_order(order["id"], "CustomerCareHold")

    def cancelled_order(self) -> dict[str, Any]:
        order = self.order(items=1)
        self._expect(
            self.client.post(
                f"/v1/orders/{order['id']}/cancel", json={"cancelReason": "test setup"}
            ),
            200,
        )
        return self.read_order(order["id"], "Cancelled")

    # ------------------------------------------------------------------ shipments
    def shipment(
        self, order: dict[str, Any] | None = None, state: str = "Created"
    ) -> dict[str, Any]:
        """A shipment of the order's first item, driven to `state`."""
        order = order or self.order()
        body = {
            "orderId": order["id"],
            "vendorId": VENDOR,
            "orderItemIds": [order["items"][0]["id"]],
        }
        created = self._expect(self.client.post("/v1/shipments", json=body), 201)
        shipment_id = created["id"]
        self.ledger.add("shipments", shipment_id)
        if state in ("Assigned", "Rejected", "Shipped"):
            self._expect(
                self.client.post(
                    f"/v1/shipments/{shipment_id}/assign", json={"facilityId": FACILITY}
                ),
                200,
            )
        if state == "Rejected":
            self._expect(
                self.client.post(
                    "/v1/shipments/reject", json={"shipmentId": shipment_id, "reason": "setup"}
                ),
                200,
            )
        if state == "Shipped":
            package = self.package(shipment_id)
            self.ship(shipment_id, package["id"])
        if state == "Cancelled":
            self._expect(
                self.client.patch(f"/v1/shipments/{shipment_id}/cancel", json={"reason": "setup"}),
                200,
            )
        return self.read_shipment(shipment_id, state)

    def read_shipment(
        self, shipment_id: str, state: str | None = None, packages: int = 0
    ) -> dict[str, Any]:
        code = load_lifecycle().shipment_code(state) if state else None

        def shows(body: Any) -> bool:
            # Our writes must show: the state we drove it to, the packages we added.
            return len(body.get("packages") or []) >= packages and (
                code is None or body.get("shipmentStatus") == code
            )

        return self._read(f"/v1/shipments/{shipment_id}", shows)

    def package(self, shipment_id: str) -> dict[str, Any]:
        body = [{"carrierName": "UPS", "carrierMethodName": "Ground"}]
        created = self._expect(
            self.client.post(f"/v1/shipments/{shipment_id}/packages", json=body), 201
        )
        return created["packages"][0]

    def ship(self, shipment_id: str, package_id: str) -> dict[str, Any]:
        body = {"shippedDate": "2026-01-02T10:00:00", "carrierTrackingNumber": "1Z999"}
        return self._expect(
            self.client.patch(f"/v1/shipments/{shipment_id}/packages/{package_id}", json=body), 200
        )

    # ------------------------------------------------------------------ notes
    def note(self, order: dict[str, Any] | None = None) -> dict[str, Any]:
        order = order or self.order(items=1)
        body = {"resourceType": "Order", "resourceId": order["id"], "text": f"{self.run_id} note"}
        created = self._expect(self.client.post("/v1/notes", json=body), 201)
        self.ledger.add("notes", created["id"])
        return self._read(f"/v1/notes/{created['id']}")["note"]

    # ------------------------------------------------------------------ cleanup
    def cleanup(self, parallel: int = CLEANUP_PARALLEL) -> int:
        """Cancel every order this run left open, a few at a time (a ci run leaves hundreds; the
        client's rate limit still applies). Returns how many cancels the API accepted."""

        def cancel(order_id: str) -> bool:
            try:
                response = self.client.post(
                    f"/v1/orders/{order_id}/cancel", json={"cancelReason": f"{self.run_id} cleanup"}
                )
            except (httpx.TransportError, ContractBreach):
                return False  # the target went away, or broke its contract: already reported
            return response.status_code == 200

        with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="cleanup") as pool:
            return sum(pool.map(cancel, list(self.ledger.orders)))
