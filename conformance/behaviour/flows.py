"""Named flows: short, fixed business scenarios replayed step by step on each target.

Positive cases show single calls; flows reach states they cannot (a cancelled order read back,
a note deleted then read) and record the audit events each write leaves. Which resource a write
audits comes from the operation's `x-audit` in the spec, as for the audit checks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance.drift.observe import Observation, ObservedApi
from conformance.machinery.factory import FACILITY, NOTES_ON, VENDOR
from conformance.machinery.resources import ResourceRef
from spec.audit import audit_ids

AuditEvent = tuple[str, tuple[str, ...]]  # (action, changed fields)


class FlowRunner:
    def __init__(self, target: ObservedApi, name: str) -> None:
        self.target = target
        self.name = name
        self.step = 0
        self.audit_seen: dict[ResourceRef, int] = {}

    def call(
        self,
        operation_id: str,
        path: dict[str, str] | None = None,
        json: object = None,
        params: dict[str, object] | None = None,
    ) -> Any:
        """Send one step, record it, and return the parsed body (or None)."""
        harness = self.target.harness
        operation = harness.spec.operation(operation_id)
        path = path or {}
        url = operation.url(path)
        response = harness.client.request(
            operation.method, url, json=json, params=params, authenticated=operation.needs_auth
        )
        media = response.headers.get("content-type")
        body = response.json() if media and "json" in media and response.content else None
        self.step += 1
        observation = Observation(
            key=f"flow:{self.name}:{self.step}:{operation_id}",
            operation_id=operation_id,
            source="flow",
            status=response.status_code,
            media_type=media,
            body=body,
        )
        audit = operation.raw.get("x-audit")
        if audit and 200 <= response.status_code < 300:
            ids = audit_ids(audit["id"], path, json, body)
            refs = [ResourceRef(audit["resource"], i, path.get("shipmentId")) for i in ids]
            observation.audit = [event for ref in refs for event in self.new_events(ref)]
        self.target.observations.append(observation)
        return body

    def new_events(self, ref: ResourceRef) -> list[AuditEvent]:
        """Audit events of `ref` written since this flow last looked."""
        harness = self.target.harness
        response = harness.client.get(harness.paths.audit(ref))
        if response.status_code != 200:
            return [(f"<audit log answered {response.status_code}>", ())]
        events = response.json().get("auditLogs", [])
        start = self.audit_seen.get(ref, 0)
        self.audit_seen[ref] = len(events)
        return [
            (e.get("action"), tuple(sorted(c.get("field") for c in e.get("changes") or [])))
            for e in events[start:]
        ]


def order_flow(run: FlowRunner) -> None:
    """Create, read, hold, release, cancel, and read back an order."""
    factory = run.target.harness.factory
    created = run.call("createOrder", json=factory.order_payload(items=2))
    order_id = created["id"]
    order = run.call("getOrderById", {"orderId": order_id})["order"]
    run.call("holdOrder", {"orderId": order_id})
    run.call("updateOrder", {"orderId": order_id}, json={"status": "Open"})
    run.call("cancelOrder", {"orderId": order_id}, json={"cancelReason": "flow"})
    run.call("getOrderById", {"orderId": order_id})
    run.call("getOrderBySafeId", {"safeId": order["safeId"]})
    run.call("getOrderAuditLogs", {"orderId": order_id})


def note_flow(run: FlowRunner) -> None:
    """Create, edit and delete a note, then read it (gone)."""
    factory = run.target.harness.factory
    order = factory.order(items=1)
    body = {
        "resourceType": factory.words.wire(*NOTES_ON),
        "resourceId": order["id"],
        "text": "first",
    }
    note_id = run.call("createNote", json=body)["id"]
    run.call("updateNote", {"noteId": note_id}, json={"text": "second"})
    run.call("deleteNote", {"noteId": note_id})
    run.call("getNoteById", {"noteId": note_id})


def shipment_flow(run: FlowRunner) -> None:
    """Create, assign, pack and ship a shipment, then read it."""
    order = run.target.harness.factory.order(items=2)
    body = {"orderId": order["id"], "vendorId": VENDOR, "orderItemIds": [order["items"][0]["id"]]}
    shipment_id = run.call("createShipment", json=body)["id"]
    run.call("assignShipment", {"shipmentId": shipment_id}, json={"facilityId": FACILITY})
    packages = [{"carrierName": "UPS", "carrierMethodName": "Ground"}]
    created = run.call("createPackages", {"shipmentId": shipment_id}, json=packages)
    ids = {"shipmentId": shipment_id, "packageId": created["packages"][0]["id"]}
    shipped = {"shippedDate": "2026-01-02T10:00:00", "carrierTrackingNumber": "1Z999"}
    run.call("updatePackage", ids, json=shipped)
    run.call("getShipmentById", {"shipmentId": shipment_id})
    run.call("getOrderById", {"orderId": order["id"]})


FLOWS: dict[str, Callable[[FlowRunner], None]] = {
    "order": order_flow,
    "note": note_flow,
    "shipment": shipment_flow,
}


def run_flows(target: ObservedApi) -> list[str]:
    """Run every flow; returns the ones that stopped early (a step the flow needs failed)."""
    stopped = []
    for name, flow in FLOWS.items():
        try:
            flow(FlowRunner(target, name))
        except (KeyError, TypeError, ValueError) as exc:
            stopped.append(f"{name}: {type(exc).__name__}: {exc}")
    return stopped
