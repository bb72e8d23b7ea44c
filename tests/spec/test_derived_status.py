"""The order's derived status (lifecycle.yaml `entities.order.derived`), used by mock and model."""

from __future__ import annotations

import pytest

from spec import Lifecycle


@pytest.mark.parametrize(
    ("items", "held", "expected"),
    [
        (["Open", "Open"], False, "Open"),
        (["Cancelled", "Cancelled"], False, "Cancelled"),
        (["Cancelled", "Cancelled"], True, "Cancelled"),  # nothing left to hold
        (["Open", "Processing"], True, "CustomerCareHold"),
        (["Fulfilled", "Cancelled"], False, "Fulfilled"),
        (["Fulfilled", "Open"], False, "Processing"),
        (["Processing", "Cancelled"], False, "Processing"),
        ([], False, "Open"),
    ],
)
def test_derived_order_status(items, held, expected):
    assert Lifecycle.derive_order_status(items, held) == expected


def test_the_table_still_states_the_rule_it_implements(lifecycle):
    assert "Unless on hold" in lifecycle.entities["order"]["derived"]
