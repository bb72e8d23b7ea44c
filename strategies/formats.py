"""Register the domain strategies with Schemathesis for the spec's custom string formats.

The spec marks semantic strings with formats (`iso3166-alpha2`, `iso4217`, `iso639-1`, `sku`,
`objectid`, `safe-id`). Schemathesis then draws realistic values for every schema that uses them,
in every operation, with no per-operation code.
"""

from __future__ import annotations

import schemathesis

from strategies import domain

FORMATS = {
    "iso3166-alpha2": domain.countries,
    "iso4217": domain.currencies,
    "iso639-1": domain.languages,
    "sku": domain.skus,
    "objectid": domain.object_ids,
    "safe-id": domain.safe_ids("omct"),
}


def register_formats() -> None:
    for name, strategy in FORMATS.items():
        schemathesis.openapi.format(name, strategy)
