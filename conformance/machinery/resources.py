"""Where each kind of resource is read and where its audit log is, taken from the spec.

The audit and read-after-write checks need "read this order" and "audit log of that package".
The paths come from the spec's operations, so a path change in the spec moves the checks too.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from schemathesis import Response

from spec import Spec
from spec.vocabulary import vocabulary

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


def unwrap(spec: Spec, kind: str, body: object, ref: ResourceRef) -> object:
    """The resource itself out of its read answer, by the spec's property names: the envelope
    the read operation declares ({order: ...}), or a package out of its shipment's packages.
    An undocumented property beside the envelope changes nothing."""
    words = vocabulary(spec)
    if kind == "Package":
        shipment = words.resource("getShipmentById", body)
        packages = shipment.get("packages") if isinstance(shipment, dict) else None
        return next(
            (p for p in packages or [] if isinstance(p, dict) and p.get("id") == ref.id), None
        )
    operation_id = OPERATIONS[kind][0]
    return words.resource(operation_id, body) if operation_id else body


def audit_events_of(spec: Spec, kind: str, body: object) -> list[object] | None:
    """The events out of an audit-log answer, by the spec's property name."""
    return vocabulary(spec).records(OPERATIONS[kind][1], body)


def response_header(response: Response | httpx.Response, name: str) -> str | None:
    """A header from a Schemathesis response (lists of values) or an httpx one (strings)."""
    headers = response.headers
    value = headers.get(name) or headers.get(name.lower())
    return value[0] if isinstance(value, list) else value
