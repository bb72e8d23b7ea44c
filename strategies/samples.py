"""Setup data drawn with a seeded `random.Random`, from the same tables as the strategies.

Hypothesis forbids `strategy.example()` inside a running test, and setup data (the order a
positive case needs to exist) is not test input anyway: it should be realistic and reproducible
from the run's seed, not shrunk. So the factory uses these plain builders.
"""

from __future__ import annotations

import random
from typing import Any

from strategies import domain


def cents(rng: random.Random, low: int, high: int) -> float:
    return rng.randint(low, high) / 100


def address(rng: random.Random) -> dict[str, Any]:
    return {
        "firstName": rng.choice(domain.FIRST_NAMES),
        "lastName": rng.choice(domain.LAST_NAMES),
        "line1": f"{rng.randint(1, 9999)} {rng.choice(domain.STREETS)}",
        "city": rng.choice(domain.CITIES),
        "zip": f"{rng.randint(0, 99999):05d}",
        "countryCode": rng.choice(domain.COUNTRIES),
    }


def sku(rng: random.Random) -> str:
    return "-".join(
        (
            rng.choice(domain.PRODUCTS),
            rng.choice(domain.COLORS),
            rng.choice(domain.SIZES),
            f"{rng.randint(0, 999):03d}",
        )
    )


def order_item(rng: random.Random, currency: str = "USD") -> dict[str, Any]:
    return {
        "sku": sku(rng),
        "quantity": rng.randint(1, 5),
        "customerPrice": {"currency": currency, "amount": cents(rng, 50, 50_000)},
        "customerShippingPrice": {"currency": currency, "amount": cents(rng, 0, 2_500)},
    }


def create_order_payload(
    rng: random.Random, merchant_id: str, safe_id: str, items: int = 2, currency: str = "USD"
) -> dict[str, Any]:
    return {
        "merchantId": merchant_id,
        "externalId": safe_id,
        "safeId": safe_id,
        "currencyCode": currency,
        "shippingAddress": address(rng),
        "billingAddress": address(rng),
        "returnAddress": address(rng),
        "items": [order_item(rng, currency) for _ in range(items)],
    }
