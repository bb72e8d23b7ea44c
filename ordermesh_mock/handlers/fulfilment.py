"""What the fulfilment side adds to a read: merchant prices, facility names, the carrier mapping.

A real OrderMesh fills these from its fulfilment network; a client never sends them. The docs'
examples show them filled (an item's merchant prices, a shipment's selected shipping mapping),
so the mock computes them from what it stores instead of answering null. Its network is small
and made up: addresses are geocoded by a hash, the fulfiller charges the merchant what the
customer pays (as the mock's shipments already do), a facility's name is derived from its id,
and one carrier serves every method.
"""

from __future__ import annotations

import hashlib
from typing import Any

from spec import load_spec

MONEY_MAXIMUM = load_spec().component_schema("PriceModel")["properties"]["amount"].get("maximum")
CARRIER = {"carrierName": "Mock Parcel", "carrierCode": "MOCKP"}
DEFAULT_METHOD = "Standard"  # a shipment that names no method ships with the network's default


def _money(currency: str, amount: float) -> dict[str, Any] | None:
    """A computed price, or null when the amount is past what the spec's money can hold."""
    if MONEY_MAXIMUM is not None and amount > MONEY_MAXIMUM:
        return None
    return {"currency": currency, "amount": round(amount, 2)}


def _amount(price: Any) -> float:
    return float(price.get("amount") or 0) if isinstance(price, dict) else 0.0


def item_prices(item: dict[str, Any], currency: str = "USD") -> dict[str, Any]:
    """An item's subtotal and merchant prices, from its customer prices and live quantity."""
    price = item.get("customerPrice")
    if isinstance(price, dict) and price.get("currency"):
        currency = price["currency"]
    quantity = item.get("quantity", 0) - item.get("cancelledQuantity", 0)
    subtotal = _amount(price) * quantity
    shipping = _amount(item.get("customerShippingPrice"))
    tax = _amount(item.get("customerTaxes"))
    return {
        "customerSubtotal": _money(currency, subtotal),
        "merchantPrice": _money(currency, _amount(price)),
        "merchantShippingPrice": _money(currency, shipping),
        "merchantTax": _money(currency, tax),
        "merchantSubTotal": _money(currency, subtotal),
        "merchantItemTotal": _money(currency, subtotal + shipping + tax),
    }


# The fulfiller's per-item switches: the mock never skips a step.
ITEM_SWITCHES: dict[str, Any] = {
    "skipImgManip": False,
    "skipImageValidation": False,
    "skipSkuValidation": False,
}


def order_totals(currency: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """An order's merchant totals: the sums of its items' merchant prices (`item_prices`); a
    total is null when one of its parts is."""

    def total(*names: str) -> dict[str, Any] | None:
        parts = [item.get(name) for item in items for name in names]
        if not all(isinstance(part, dict) for part in parts):
            return None
        return _money(currency, sum(_amount(part) for part in parts))

    return {
        "merchantItemTotal": total("merchantSubTotal"),
        "merchantTaxTotal": total("merchantTax"),
        "merchantShippingTotal": total("merchantShippingPrice"),
        "merchantTotal": total("merchantSubTotal", "merchantShippingPrice", "merchantTax"),
    }


GEOCODED = "location"  # the read-only place an address gains once the network has geocoded it


def locate(address: dict[str, Any]) -> dict[str, float]:
    """The network's geocoder: a made-up but stable point for each address."""
    text = "|".join(str(address.get(k, "")) for k in ("line1", "city", "zip", "countryCode"))
    digest = hashlib.sha256(text.encode()).digest()
    north = int.from_bytes(digest[:4], "big") / 2**32
    east = int.from_bytes(digest[4:8], "big") / 2**32
    return {"latitude": round(north * 180 - 90, 6), "longitude": round(east * 360 - 180, 6)}


def facility_name(facility_id: str | None) -> str | None:
    return f"Facility {facility_id}" if facility_id else None


def shipping_mapping(method: str | None, country: str | None) -> dict[str, Any]:
    """The carrier mapping the network selected for a shipment's method and destination."""
    name = method or DEFAULT_METHOD
    return {
        "carrierName": CARRIER["carrierName"],
        "type": "carrier",
        "shippingMethods": [
            {
                "name": name,
                "carriers": [
                    {
                        "serviceMethodsAllowed": [name],
                        "countryCodesToApply": [country] if country else [],
                        "vendorMapping": {
                            "carrierCode": CARRIER["carrierCode"],
                            "serviceCode": name.upper(),
                        },
                    }
                ],
            }
        ],
    }
