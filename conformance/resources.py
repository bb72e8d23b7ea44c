"""Where each kind of resource is read and where its audit log is, taken from the spec.

The audit and read-after-write checks need "read this order" and "audit log of that package".
The paths come from the spec's operations, so a path change in the spec moves the checks too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spec import Spec

# resource type (x-audit.resource) -> (read operation, audit-log operation)
OPERATIONS = {
    "Order": ("getOrderById", "getOrderAuditLogs"),
    "OrderItem": ("getOrderItemById", "getOrderItemAuditLogs"),
    "Shipment": ("getShipmentById", "getShipmentAuditLogs"),
    "Package": (None, "getPackageAuditLogs"),  # packages are read through their shipment
    "Note": ("getNoteById", "getNoteAuditLogs"),
}


@dataclass(frozen=True)
class ResourceRef:
    kind: str
    id: str
    parent_id: str | None = None  # a package's shipment


class ResourcePaths:
    def __init__(self, spec: Spec) -> None:
        self.spec = spec

    def _fill(self, operation_id: str, ref: ResourceRef) -> str:
        operation = self.spec.operation(operation_id)
        names = operation.placeholders
        values = [ref.parent_id, ref.id] if len(names) == 2 else [ref.id]
        return operation.url(dict(zip(names, values, strict=True)))

    def read(self, ref: ResourceRef) -> str:
        operation_id = OPERATIONS[ref.kind][0]
        if operation_id is None:
            return self._fill("getShipmentById", ResourceRef("Shipment", ref.parent_id or ""))
        return self._fill(operation_id, ref)

    def audit(self, ref: ResourceRef) -> str:
        return self._fill(OPERATIONS[ref.kind][1], ref)


def unwrap(kind: str, body: Any, ref: ResourceRef) -> Any:
    """The resource itself out of its read response ({order: ...}, bare shipment, ...)."""
    if not isinstance(body, dict):
        return body
    if kind == "Package":
        return next((p for p in body.get("packages", []) if p.get("id") == ref.id), None)
    for envelope in ("order", "orderItem", "note"):
        if envelope in body and len(body) == 1:
            return body[envelope]
    return body


def response_header(response, name: str) -> str | None:
    """A header from a Schemathesis response (lists of values) or an httpx one (strings)."""
    headers = response.headers
    value = headers.get(name) or headers.get(name.lower())
    return value[0] if isinstance(value, list) else value
