"""Orders: create (single and bulk), reads, lists and searches."""

from __future__ import annotations

import bisect
import itertools
import secrets
from typing import Any, cast

from ordermesh_mock.errors import ApiError, field_error, forbidden
from ordermesh_mock.handlers.common import (
    Ctx,
    Result,
    audit_result,
    handler,
    item_view,
    list_order_view,
    object_id,
    order_view,
    paged,
    short_id,
)
from ordermesh_mock.handlers.model_fields import ITEM_FIELDS, ORDER_FIELDS
from spec.lifecycle import Lifecycle


def derive_status(ctx: Ctx, order: dict[str, Any]) -> str:
    """The order status from its items (lifecycle.yaml `derived`), holding a hold."""
    statuses = [
        cast("dict[str, Any]", ctx.get("OrderItem", iid))["status"] for iid in order["orderItemIds"]
    ]
    return Lifecycle.derive_order_status(statuses, held=order["status"] == "CustomerCareHold")


def refresh_status(ctx: Ctx, order: dict[str, Any]) -> None:
    order["status"] = derive_status(ctx, order)


def _payment_methods(methods: list[dict[str, Any]], currency: str) -> list[dict[str, Any]]:
    out = []
    for m in methods:
        view = {k: v for k, v in m.items() if k != "customerTransactions"}
        view["customerTransactions"] = [
            {
                **{k: v for k, v in t.items() if k not in ("total", "currencyCode")},
                **(
                    {"total": {"currency": t.get("currencyCode", currency), "amount": t["total"]}}
                    if "total" in t
                    else {}
                ),
            }
            for t in m.get("customerTransactions", [])
        ]
        out.append(view)
    return out


def create_order(ctx: Ctx, body: dict[str, Any], taken_safe_ids: set[str]) -> dict[str, Any]:
    """Create one order and its items in the unit of work; raise 403/409 refusals."""
    uow = ctx.uow
    assert uow is not None
    if body["merchantId"] != ctx.merchant:
        raise forbidden(
            "merchantId is not the caller's merchant [merchant-scope]",
            [field_error("merchantId", "another merchant", body["merchantId"])],
            rule="merchant-scope",
        )
    safe_id = body.get("safeId") or f"SAFE{secrets.token_hex(8).upper()}"
    if safe_id in ctx.store.orders_by_safe or safe_id in taken_safe_ids:
        raise ctx.rule("safe-id-unique", _own_status(ctx, safe_id), prop="safeId")
    taken_safe_ids.add(safe_id)
    now = uow.order_time()
    oid = object_id()
    currency = body.get("currencyCode", "USD")
    order: dict[str, Any] = {
        "id": oid,
        "shortId": short_id(ctx.store, "O", 8),
        "safeId": safe_id,
        "merchantId": ctx.merchant,
        "externalId": body["externalId"],
        "status": "Open",
        "createdAt": now,
        "updatedAt": None,
        "currencyCode": currency,
    }
    for key in ORDER_FIELDS:
        if key in body:
            order[key] = body[key]
    if "customerPaymentMethods" in body:
        order["customerPaymentMethods"] = _payment_methods(body["customerPaymentMethods"], currency)
    item_ids = []
    for spec in body["items"]:
        iid = object_id()
        price = spec["customerPrice"]
        shipping = spec.get("customerShippingPrice")
        item: dict[str, Any] = {
            "id": iid,
            "orderId": oid,
            "shortId": short_id(ctx.store, "I", 8),
            "sku": spec["sku"],
            "originalSKU": spec["sku"],
            "quantity": spec["quantity"],
            "cancelledQuantity": 0,
            "status": "Open",
            "createdAt": now,
            "updatedAt": None,
            "processedAt": None,
            "cancelledAt": None,
            "customerPrice": price,
            "customerTaxes": spec.get("customerTaxes"),
            "meta": spec.get("meta", {}),
            "isSample": spec.get("isSample", False),
            "refundData": {
                "refunds": [],
                "remainingShippingBalance": shipping["amount"] if shipping else 0,
                "remainingPriceBalance": max(0, price["amount"] * spec["quantity"]),
            },
            "_merchantId": ctx.merchant,
            "_shipmentId": None,
        }
        for key in ITEM_FIELDS:
            if key in spec:
                item[key] = spec[key]
        item.setdefault("externalId", None)
        uow.add("OrderItem", iid, item)
        item_ids.append(iid)
    order["orderItemIds"] = item_ids
    uow.add("Order", oid, order)
    return order


def _own_status(ctx: Ctx, safe_id: str) -> str | None:
    """The status of the caller's order holding `safe_id`; another merchant's stays unsaid."""
    oid = ctx.store.orders_by_safe.get(safe_id)
    order = ctx.get("Order", oid) if oid else None
    return order["status"] if order and order["merchantId"] == ctx.merchant else None


def created_body(order: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": order["id"],
        "shortId": order["shortId"],
        "safeId": order["safeId"],
        "status": order["status"],
        "orderItemIds": list(order["orderItemIds"]),
    }


