"""Read-after-write: what a write said it did is what a read shows.

Reads are polled for a bounded time (`--poll-timeout`), so a staging replica that lags a second
is not reported as a bug; a write that never shows is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from conformance.checks import snapshots
from conformance.checks.failures import ReadAfterWriteFailure
from conformance.harness import Harness
from conformance.operations import operation_of
from conformance.polling import poll_until
from conformance.resources import ResourceRef, response_header

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
        if not 200 <= response.status_code < 300:
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
    response = snapshots.read_after_call(harness, case, path) if case else harness.client.get(path)
    try:
        return response.status_code, response.json()
    except ValueError:
        return response.status_code, None


@verifies("createOrder", "createNote", "createShipment")
def _created(harness, case, response, before) -> str | None:
    location = response_header(response, "Location")
    if not location:
        return "201 without a Location header"
    status, body = _get(harness, location, case)
    if status != 200:
        return f"GET {location} (the Location of the new resource) answered {status}"
    sent = case.body or {}
    if operation_of(case) == "createOrder":
        order = body.get("order", {})
        for key in ("externalId", "safeId", "merchantId"):
            if key in sent and order.get(key) != sent[key]:
                return f"order {key} reads {order.get(key)!r}, was written as {sent[key]!r}"
        if [i.get("sku") for i in order.get("items", [])] != [i.get("sku") for i in sent["items"]]:
            return "order items do not read back as written"
    text = body.get("note", {}).get("text")
    if operation_of(case) == "createNote" and text != sent.get("text"):
        return f"note text reads {text!r}, was written as {sent.get('text')!r}"
    return None


@verifies("updateNote")
def _note_replaced(harness, case, response, before) -> str | None:
    status, body = _get(harness, f"/v1/notes/{case.path_parameters['noteId']}")
    text = (body or {}).get("note", {}).get("text")
    if status != 200 or text != case.body.get("text"):
        return f"after PUT the note reads {text!r} ({status}), expected {case.body.get('text')!r}"
    return None


@verifies("deleteNote", "deleteShipment")
def _gone(harness, case, response, before) -> str | None:
    ref = snapshots.refs(case)[0]
    path = harness.paths.read(ref)
    status, _ = _get(harness, path)
    return None if status == 404 else f"GET {path} after DELETE answered {status}, expected 404"


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
    was = {i["id"]: i for i in before[0].resource.get("items", [])}
    now = {
        i["id"]: i
        for i in (snapshots.read(harness, ResourceRef("Order", before[0].id), case) or {}).get(
            "items", []
        )
    }
    body = case.body or {}
    asked = {
        e["id"]: e.get("quantity") for e in body.get("orderItems") or [] if isinstance(e, dict)
    }
    asked.update({i: None for i in body.get("orderItemIds") or []})
    whole_order = not asked
    for item_id, item in was.items():
        after = now.get(item_id, {})
        open_before = item["quantity"] - item["cancelledQuantity"]
        if whole_order or item_id in asked:
            quantity = asked.get(item_id) or open_before
            expected = item["cancelledQuantity"] + min(quantity, open_before)
            if item["status"] == "Open" and after.get("cancelledQuantity") != expected:
                return (
                    f"item {item_id}: cancelledQuantity {after.get('cancelledQuantity')}, "
                    f"expected {expected}"
                )
        elif (after.get("status"), after.get("cancelledQuantity")) != (
            item["status"],
            item["cancelledQuantity"],
        ):
            return (
                f"item {item_id} was not named in the cancel but changed to {after.get('status')}"
            )
    return None


@verifies("addRefund")
def _refunded(harness, case, response, before) -> str | None:
    if not before or before[0].resource is None:
        return None
    was = {i["id"]: i["refundData"] for i in before[0].resource.get("items", [])}
    now = {
        i["id"]: i["refundData"]
        for i in (snapshots.read(harness, ResourceRef("Order", before[0].id), case) or {}).get(
            "items", []
        )
    }
    expected = {item_id: dict(data) for item_id, data in was.items()}
    for refund in case.body.get("refunds", []):
        key = (
            "remainingShippingBalance"
            if refund.get("isShippingRefund")
            else "remainingPriceBalance"
        )
        expected[refund["itemId"]][key] = round(
            expected[refund["itemId"]][key] - refund["amount"], 2
        )
    for item_id, data in expected.items():
        for key in ("remainingPriceBalance", "remainingShippingBalance"):
            if round(now.get(item_id, {}).get(key, -1), 2) != round(data[key], 2):
                return (
                    f"item {item_id}: {key} is {now.get(item_id, {}).get(key)}, "
                    f"expected {data[key]}"
                )
    return None


@verifies("holdOrder")
def _held(harness, case, response, before) -> str | None:
    order = (
        snapshots.read(harness, ResourceRef("Order", case.path_parameters["orderId"]), case) or {}
    )
    return (
        None
        if order.get("status") == "CustomerCareHold"
        else f"order reads {order.get('status')!r} after hold"
    )
