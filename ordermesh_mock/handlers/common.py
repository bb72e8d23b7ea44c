"""Shared handler plumbing: the request context, results, lookups and serializers."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ordermesh_mock import next_version
from ordermesh_mock.auth import Auth, Principal
from ordermesh_mock.config import MockConfig
from ordermesh_mock.errors import ApiError, not_found, refused
from ordermesh_mock.faults import Faults
from ordermesh_mock.handlers import fulfilment
from ordermesh_mock.handlers.model_fields import ORDER_ADDRESSES, ORDER_OPTIONAL
from ordermesh_mock.store import Store, UnitOfWork
from spec.lifecycle import Lifecycle
from spec.vocabulary import Vocabulary


@dataclass
class Mock:
    """Everything a handler may use."""

    config: MockConfig
    store: Store
    auth: Auth
    faults: Faults
    lifecycle: Lifecycle
    words: Vocabulary  # state names <-> wire values, from the mock's spec


@dataclass
class Ctx:
    op_id: str
    mock: Mock
    path: dict[str, Any]
    query: dict[str, Any]
    body: Any
    principal: Principal | None
    uow: UnitOfWork | None = None

    @property
    def merchant(self) -> str:
        assert self.principal is not None
        return self.principal.merchant_id

    @property
    def store(self) -> Store:
        return self.mock.store

    def fault(self, name: str) -> bool:
        return self.mock.faults.active(name)

    def changed(self, name: str) -> bool:
        """Whether a next-version change (ordermesh_mock/next_version.py) applies to this call."""
        return next_version.changed(self.mock.config.next_version, name, self.op_id)

    def get(self, kind: str, rid: str) -> dict[str, Any] | None:
        """Working copy inside a mutation, stored record otherwise (read-only!)."""
        if self.uow is not None:
            return self.uow.get(kind, rid)
        return self.mock.store.get(kind, rid)

    def owned(self, kind: str, rid: Any) -> dict[str, Any]:
        """The caller's resource or 404 (another merchant's resource looks unknown)."""
        if not isinstance(rid, str):
            raise not_found()
        if self.uow is not None:
            rec = self.uow.owned(kind, rid, self.merchant)
        else:
            rec = self.mock.store.owned(kind, rid, self.merchant)
        if rec is None:
            raise not_found()
        return rec

    def check(
        self,
        entity: str,
        state: Any,
        operation: str | None = None,
        when: str | None = None,
        prop: str = "",
    ) -> None:
        """Ask the state table; raise its refusal (nothing is written)."""
        name = self.mock.lifecycle.state_of(self.mock.words, entity, state) or state
        refusal = self.mock.lifecycle.refusal(entity, name, operation or self.op_id, when)
        if refusal is not None:
            raise refused(refusal, state, prop)

    def is_noop(self, entity: str, state: str | None, operation: str | None = None) -> bool:
        """Whether lifecycle.yaml lists this call as a harmless no-op."""
        for noop in self.mock.lifecycle.noops:
            if (
                noop["entity"] == entity
                and noop["operation"] == (operation or self.op_id)
                and ("from" not in noop or state in noop["from"])
            ):
                return True
        return False

    def rule(self, name: str, current: Any = None, prop: str = "") -> ApiError:
        return refused(self.mock.lifecycle.rule(name), current, prop)


@dataclass
class Result:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Ctx], Result]
HANDLERS: dict[str, Handler] = {}


def handler(operation_id: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[operation_id] = fn
        return fn

    return register


# ---------------------------------------------------------------------- ids
def object_id() -> str:
    return secrets.token_hex(12)


def short_id(store: Store, prefix: str, digits: int) -> str:
    return f"{prefix}{store.next_counter(prefix) % 10**digits:0{digits}d}"


# ---------------------------------------------------------------------- paging
T = TypeVar("T")


def paged(ids: list[T], query: dict[str, Any], shift: int = 0) -> tuple[list[T], dict[str, Any]]:
    page, size = query.get("page", 1), query.get("pageSize", 20)
    start = max(0, (page - 1) * size - shift)
    return ids[start : start + size], {"page": page, "pageSize": size, "totalCount": len(ids)}


# ---------------------------------------------------------------------- serializers
# Stored (and audited) but not in the documented views: reads must not return them.
AUDIT_ONLY_FIELDS = frozenset({"cancelReason"})


def item_view(item: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in item.items() if not k.startswith("_")}
    out.update(fulfilment.item_prices(item))
    out.update(fulfilment.ITEM_SWITCHES)
    out.setdefault("clientAttributes", {})
    return out


def order_view(ctx: Ctx, order: dict[str, Any]) -> dict[str, Any]:
    get = ctx.get
    out: dict[str, Any] = {
        k: v
        for k, v in order.items()
        if not k.startswith("_") and k != "orderItemIds" and k not in AUDIT_ONLY_FIELDS
    }
    for key in ORDER_OPTIONAL:
        out.setdefault(key, None)
    for key in ORDER_ADDRESSES:
        if isinstance(out.get(key), dict):
            out[key] = {**out[key], fulfilment.GEOCODED: fulfilment.locate(out[key])}
    items = []
    for iid in order["orderItemIds"]:
        item = get("OrderItem", iid)
        if item is not None:
            items.append(item_view(item))
    out["items"] = items
    out.update(fulfilment.order_totals(order.get("currencyCode") or "USD", items))
    found = [get("Shipment", sid) for sid in ctx.store.shipments_by_order.get(order["id"], [])]
    shipments = [s for s in found if s is not None]
    out["shipmentIds"] = [s["id"] for s in shipments]
    out["shipmentCreatedDates"] = [s["createdDate"] + "Z" for s in shipments]
    names = (fulfilment.facility_name(s.get("facilityId")) for s in shipments)
    out["facilityNames"] = [name for name in names if name]
    if ctx.op_id in ("getOrderById", "getOrderBySafeId") and ctx.fault("order-missing-status"):
        out.pop("status", None)
    if ctx.changed("order-priority-field"):
        out["priority"] = "normal"
    if ctx.changed("order-status-canceled") and out.get("status") == "Cancelled":
        out["status"] = "Canceled"
    return out


def list_order_view(order: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": order["id"],
        "shortId": order["shortId"],
        "safeId": order["safeId"],
        "externalId": order["externalId"],
        "status": order["status"],
        "createdAt": order["createdAt"],
        "updatedAt": order.get("updatedAt"),
        "itemCount": len(order["orderItemIds"]),
    }


def package_view(pkg: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in pkg.items() if not k.startswith("_")}


def shipment_view(ctx: Ctx, shipment: dict[str, Any]) -> dict[str, Any]:
    out = {
        k: v
        for k, v in shipment.items()
        if not k.startswith("_") and k != "packageIds" and k not in AUDIT_ONLY_FIELDS
    }
    packages = [ctx.get("Package", pid) for pid in shipment["packageIds"]]
    out["packages"] = [package_view(p) for p in packages if p is not None]
    out["facilityName"] = fulfilment.facility_name(shipment.get("facilityId"))
    method, country = shipment.get("shippingMethod"), shipment.get("shippingCountryCode")
    out["selectedShippingMapping"] = fulfilment.shipping_mapping(method, country)
    items = []
    for iid in shipment["orderItemIDs"]:
        item = ctx.get("OrderItem", iid)
        if item is None:
            continue
        price = item.get("customerPrice") or {"currency": "USD", "amount": 0}
        tax = (item.get("customerTaxes") or {}).get("amount", 0)
        money = {"currency": price["currency"], "amount": price["amount"], "tax": tax}
        items.append(
            {
                "id": item["id"],
                "shortId": item["shortId"],
                "sku": item["sku"],
                "vendorSku": None,
                "variantId": None,
                "vendorProductId": None,
                "quantity": item["quantity"] - item["cancelledQuantity"],
                "status": 1,
                "merchantPrice": money,
                "price": money,
                "images": list(item.get("images") or ()),  # the order item's, as it reads them
            }
        )
    out["orderItems"] = items
    if ctx.fault("shipment-status-as-string"):
        out["shipmentStatus"] = str(out["shipmentStatus"])
    return out


def search_shipment_view(shipment: dict[str, Any], as_string: bool = False) -> dict[str, Any]:
    status = shipment["shipmentStatus"]
    return {
        "id": shipment["id"],
        "shortId": shipment["shortId"],
        "orderId": shipment["orderId"],
        "vendorId": shipment["vendorId"],
        "facilityId": shipment.get("facilityId"),
        "shipmentStatus": str(status) if as_string else status,
        "createdDate": shipment["createdDate"],
    }


def note_view(note: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in note.items() if not k.startswith("_")}


def audit_result(ctx: Ctx, resource_type: str, rid: Any) -> Result:
    """An audit log, readable while the caller owns (or owned) the resource."""
    kind = "Shipment" if resource_type == "ShipmentMessage" else resource_type
    if not isinstance(rid, str) or ctx.store.owners.get((kind, rid)) != ctx.merchant:
        raise not_found()
    return Result(200, {"auditLogs": list(ctx.store.audit_log(resource_type, rid))})
