"""In-memory storage with indexes, and the per-request unit of work.

Records are JSON objects per resource type and id, kept encoded (`records.py`: every read decodes
a fresh dict). Keys starting with `_` are internal (owner, current shipment) and never appear in
responses, audit `resource` texts or `changes`.
A `UnitOfWork` hands out working copies; `commit()` diffs them against the stored versions,
appends the audit events and writes everything (and to SQLite, when configured). A refusal simply
drops the unit of work: nothing is written.
"""

from __future__ import annotations

import bisect
import functools
import sys
import threading
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol, cast

from ordermesh_mock.audit import Actor, diff, make_event
from ordermesh_mock.records import RecordTable, decode, decode_event, encode_event

KINDS = ("Order", "OrderItem", "Shipment", "Package", "Note")
TIMESTAMP_FIELD = {
    "Order": "updatedAt",
    "OrderItem": "updatedAt",
    "Note": "updatedAt",
    "Shipment": "lastModifiedDate",
}


def order_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def shipment_time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S")


class Backend(Protocol):
    def write(
        self,
        records: list[tuple[str, str, bytes | None]],
        events: list[tuple[str, str, int, bytes]],
        counters: dict[str, int],
        owners: list[tuple[str, str, str]],
    ) -> None: ...


def owner_of(kind: str, record: dict[str, Any]) -> str | None:
    owner = record.get("merchantId") or record.get("_merchantId")
    # decoded records carry fresh strings: share one per merchant across the indexes
    return sys.intern(owner) if owner else None


class Store:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.lock = threading.Lock()
        self.backend: Backend | None = None
        self.reset()

    def reset(self) -> None:
        self.tables: dict[str, RecordTable] = {k: RecordTable() for k in KINDS}
        self.audit: dict[tuple[str, str], list[bytes]] = defaultdict(list)  # encoded events
        self.owners: dict[tuple[str, str], str] = {}  # outlives deletes, for audit reads
        self.counters: dict[str, int] = defaultdict(int)
        # indexes
        self.orders_by_merchant: dict[str, list[str]] = defaultdict(list)
        self.order_created: dict[str, list[str]] = defaultdict(list)
        self.orders_by_status: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.orders_by_external: dict[tuple[str, str], set[str]] = defaultdict(set)
        self.orders_by_safe: dict[str, str] = {}
        self.items_by_merchant: dict[str, list[str]] = defaultdict(list)
        self.shipments_by_order: dict[str, list[str]] = defaultdict(list)
        self.shipments_by_merchant: dict[str, list[str]] = defaultdict(list)
        self.notes_by_merchant: dict[str, list[str]] = defaultdict(list)

    # ------------------------------------------------------------------ reads
    def get(self, kind: str, rid: str) -> dict[str, Any] | None:
        return self.tables[kind].get(rid)

    def owned(self, kind: str, rid: str, merchant: str) -> dict[str, Any] | None:
        rec = self.tables[kind].get(rid)
        if rec is None or owner_of(kind, rec) != merchant:
            return None
        return rec

    def audit_log(self, resource_type: str, rid: str) -> list[dict[str, Any]]:
        return [decode_event(e) for e in self.audit.get((resource_type, rid), ())]

    def next_counter(self, name: str) -> int:
        self.counters[name] += 1
        return self.counters[name]

    # ------------------------------------------------------------------ writes
    def load_record(self, kind: str, rid: str, data: bytes) -> None:
        """Take an encoded record as it is (loading a file), indexing it."""
        self.apply(kind, rid, None, decode(data))
        self.tables[kind].set_raw(rid, data)

    def apply(
        self, kind: str, rid: str, old: dict[str, Any] | None, new: dict[str, Any] | None
    ) -> None:
        """Store `new` (None deletes) and keep the indexes in step."""
        table = self.tables[kind]
        if new is None:
            table.pop(rid, None)
        else:
            table[rid] = new
        rec = new or old
        if rec is not None and (kind, rid) not in self.owners:
            owner = owner_of(kind, rec)
            if owner:
                self.owners[(kind, rid)] = owner
        if kind == "Order":
            self._index_order(rid, old, new)
        elif kind == "OrderItem" and old is None and new is not None:
            self.items_by_merchant[new["_merchantId"]].append(rid)
        elif kind == "Shipment":
            if old is None and new is not None:
                self.shipments_by_order[new["orderId"]].append(rid)
                self.shipments_by_merchant[new["merchantId"]].append(rid)
            elif new is None and old is not None:
                self.shipments_by_order[old["orderId"]].remove(rid)
                self.shipments_by_merchant[old["merchantId"]].remove(rid)
        elif kind == "Note":
            if old is None and new is not None:
                self.notes_by_merchant[new["_merchantId"]].append(rid)
            elif new is None and old is not None:
                self.notes_by_merchant[old["_merchantId"]].remove(rid)

    def _index_order(
        self, rid: str, old: dict[str, Any] | None, new: dict[str, Any] | None
    ) -> None:
        if old is None and new is not None:
            mid = cast(str, owner_of("Order", new))  # an order always names its merchant
            created = self.order_created[mid]
            if created and new["createdAt"] < created[-1]:  # clock went back: keep order sorted
                pos = bisect.bisect_right(created, new["createdAt"])
                created.insert(pos, new["createdAt"])
                self.orders_by_merchant[mid].insert(pos, rid)
            else:
                created.append(new["createdAt"])
                self.orders_by_merchant[mid].append(rid)
            self.orders_by_safe[new["safeId"]] = rid
        if old is not None:
            mid = cast(str, owner_of("Order", old))
            self.orders_by_status[(mid, old["status"])].discard(rid)
            self.orders_by_external[(mid, old["externalId"])].discard(rid)
        if new is not None:
            mid = cast(str, owner_of("Order", new))  # an order always names its merchant
            self.orders_by_status[(mid, new["status"])].add(rid)
            self.orders_by_external[(mid, new["externalId"])].add(rid)