@handler("createOrder")
def create_order_op(ctx: Ctx) -> Result:
    order = create_order(ctx, ctx.body, set())
    path = "/v1/order/" if ctx.fault("bad-location-header") else "/v1/orders/"
    status = 200 if ctx.fault("create-order-200") else 201
    return Result(status, created_body(order), {"Location": path + order["id"]})


def bulk_failure(index: int, exc: ApiError, entry_id: Any = None) -> dict[str, Any]:
    """A bulk entry's failure; `entry_id` names the refused entry, and is safe to echo."""
    errors = exc.body.get("errors") or [
        field_error(f"bulk[{index}]", exc.body.get("message", "refused"), entry_id)
    ]
    return {
        "index": index,
        "id": None,
        "success": False,
        "statusCode": exc.status,
        "errors": errors,
    }


def bulk_result(results: list[dict[str, Any]]) -> Result:
    ok = sum(1 for r in results if r["success"])
    return Result(200, {"results": results, "successCount": ok, "failureCount": len(results) - ok})


@handler("createOrdersBulk")
def create_orders_bulk(ctx: Ctx) -> Result:
    results = []
    taken: set[str] = set()
    for index, spec in enumerate(ctx.body["bulk"]):
        try:
            order = create_order(ctx, spec, taken)
        except ApiError as exc:
            results.append(bulk_failure(index, exc, spec.get("externalId")))
            continue
        results.append({"index": index, "id": order["id"], "success": True, "statusCode": 201})
    if ctx.fault("audit-missing-bulk") and ctx.uow is not None:
        first = next((r["id"] for r in results if r["success"]), None)
        ctx.uow.audit_filter = lambda kind, rid: kind != "Order" or rid == first
    return bulk_result(results)


# ---------------------------------------------------------------------- reads
@handler("getOrderById")
def get_order(ctx: Ctx) -> Result:
    oid = ctx.path["orderId"]
    if ctx.fault("cross-merchant-read"):
        order = ctx.store.get("Order", oid)
        if order is None:
            order = ctx.owned("Order", oid)
    else:
        order = ctx.owned("Order", oid)
    return Result(200, {"order": order_view(ctx, order)})


def order_by_safe_id(ctx: Ctx, safe_id: str) -> dict[str, Any]:
    return ctx.owned("Order", ctx.store.orders_by_safe.get(safe_id))


@handler("getOrderBySafeId")
def get_order_by_safe_id(ctx: Ctx) -> Result:
    return Result(200, {"order": order_view(ctx, order_by_safe_id(ctx, ctx.path["safeId"]))})


@handler("getOrderItemById")
def get_order_item(ctx: Ctx) -> Result:
    return Result(200, {"orderItem": item_view(ctx.owned("OrderItem", ctx.path["orderItemId"]))})


@handler("getOrdersBulk")
def get_orders_bulk(ctx: Ctx) -> Result:
    orders, missing = [], []
    for oid in dict.fromkeys(ctx.query["ids"]):
        order = ctx.store.owned("Order", oid, ctx.merchant)
        if order is None:
            missing.append(oid)
        else:
            orders.append(order_view(ctx, order))
    return Result(200, {"orders": orders, "notFound": missing})


@handler("getOrderAuditLogs")
def order_audit(ctx: Ctx) -> Result:
    return audit_result(ctx, "Order", ctx.path["orderId"])


@handler("getOrderAuditLogsBySafeId")
def order_audit_by_safe_id(ctx: Ctx) -> Result:
    return audit_result(ctx, "Order", ctx.store.orders_by_safe.get(ctx.path["safeId"]))


@handler("getOrderItemAuditLogs")
def item_audit(ctx: Ctx) -> Result:
    return audit_result(ctx, "OrderItem", ctx.path["orderItemId"])


# ---------------------------------------------------------------------- lists
def _sorted_orders(ctx: Ctx, ids: list[str], query: dict[str, Any], presorted: bool) -> list[str]:
    if ctx.fault("sort-ignored"):
        return ids  # insertion order, whatever was asked
    sort_by = query.get("sortBy", "createdAt")
    desc = query.get("sortDirection", "desc") == "desc"
    if sort_by == "createdAt" and presorted:
        return ids[::-1] if desc else ids
    table = ctx.store.tables["Order"]
    position = {oid: i for i, oid in enumerate(ctx.store.orders_by_merchant[ctx.merchant])}

    def key(oid: str) -> tuple[Any, int]:
        order = table[oid]
        value = order.get(sort_by) or ""
        return (value, position.get(oid, 0))

    return sorted(ids, key=key, reverse=desc)


@handler("listOrders")
def list_orders(ctx: Ctx) -> Result:
    ids = _sorted_orders(ctx, ctx.store.orders_by_merchant[ctx.merchant], ctx.query, True)
    shift = 1 if ctx.fault("pagination-repeats") and ctx.query.get("page", 1) > 1 else 0
    page, info = paged(ids, ctx.query, shift)
    if ctx.fault("list-leaks-other-merchant") and ctx.query.get("page", 1) == 1:
        page = [*_other_merchants_newest(ctx), *page]
    table = ctx.store.tables["Order"]
    return Result(200, {**info, "orders": [list_order_view(table[o]) for o in page]})


