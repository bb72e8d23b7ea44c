"""After each step: the audit logs the step was due to grow grew exactly, and by the right events.

The logs of an order's family are the order's, each item's, each shipment's and its messages',
each package's and each note's. After a step, the logs read are those due: each the model expects
to have grown since it was last read, and each of the kind of resource the step's operation
audits (its `x-audit`), so that a refused or no-op call that wrote an event anyway is named at
its own step. A log nothing was due to change is read at the end of the scenario (`unread_keys`):
an event written there in between is named then, with its action. Reading every log after every
step gave the same verdicts for several times the requests (bench/README.md).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from conformance.checks.audit_rule import event_problems
from conformance.machinery.contract import is_success
from conformance.stateful.entities import Order
from conformance.stateful.model import Model
from conformance.stateful.target import Target
from conformance.transport.together import together
from spec.vocabulary import vocabulary

LogKey = tuple[str, str]  # (resource type, handle)
# fields whose last audited newValue must equal what the resource reads now
AUDITED_FIELDS = {
    "Order": ("status",),
    "OrderItem": ("status", "cancelledQuantity"),
    "Shipment": ("shipmentStatus",),
}
# resource type -> lifecycle entity, for the fields that hold a state
ENTITIES = {"Order": "order", "OrderItem": "orderItem", "Shipment": "shipment"}
AUDIT_OPERATION = {
    "Order": ("getOrderAuditLogs", "orderId"),
    "OrderItem": ("getOrderItemAuditLogs", "orderItemId"),
    "Shipment": ("getShipmentAuditLogs", "shipmentId"),
    "ShipmentMessage": ("getShipmentMessageAuditLogs", "shipmentId"),
    "Note": ("getNoteAuditLogs", "id"),
    "Package": ("getPackageAuditLogs", "packageId"),  # read with its shipment: read
}
State = Callable[[str, object], object]  # (entity, value) -> the state it stands for
Fail = Callable[[str, str, str, list[str]], None]  # (check, operation, title, problems)


class AuditLogs:
    """The audit half of the Verifier (checks.py): which logs to read, and judging them."""

    def __init__(self, target: Target, model: Model, state: State, fail: Fail) -> None:
        self.target = target
        self.model = model
        self.words = vocabulary(target.spec)
        self._state = state
        self._fail = fail
        self.seen: dict[LogKey, int] = {}  # events already checked, per log
        self.read_last: set[LogKey] = set()  # the logs the latest step's check read

    def keys(self, order: Order) -> list[LogKey]:
        """Every log of the order's family."""
        keys = [("Order", order.handle)] + [("OrderItem", i) for i in order.items]
        for shipment in self.model.shipments.values():
            if shipment.order == order.handle:
                keys += [("Shipment", shipment.handle), ("ShipmentMessage", shipment.handle)]
                keys += [("Package", p) for p in shipment.packages]
        return keys + [("Note", n) for n in order.notes]

    def due(self, order: Order, operation: str) -> list[LogKey]:
        """The logs of the order's family that `operation` was due to grow, or that are of the
        kind it audits."""
        audited = self._audited_kind(operation)
        return [
            key
            for key in self.keys(order)
            if self.model.audit[key] != self.seen.get(key, 0) or key[0] == audited
        ]

    def unread_keys(self, order: Order) -> list[LogKey]:
        """The logs of the order's family the latest step's check did not read."""
        return [key for key in self.keys(order) if key not in self.read_last]

    def _audited_kind(self, operation: str) -> str | None:
        try:
            declared = self.target.spec.operation(operation).raw.get("x-audit")
        except KeyError:  # the end of a scenario: no operation
            return None
        return declared.get("resource") if isinstance(declared, dict) else None

    def read(self, kind: str, handle: str) -> tuple[int, object]:
        if kind == "Package":
            package = self.model.packages[handle]
            shipment = self.model.shipments[package.shipment]
            return self.target.read(
                "getPackageAuditLogs", shipmentId=shipment.id, packageId=package.id
            )
        resource = self.model.resource(handle)
        operation_id, name = AUDIT_OPERATION[kind]
        return self.target.read(operation_id, **{name: resource.id})

    def check(
        self,
        keys: list[LogKey],
        operation: str,
        current: dict[LogKey, Any],
    ) -> None:
        """Each log of `keys` holds the events the model expects, and its new ones are right;
        `current` is what the resources read now, by log (for the audited values)."""
        # The first read of every log at once (one round trip, not one a log); a log still
        # behind is then read again on its own until it settles.
        first = together([partial(self.read, kind, handle) for kind, handle in keys])
        for (kind, handle), read in zip(keys, first, strict=True):
            self._check_log(kind, handle, read, operation, current.get((kind, handle)))
        self.read_last.update(keys)

    def _check_log(
        self, kind: str, handle: str, read: object, operation: str, current: Any
    ) -> None:
        operation_id = AUDIT_OPERATION[kind][0]
        want = self.model.audit[kind, handle]
        (_, body), problems = self.target.poller.settle(
            _first_then(read, partial(self.read, kind, handle)),
            partial(self._count_problems, operation_id, want=want),
        )
        if problems:
            self._fail("lifecycle_audit", operation, f"Audit log of {kind} {handle}", problems)
            # Deferred: count from what the log holds, so one wrong event is named once.
            want = len(self.words.records(operation_id, body) or [])
            self.model.audit[kind, handle] = want
        start = self.seen.get((kind, handle), 0)
        events = (self.words.records(operation_id, body) or [])[start:]
        problems = self._event_problems(kind, handle, events, start, operation)
        problems += self._value_problems(kind, handle, events, current)
        if problems:
            title = f"Audit events of {kind} {handle}"
            self._fail("lifecycle_audit", operation, title, problems)
        self.seen[kind, handle] = want

    def _event_problems(
        self, kind: str, handle: str, events: list[Any], start: int, operation: str
    ) -> list[str]:
        problems = []
        for offset, event in enumerate(events):
            where = f"{kind} {handle} event {start + offset}"
            problems += [
                f"{where}: {problem}"
                for _, problem in event_problems(
                    event, operation, start + offset, self.target.identity
                )
            ]
        return problems

    def _value_problems(
        self, kind: str, handle: str, events: list[Any], read: dict[str, object] | None
    ) -> list[str]:
        """The last audited newValue of a field is the value the resource has now."""
        if read is None:
            return []
        problems = []
        entity = ENTITIES.get(kind)
        status_field = self.model.lifecycle.entities[entity]["field"] if entity else None
        for name in AUDITED_FIELDS.get(kind, ()):
            logged = [c for e in events for c in e.get("changes") or [] if c.get("field") == name]
            if not logged or name not in read:
                continue  # a field the answer left out is the schema check's finding
            said, reads = logged[-1].get("newValue"), read.get(name)
            if entity and name == status_field:  # one state, however each answer spells it
                said, reads = self._state(entity, said), self._state(entity, reads)
            if said != reads:
                problems.append(
                    f"{kind} {handle}: audit says {name} became {logged[-1].get('newValue')!r},"
                    f" it reads {read.get(name)!r}"
                )
        return problems

    def _count_problems(self, operation_id: str, got: tuple[int, object], want: int) -> list[str]:
        status, body = got
        events = self.words.records(operation_id, body) if is_success(status) else None
        if events is None:
            return [f"audit log answered {status}"]
        if len(events) != want:
            return [f"holds {len(events)} events, expected {want}"]
        return []


def _first_then(first: object, read: Callable[[], object]) -> Callable[[], object]:
    """A read that answers `first` the first time it is called and reads afresh after that."""
    pending = [first]

    def next_read() -> object:
        return pending.pop() if pending else read()

    return next_read
