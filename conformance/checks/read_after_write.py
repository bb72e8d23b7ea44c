"""Read-after-write: what a write said it did is what a read shows.

Reads are polled for a bounded time (`--poll-timeout`), so a staging replica that lags a second
is not reported as a bug; a write that never shows is.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from conformance.checks import snapshots
from conformance.failures.hierarchy import ReadAfterWriteFailure
from conformance.machinery.contract import is_success, json_of
from conformance.machinery.harness import Harness
from conformance.machinery.resources import ResourceRef, response_header
from conformance.transport.operations import operation_of
from conformance.transport.polling import poll_until
from spec import load_lifecycle
from spec.vocabulary import number, vocabulary

Verifier = Callable[[Harness, Any, Any, list], "str | None"]
VERIFIERS: dict[str, Verifier] = {}
POLL_INTERVAL = 0.2


def verifies(*operation_ids: str):
    def register(fn: Verifier) -> Verifier:
        for operation_id in operation_ids:
            VERIFIERS[operation_id] = fn
        return fn

    return register


def make_read_after_write_check(harness: Harness):
    def read_after_write(ctx, response, case) -> None:
        if not is_success(response.status_code):
            return
        verifier = VERIFIERS.get(operation_of(case))
        if verifier is None:
            return
        before = snapshots.peek(harness, case) or []
        problem = poll_until(
            lambda: verifier(harness, case, response, before),
            lambda found: found is None,
            harness.settings.poll_timeout,
            POLL_INTERVAL,
        )
        if problem is not None:
            raise ReadAfterWriteFailure(
                operation=case.operation.label,
                title="Write not visible on read",
                message=problem,
                check="read_after_write",
            )

    return read_after_write


def _get(harness: Harness, path: str, case=None) -> tuple[int, Any]:
    """GET `path`: its status and the resource out of the answer, as the spec wraps it."""
    response = snapshots.read_after_call(harness, case, path) if case else harness.client.get(path)
    body = json_of(response)
    operation_id = harness.gate.operation_id("GET", response.request.url.path)
    if operation_id is None or not is_success(response.status_code):
        return response.status_code, body
    return response.status_code, vocabulary(harness.spec).resource(operation_id, body)


def _field(resource: Any, name: str) -> Any:
    return resource.get(name) if isinstance(resource, dict) else None


def _state(harness: Harness, entity: str, value: Any) -> Any:
    return load_lifecycle().state_of(vocabulary(harness.spec), entity, value) or value


@verifies("createOrder", "createNote", "createShipment")
def _created(harness, case, response, before) -> str | None:
    location = response_header(response, "Location")
    if not location:
        return f"{response.status_code} without a Location header"
    status, body = _get(harness, location, case)
    if not is_success(status):
        return f"GET {location} (the Location of the new resource) answered {status}"
    sent = case.body or {}
    if operation_of(case) == "createOrder":
        order = body if isinstance(body, dict) else {}
        for key in ("externalId", "safeId", "merchantId"):
            if key in sent and key in order and order.get(key) != sent[key]:
                return f"order {key} reads {order.get(key)!r}, was written as {sent[key]!r}"
        read_items = [i.get("sku") for i in order.get("items") or [] if isinstance(i, dict)]
        if "items" in order and read_items != [i.get("sku") for i in sent["items"]]:
            return "order items do not read back as written"
    text = _field(body, "text")
    if operation_of(case) == "createNote" and text != sent.get("text"):
        return f"note text reads {text!r}, was written as {sent.get('text')!r}"
    return None


@verifies("updateNote")
def _note_replaced(harness, case, response, before) -> str | None:
    path = harness.paths.read(ResourceRef("Note", case.path_parameters["noteId"]))
    status, body = _get(harness, path)
    text = _field(body, "text")
    if not is_success(status) or text != case.body.get("text"):
        return f"after PUT the note reads {text!r} ({status}), expected {case.body.get('text')!r}"
    return None


@verifies("deleteNote", "deleteShipment")
def _gone(harness, case, response, before) -> str | None:
    ref = snapshots.refs(case)[0]
    path = harness.paths.read(ref)
    status, _ = _get(harness, path)
    gone = HTTPStatus.NOT_FOUND
    return None if status == gone else f"GET {path} after DELETE answered {status}, expected {gone}"


@verifies("updateOrder")
def _order_updated(harness, case, response, before) -> str | None:
    order = (
        snapshots.read(harness, ResourceRef("Order", case.path_parameters["orderId"]), case) or {}
    )
    # Undeclared extra properties may be ignored by the API; only declared fields must persist.
    declared = harness.spec.operation("updateOrder").request_schema or {}
    for key, value in (case.body or {}).items():
        if key == "status" or key not in declared.get("properties", {}):
            continue  # releasing a hold: the order status is derived, the lifecycle model checks it
        if isinstance(value, dict) and isinstance(order.get(key), dict):
            differing = {k for k, v in value.items() if order[key].get(k) != v}
            if differing:
                return f"order {key} fields {sorted(differing)} do not read back as written"
        elif order.get(key) != value:
            return f"order {key} reads {order.get(key)!r}, was written as {value!r}"
    return None


@verifies("cancelOrder")
def _cancelled(harness, case, response, before) -> str | None:
    if not before or before[0].resource is None:
        return None
    was = _items(before[0].resource)
    now = _items(snapshots.read(harness, ResourceRef("Order", before[0].id), case))
    body = case.body or {}
    asked = {
        e["id"]: e.get("quantity") for e in body.get("orderItems") or [] if isinstance(e, dict)
    }
    asked.update({i: None for i in body.get("orderItemIds") or []})
    whole_order = not asked
    cancellable = load_lifecycle().sources_of("orderItem", "cancelOrder")
    for item_id, item in was.items():
        after = now.get(item_id, {})
        quantity_was, cancelled_was = (
            number(item.get("quantity")),
            number(item.get("cancelledQuantity", 0)),
        )
        if quantity_was is None or cancelled_was is None or "cancelledQuantity" not in after:
            continue  # a field the answer left out: the schema check's finding, not ours
        open_before = quantity_was - cancelled_was
        if whole_order or item_id in asked:
            quantity = asked.get(item_id) or open_before
            expected = cancelled_was + min(quantity, open_before)
            is_open = _state(harness, "orderItem", item.get("status")) in cancellable
            if is_open and number(after.get("cancelledQuantity")) != expected:
                return (
                    f"item {item_id}: cancelledQuantity {after.get('cancelledQuantity')}, "
                    f"expected {expected}"
                )
        elif (after.get("status"), after.get("cancelledQuantity")) != (
            item.get("status"),
            item.get("cancelledQuantity"),
        ):
            return (
                f"item {item_id} was not named in the cancel but changed to {after.get('status')}"
            )
    return None


@verifies("addRefund")
def _refunded(harness, case, response, before) -> str | None:
    if not before or before[0].resource is None:
        return None
    was = {k: i.get("refundData") or {} for k, i in _items(before[0].resource).items()}
    read = snapshots.read(harness, ResourceRef("Order", before[0].id), case)
    now = {k: i.get("refundData") or {} for k, i in _items(read).items()}
    expected = {item_id: dict(data) for item_id, data in was.items()}
    for refund in case.body.get("refunds", []):
        if refund.get("itemId") not in expected or not isinstance(
            refund.get("amount"), float | int
        ):
            continue
        key = (
            "remainingShippingBalance"
            if refund.get("isShippingRefund")
            else "remainingPriceBalance"
        )
        if not isinstance(expected[refund["itemId"]].get(key), float | int):
            continue
        expected[refund["itemId"]][key] = round(
            expected[refund["itemId"]][key] - refund["amount"], 2
        )
    for item_id, data in expected.items():
        for key in ("remainingPriceBalance", "remainingShippingBalance"):
            got = now.get(item_id, {}).get(key)
            if not isinstance(data.get(key), float | int) or not isinstance(got, float | int):
                continue  # a balance the answer left out is the schema check's finding
            if round(got, 2) != round(data[key], 2):
                return (
                    f"item {item_id}: {key} is {now.get(item_id, {}).get(key)}, "
                    f"expected {data[key]}"
                )
    return None


@verifies("holdOrder")
def _held(harness, case, response, before) -> str | None:
    order = snapshots.read(harness, ResourceRef("Order", case.path_parameters["orderId"]), case)
    held = load_lifecycle().target_of("order", "holdOrder")
    if not isinstance(order, dict) or "status" not in order:
        return None  # no status to judge: the schema check reports its absence
    reads = _state(harness, "order", order.get("status"))
    return None if reads == held else f"order reads {order.get('status')!r} after hold"


def _items(order: Any) -> dict[str, dict[str, Any]]:
    """An order's items by id (none when the order or its items could not be read)."""
    items = order.get("items") if isinstance(order, dict) else None
    return {i["id"]: i for i in items or [] if isinstance(i, dict) and "id" in i}
