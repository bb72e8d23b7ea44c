"""Realistic OrderMesh values: the vocabularies and the format strategies built on them.

Generic generators make strings that pass a schema and fail every business check: country "QQ",
SKU "\x00". These strategies draw what a real merchant sends, so positive cases get past business
validation and reach deep states. `formats.py` registers them for the spec's custom formats and
`samples.py` draws the factory's payloads from the same vocabularies.
"""

from __future__ import annotations

import string

from hypothesis import strategies as st

COUNTRIES = (
    "US",
    "CA",
    "MX",
    "GB",
    "IE",
    "FR",
    "DE",
    "ES",
    "PT",
    "IT",
    "NL",
    "BE",
    "SE",
    "NO",
    "DK",
    "FI",
    "PL",
    "AT",
    "CH",
    "AU",
    "NZ",
    "JP",
    "BR",
)
CURRENCIES = ("USD", "CAD", "EUR", "GBP", "AUD", "MXN", "JPY", "SEK", "CHF", "NZD", "BRL")
LANGUAGES = ("en", "es", "pt", "fr", "de", "EN")  # 'EN' as in the docs' curl sample
FIRST_NAMES = ("Ada", "Grace", "Alan", "Mar\u00eda", "Jos\u00e9", "Zo\u00eb", "Li", "Noah", "Emma")
LAST_NAMES = ("Lovelace", "Hopper", "Turing", "Garc\u00eda", "O'Brien", "M\u00fcller", "Nakamura")
CITIES = ("Los Angeles", "Toronto", "Lisbon", "M\u00fcnchen", "Dublin", "Austin", "Qu\u00e9bec")
STREETS = ("Main St", "Oak Avenue", "Rua Augusta", "Hauptstra\u00dfe", "King St W", "Elm Rd")
PRODUCTS = ("TEE", "HOODIE", "MUG", "POSTER", "CAP", "TOTE")
COLORS = ("BLK", "WHT", "NVY", "RED", "GRN")
SIZES = ("XS", "S", "M", "L", "XL")
HEX = "0123456789abcdef"
SAFE_ID_CHARS = string.ascii_letters + string.digits + "_-"

countries = st.sampled_from(COUNTRIES)
currencies = st.sampled_from(CURRENCIES)
languages = st.sampled_from(LANGUAGES)
object_ids = st.text(HEX, min_size=24, max_size=24)
skus = st.builds(
    lambda product, color, size, n: f"{product}-{color}-{size}-{n:03d}",
    st.sampled_from(PRODUCTS),
    st.sampled_from(COLORS),
    st.sampled_from(SIZES),
    st.integers(0, 999),
)


def safe_ids(run_id: str) -> st.SearchStrategy[str]:
    """Unique and recognisable: the run id prefix lets cleanup find what a run created."""
    return st.text(SAFE_ID_CHARS, min_size=6, max_size=12).map(lambda tail: f"{run_id}-{tail}")
