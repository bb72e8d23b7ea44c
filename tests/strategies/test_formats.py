"""The registered format strategies reach the length edges the spec declares for their format."""

from __future__ import annotations

import pytest
from hypothesis import find, settings
from hypothesis.errors import NoSuchExample

from spec import load_spec
from strategies.formats import FORMATS, edge_lengths, fit, length_windows, with_edge_lengths


@pytest.fixture(scope="module")
def document():
    return load_spec().document


def test_the_sku_edges_come_from_the_spec(document):
    sku = document["components"]["schemas"]["CreateOrderItemModel"]["properties"]["sku"]
    low, high = sku["minLength"], sku["maxLength"]
    assert length_windows(document, "sku") == {(low, high)}
    assert edge_lengths({(low, high)}) == [low - 1, low, low + 1, high - 1, high, high + 1]


def test_a_format_without_declared_lengths_keeps_its_strategy(document):
    assert length_windows(document, "objectid") == set()
    assert with_edge_lengths(FORMATS["objectid"], []) is FORMATS["objectid"]


@pytest.mark.parametrize("length", [1, 2, 99, 100, 101])
def test_every_sku_edge_is_found_quickly(document, length):
    # What Schemathesis' coverage phase does with a custom format: filter it for one length.
    strategy = with_edge_lengths(FORMATS["sku"], edge_lengths(length_windows(document, "sku")))
    value = find(strategy, lambda s: len(s) == length, settings=settings(max_examples=200))
    assert len(value) == length


def test_the_realistic_strategy_alone_never_reaches_an_edge():
    """Why the edges are added: a real SKU is never 100 characters long."""
    with pytest.raises(NoSuchExample):
        find(FORMATS["sku"], lambda s: len(s) == 100, settings=settings(max_examples=200))


def test_a_fitted_value_keeps_its_own_characters():
    assert fit("TEE-BLK-M-001", 30) == "TEE-BLK-M-001TEE-BLK-M-001TEE-"
    assert fit("TEE-BLK-M-001", 2) == "TE"
    assert fit("TEE", 0) == ""
