"""Register the domain strategies with Schemathesis for the spec's custom string formats.

The spec marks semantic strings with formats (`iso3166-alpha2`, `iso4217`, `iso639-1`, `sku`,
`objectid`, `safe-id`). Schemathesis then draws realistic values for every schema that uses them,
in every operation, with no per-operation code.

A realistic value has a realistic length (a SKU is about 13 characters), but the coverage phase
asks a format for the lengths its schema declares at the edges: `sku` with 1, 2, 99, 100 and 101
characters. Schemathesis can only filter a custom format for length, so a strategy that never
reaches those lengths costs a long fruitless search per edge and those cases are never sent.
Each registered strategy therefore also draws realistic values stretched or cut to the edges
of every length window the spec declares for its format.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

from strategies import domain

FORMATS = {
    "iso3166-alpha2": domain.countries,
    "iso4217": domain.currencies,
    "iso639-1": domain.languages,
    "sku": domain.skus,
    "objectid": domain.object_ids,
    "safe-id": domain.safe_ids("omct"),
}


def schema_with_formats(document: dict[str, Any], config: SchemathesisConfig) -> OpenApiSchema:
    """The Schemathesis schema of an OpenAPI document, with the formats registered for it.

    Built from the document the spec loader already parsed (its C YAML parser is faster than
    Schemathesis' `from_path`), copied, since Schemathesis may rewrite what it is given.
    """
    register_formats(document)
    return schemathesis.openapi.from_dict(copy.deepcopy(document), config=config)


def register_formats(document: dict[str, Any]) -> None:
    """Register every format, with the length edges `document` (an OpenAPI dict) declares."""
    for name, strategy in FORMATS.items():
        edges = edge_lengths(length_windows(document, name))
        schemathesis.openapi.format(name, with_edge_lengths(strategy, edges))


def length_windows(node: Any, name: str) -> set[tuple[int, int | None]]:
    """(minLength, maxLength) of every schema in `node` with `format: name`."""
    return {
        (schema.get("minLength", 0), schema.get("maxLength"))
        for schema in _schemas(node)
        if schema.get("format") == name and ("minLength" in schema or "maxLength" in schema)
    }


def edge_lengths(windows: set[tuple[int, int | None]]) -> list[int]:
    """Each window's bounds, one inside and one outside each (the values coverage asks for)."""
    edges: set[int] = set()
    for low, high in windows:
        edges.update((low - 1, low, low + 1))
        if high is not None:
            edges.update((high - 1, high, high + 1))
    return sorted(edge for edge in edges if edge >= 0)


def with_edge_lengths(strategy: st.SearchStrategy[str], edges: list[int]) -> st.SearchStrategy[str]:
    if not edges:
        return strategy
    return st.one_of(strategy, st.builds(fit, strategy, st.sampled_from(edges)))


def fit(value: str, length: int) -> str:
    """`value` repeated or cut to `length`, so it keeps its own characters."""
    return (value * (length // max(len(value), 1) + 1))[:length]


def _schemas(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for child in node.values():
            yield from _schemas(child)
    elif isinstance(node, list):
        for child in node:
            yield from _schemas(child)
