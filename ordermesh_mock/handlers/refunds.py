"""addRefund: all-or-nothing refunds against each item's remaining balances.

The operation documents only 204/401/403/500, so every refusal (invalid body, unknown order or
item, over balance) answers 403 RefundForbiddenErrorResponse with an `errors` list.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any, cast

from ordermesh_mock.errors import field_error, forbidden, refused
from ordermesh_mock.handlers.common import Ctx, Result, handler


def _unknown(ctx: Ctx, prop: str, value: Any) -> Exception:
    rule = ctx.mock.lifecycle.rule("refund-unknown-item")
    exc = refused(rule, None, prop)
    exc.body["errors"] = [field_error(prop, rule.reason, value)]
    return exc


@handler("addRefund")
def add_refund(ctx: Ctx) -> Result:
    body = ctx.body
    order_id = body["orderId"]
    order = ctx.uow.owned("Order", order_id, ctx.merchant) if ctx.uow else None
    if order is None:
        raise _unknown(ctx, "orderId", order_id)
    first_item = order["orderItemIds"][0] if order["orderItemIds"] else None
    wanted: dict[tuple[str, bool], float] = defaultdict(float)
    errors = []
    for n, refund in enumerate(body["refunds"]):
        iid = refund["itemId"]
        if iid not in order["orderItemIds"]:
            raise _unknown(ctx, f"refunds[{n}].itemId", iid)
        shipping = bool(refund.get("isShippingRefund", False))
        wanted[(iid, shipping)] += refund["amount"]
        item = cast("dict[str, Any]", ctx.get("OrderItem", iid))
        data = item["refundData"]
        balance = data["remainingShippingBalance" if shipping else "remainingPriceBalance"]
        if wanted[(iid, shipping)] > balance + 1e-9 and not ctx.fault("refund-over-balance"):
            errors.append(
                field_error(
                    f"refunds[{n}].amount",
                    f"exceeds the remaining {'shipping' if shipping else 'price'} balance"
                    f" of {balance}",
                    refund["amount"],
                )
            )
    if errors:
        rule = ctx.mock.lifecycle.rule("refund-over-balance")
        raise forbidden(f"{rule.reason} [{rule.rule}]", errors, rule=rule.rule)
    for refund in body["refunds"]:
        target = refund["itemId"]
        if ctx.fault("refund-wrong-item") and first_item is not None:
            target = first_item
        item = cast("dict[str, Any]", ctx.get("OrderItem", target))
        shipping = bool(refund.get("isShippingRefund", False))
        data = item["refundData"]
        key = "remainingShippingBalance" if shipping else "remainingPriceBalance"
        data[key] = max(0, round(data[key] - refund["amount"], 6))
        data["refunds"].append(
            {
                "transactionId": str(uuid.uuid4()),
                "isShippingRefund": shipping,
                "amount": refund["amount"],
                "reason": refund.get("reason"),
            }
        )
    return Result(204)
