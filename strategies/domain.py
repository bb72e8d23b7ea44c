"""Realistic OrderMesh data as Hypothesis strategies.

Generic generators make strings that pass a schema and fail every business check: country "QQ",
SKU "\x00", a price of 1e-300. These strategies make the data a real merchant sends, so positive
cases get past business validation and reach deep states.
"""

from __future__ import annotations

import string
from decimal import Decimal

from hypothesis import strategies as st

COUNTRIES = ("US", "CA", "MX", "GB", "IE", "FR", "DE", "ES", "PT", "IT", "NL", "BE", "SE", "NO",
             "DK", "FI", "PL", "AT", "CH", "AU", "NZ", "JP", "BR")  # fmt: skip
CURRENCIES = ("USD", "CAD", "EUR", "GBP", "AUD", "MXN", "JPY", "SEK", "CHF", "NZD", "BRL")
LANGUAGES = ("en", "es", "pt", "fr", "de", "EN")  # 'EN' as in the docs' curl sample
FIRST_NAMES = ("Ada", "Grace", "Alan", "Mar\u00eda", "Jos\u00e9", "Zo\u00eb", "Li", "Noah", "Emma")
LAST_NAMES = ("Lovelace", "Hopper", "Turing", "Garc\u00eda", "O'Brien", "M\u00fcller", "Nakamura")
CITIES = ("Los Angeles", "Toronto", "Lisbon", "M\u00fcnchen", "Dublin", "Austin", "Qu\u00e9bec")
STREETS = ("Main St", "Oak Avenue", "Rua Augusta", "Hauptstra\u00dfe", "King St W", "Elm Rd")
PRODUCTS = ("TEE", "HOODIE", "MUG", "POSTER", "CAP", "TOTE")
COLORS = ("BLK", "WHT", "NVY", "RED", "GRN")
SIZES = ("XS", "S", "M", "L", "XL")
PRINT_METHODS = ("DirectToGarment", "DirectToFilm", "Embroidery")
AREAS = ("Front", "Back", "Sleeve")
HEX = "0123456789abcdef"

countries = st.sampled_from(COUNTRIES)
currencies = st.sampled_from(CURRENCIES)
languages = st.sampled_from(LANGUAGES)
object_ids = st.text(HEX, min_size=24, max_size=24)
uuids = st.uuids().map(str)
quantities = st.integers(min_value=1, max_value=5)
skus = st.builds(
    lambda product, color, size, n: f"{product}-{color}-{size}-{n:03d}",
    st.sampled_from(PRODUCTS), st.sampled_from(COLORS), st.sampled_from(SIZES),
    st.integers(0, 999),
)  # fmt: skip
# Money in cents, so amounts are exact in decimal and never 1e-300.
amounts = st.integers(min_value=50, max_value=50_000).map(lambda cents: float(Decimal(cents) / 100))
shipping_amounts = st.integers(min_value=0, max_value=2_500).map(lambda c: float(Decimal(c) / 100))
safe_id_chars = string.ascii_letters + string.digits + "_-"


def money(currency: str = "USD", amount=amounts):
    return st.builds(lambda value: {"currency": currency, "amount": value}, amount)


def emails():
    return st.builds(
        lambda name, n: f"{name}.{n}@example.com",
        st.sampled_from(("ada", "grace", "alan", "maria", "noah")),
        st.integers(1, 9999),
    )


def addresses():
    return st.fixed_dictionaries(
        {
            "firstName": st.sampled_from(FIRST_NAMES),
            "lastName": st.sampled_from(LAST_NAMES),
            "line1": st.builds(
                lambda n, s: f"{n} {s}", st.integers(1, 9999), st.sampled_from(STREETS)
            ),
            "city": st.sampled_from(CITIES),
            "zip": st.from_regex(r"\A[0-9]{5}\Z"),
            "countryCode": countries,
        },
        optional={
            "line2": st.one_of(st.none(), st.sampled_from(("Apt 4B", "Suite 200", "Floor 3"))),
            "state": st.sampled_from(("CA", "ON", "TX", "Lisboa", "Bayern")),
            "phone": st.from_regex(r"\A\+1[0-9]{10}\Z"),
            "email": emails(),
        },
    )


def images():
    return st.fixed_dictionaries(
        {"url": st.builds(lambda n: f"https://cdn.example.com/art/{n}.png", st.integers(1, 10**6))},
        optional={"area": st.sampled_from(AREAS), "printMethod": st.sampled_from(PRINT_METHODS)},
    )


def order_items(currency: str = "USD"):
    return st.fixed_dictionaries(
        {"sku": skus, "quantity": quantities, "customerPrice": money(currency)},
        optional={
            "customerShippingPrice": money(currency, shipping_amounts),
            "images": st.lists(images(), max_size=2),
            "options": st.just([{"name": "Size", "value": "Medium"}]),
        },
    )


def safe_ids(run_id: str):
    """Unique and recognisable: the run id prefix lets cleanup find what a run created."""
    return st.text(safe_id_chars, min_size=6, max_size=12).map(lambda tail: f"{run_id}-{tail}")


def create_order_payloads(merchant_id: str, run_id: str, currency: str = "USD"):
    return st.fixed_dictionaries(
        {
            "merchantId": st.just(merchant_id),
            "externalId": st.integers(1, 10**9).map(lambda n: f"{run_id}-{n}"),
            "safeId": safe_ids(run_id),
            "currencyCode": st.just(currency),
            "shippingAddress": addresses(),
            "items": st.lists(order_items(currency), min_size=1, max_size=3),
        },
        optional={
            "billingAddress": addresses(),
            "languageCode": languages,
            "customerShippingMethod": st.sampled_from(("Standard", "Expedited")),
            "meta": st.just({"giftWrap": "false"}),
            "isTest": st.just(True),
        },
    )


def bulk(payloads, max_size: int = 3):
    """The API's bulk envelope around any payload strategy."""
    return st.lists(payloads, min_size=1, max_size=max_size).map(lambda items: {"bulk": items})
