"""`Operation.url(ids)` is the one place a path template is filled with ids."""

from __future__ import annotations

import pytest

from spec import load_spec

SPEC = load_spec()


def test_each_placeholder_is_filled_by_name() -> None:
    operation = SPEC.operation("updatePackage")
    assert operation.placeholders == ("shipmentId", "packageId")
    url = operation.url({"packageId": "p-1", "shipmentId": "s-1"})
    assert url == "/v1/shipments/s-1/packages/p-1"


def test_a_value_is_percent_encoded_as_one_segment() -> None:
    url = SPEC.operation("getOrderById").url({"orderId": "a/b c\n%"})
    assert url.endswith("/a%2Fb%20c%0A%25")
    assert url.count("/") == SPEC.operation("getOrderById").path.count("/")


def test_a_missing_id_is_named() -> None:
    with pytest.raises(ValueError, match="packageId"):
        SPEC.operation("updatePackage").url({"shipmentId": "s-1"})


def test_an_operation_without_placeholders_is_its_path() -> None:
    operation = next(op for op in SPEC if not op.placeholders)
    assert operation.url({}) == operation.path