class Refused(Exception):
    """Internal: roll the unit of work back."""


class UnitOfWork:
    def __init__(self, store: Store, action: str, actor: Actor, request_id: str) -> None:
        self.store = store
        self.action = action
        self.actor = actor
        self.request_id = request_id
        self.now = store.clock()
        self._orig: dict[tuple[str, str], dict[str, Any] | None] = {}
        self._work: dict[tuple[str, str], dict[str, Any] | None] = {}
        self.primary: list[tuple[str, str]] = []
        self.skip_primary: set[tuple[str, str]] = set()  # bulk entries that were no-ops
        self.noop = False
        self.messages: dict[str, dict[str, Any]] = {}  # shipment id -> message resource for its log
        self.skip_persist: set[tuple[str, str]] = set()  # fault hook: audited, not saved
        self.event_hook: Callable[[dict[str, Any]], dict[str, Any]] | None = None
        self.audit_enabled = True
        self.audit_filter: Callable[[str, str], bool] | None = None  # (type, id) -> keep?
        # (type, id) -> (timestamp field, value before, value the commit set): for the answer
        self.stamped: dict[tuple[str, str], tuple[str, Any, str]] = {}
        self.local_offset = 0.0  # seconds added to an order's last-change stamp (a fault)

    # ------------------------------------------------------------------ access
    def get(self, kind: str, rid: str) -> dict[str, Any] | None:
        key = (kind, rid)
        if key in self._work:
            return self._work[key]
        table = self.store.tables[kind]
        if rid not in table:
            return None
        self._orig[key] = table[rid]
        work = table[rid]  # a second decode is the private working copy
        self._work[key] = work
        return work

    def owned(self, kind: str, rid: str, merchant: str) -> dict[str, Any] | None:
        rec = self.get(kind, rid)
        if rec is None or owner_of(kind, rec) != merchant:
            return None
        return rec

    def add(self, kind: str, rid: str, record: dict[str, Any]) -> dict[str, Any]:
        self._orig[(kind, rid)] = None
        self._work[(kind, rid)] = record
        return record

    def delete(self, kind: str, rid: str) -> None:
        if self.get(kind, rid) is not None:
            self._work[(kind, rid)] = None

    @functools.cached_property
    def _order_time(self) -> str:  # one request, one instant: format it once
        return order_time(self.now)

    def order_time(self) -> str:
        return self._order_time

    def shipment_time(self) -> str:
        return shipment_time(self.now)

    # ------------------------------------------------------------------ commit
    def commit(self) -> list[dict[str, Any]]:
        if self.noop:
            return []
        store = self.store
        created_at = self.order_time()
        events: list[dict[str, Any]] = []
        writes: list[tuple[str, str, dict[str, Any] | None]] = []
        changed_keys = []
        for key, work in self._work.items():
            orig = self._orig.get(key)
            changes = diff(orig, work)
            if changes and work is not None and orig is not None:
                ts_field = TIMESTAMP_FIELD.get(key[0])
                if ts_field and ts_field in work:
                    stamp = self.shipment_time() if key[0] == "Shipment" else self.order_time()
                    if key[0] == "Order" and self.local_offset:
                        stamp = order_time(self.now + self.local_offset)
                    self.stamped[key] = (ts_field, work[ts_field], stamp)
                    work[ts_field] = stamp
            if changes:
                changed_keys.append(key)
            if changes or key in self.primary:
                events.extend(self._events_for(key, orig, work, changes, created_at))
            if changes and key not in self.skip_persist:
                writes.append((key[0], key[1], work))
        for key in self.primary:  # primaries never loaded (e.g. fault paths)
            if key not in self._work:
                rec = store.tables[key[0]].get(key[1])
                events.extend(self._events_for(key, rec, rec, [], created_at))
        if self.event_hook is not None:
            events = [self.event_hook(e) for e in events]
        for kind, rid, work in writes:
            store.apply(kind, rid, self._orig.get((kind, rid)), work)
        encoded = []
        for event in events:
            key = (event["resourceType"], event["resourceId"])
            log = store.audit[key]
            event["version"] = len(log)
            log.append(encode_event(event))
            encoded.append((*key, event["version"], log[-1]))
        if store.backend is not None:
            records = [
                (kind, rid, None if work is None else store.tables[kind].raw(rid))
                for kind, rid, work in writes
            ]
            owners = [(*key, store.owners[key]) for key in self._work if key in store.owners]
            store.backend.write(records, encoded, dict(store.counters), owners)
        return events

    def _events_for(
        self,
        key: tuple[str, str],
        orig: dict[str, Any] | None,
        work: dict[str, Any] | None,
        changes: list[dict[str, Any]],
        created_at: str,
    ) -> list[dict[str, Any]]:
        kind, rid = key
        if not self.audit_enabled:
            return []
        if self.audit_filter is not None and not self.audit_filter(kind, rid):
            return []
        resource = work if work is not None else orig
        common: dict[str, Any] = {
            "version": 0,
            "action": self.action,
            "actor": self.actor,
            "request_id": self.request_id,
            "created_at": created_at,
        }
        out = [
            make_event(
                resource=resource, resource_type=kind, resource_id=rid, changes=changes, **common
            )
        ]
        if kind == "Shipment":
            message = self.messages.get(rid) or {
                "eventType": "ShipmentUpdated",
                "shipmentId": rid,
                "action": self.action,
                "shipmentStatus": (resource or {}).get("shipmentStatus"),
            }
            out.append(
                make_event(
                    resource=message,
                    resource_type="ShipmentMessage",
                    resource_id=rid,
                    changes=changes,
                    **common,
                )
            )
        return out