def _other_merchants_newest(ctx: Ctx) -> list[str]:
    """The newest order of another merchant than the caller, if any holds one."""
    for merchant, ids in ctx.store.orders_by_merchant.items():
        if merchant != ctx.merchant and ids:
            return [ids[-1]]
    return []


# A filter this small is cheaper to sort by position than to find by walking the whole list.
PICK_LIMIT = 1000


@handler("searchOrders")
def search_orders(ctx: Ctx) -> Result:
    store, q, mid = ctx.store, ctx.query, ctx.merchant
    ordered = store.orders_by_merchant[mid]
    created = store.order_created[mid]
    lo = bisect.bisect_left(created, _z(q["createdFrom"])) if "createdFrom" in q else 0
    hi = bisect.bisect_left(created, _z(q["createdTo"])) if "createdTo" in q else len(ordered)
    filters: list[set[str]] = []
    if "status" in q and not ctx.fault("search-filter-ignored"):
        filters.append(store.orders_by_status.get((mid, q["status"]), set()))
    if "externalId" in q:
        filters.append(store.orders_by_external.get((mid, q["externalId"]), set()))
    if "safeId" in q:
        oid = store.orders_by_safe.get(q["safeId"])
        filters.append({oid} if oid else set())
    filters.sort(key=len)
    if q.get("sortBy", "createdAt") != "createdAt":
        ids = [o for o in ordered[lo:hi] if all(o in f for f in filters)]
        page, info = paged(_sorted_orders(ctx, ids, q, False), q)
    else:
        page, info = _created_order_page(ctx, lo, hi, filters)
    table = store.tables["Order"]
    return Result(200, {**info, "orders": [list_order_view(table[o]) for o in page]})


def _created_order_page(
    ctx: Ctx, lo: int, hi: int, filters: list[set[str]]
) -> tuple[list[str], dict[str, Any]]:
    """One page of the merchant's orders [lo, hi) that pass every filter, by creation time.

    Touches only what the page needs: a search that matches 100,000 orders must not copy,
    filter or reverse all of them to return 20.
    """
    store, q = ctx.store, ctx.query
    ordered = store.orders_by_merchant[ctx.merchant]
    desc = q.get("sortDirection", "desc") == "desc"
    page_no, size = q.get("page", 1), q.get("pageSize", 20)
    start = max(0, (page_no - 1) * size)
    info = {"page": page_no, "pageSize": size}
    if filters and len(filters[0]) <= PICK_LIMIT:
        where = {o: _position(ctx, o) for o in filters[0] if all(o in f for f in filters[1:])}
        hits = sorted((o for o, i in where.items() if lo <= i < hi), key=where.__getitem__)
        if desc:
            hits.reverse()
        return hits[start : start + size], {**info, "totalCount": len(hits)}
    span = range(hi - 1, lo - 1, -1) if desc else range(lo, hi)
    walk = (ordered[i] for i in span if all(ordered[i] in f for f in filters))
    page = list(itertools.islice(walk, start, start + size))
    if not filters:
        total = hi - lo
    elif (lo, hi) == (0, len(ordered)):
        others = filters[1:]
        total = (
            len(filters[0])
            if not others
            else sum(1 for o in filters[0] if all(o in f for f in others))
        )
    else:
        total = sum(1 for i in range(lo, hi) if all(ordered[i] in f for f in filters))
    return page, {**info, "totalCount": total}


def _position(ctx: Ctx, oid: str) -> int:
    """Index of an order in its merchant's creation-ordered list (ties: insertion order)."""
    created_at = ctx.store.tables["Order"][oid]["createdAt"]
    first = bisect.bisect_left(ctx.store.order_created[ctx.merchant], created_at)
    return ctx.store.orders_by_merchant[ctx.merchant].index(oid, first)


def _z(instant: str) -> str:
    """Normalise a date-time filter to the stored `...Z` form for string comparison."""
    from datetime import UTC, datetime

    try:
        parsed = datetime.fromisoformat(instant.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        return instant
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@handler("searchOrderItems")
def search_order_items(ctx: Ctx) -> Result:
    store, q = ctx.store, ctx.query
    table = store.tables["OrderItem"]
    if "orderId" in q:
        order = store.owned("Order", q["orderId"], ctx.merchant)
        ids = list(order["orderItemIds"]) if order else []
    else:
        ids = list(store.items_by_merchant[ctx.merchant])
    items = [table[i] for i in ids if i in table]
    if "status" in q:
        items = [i for i in items if i["status"] == q["status"]]
    if "sku" in q:
        items = [i for i in items if i["sku"] == q["sku"]]
    sort_by = q.get("sortBy", "createdAt")
    desc = q.get("sortDirection", "desc") == "desc"
    if sort_by == "createdAt":
        items = items[::-1] if desc else items
    else:
        items = sorted(items, key=lambda i: i.get(sort_by) or "", reverse=desc)
    page, info = paged(items, q)
    return Result(200, {**info, "orderItems": [item_view(i) for i in page]})
