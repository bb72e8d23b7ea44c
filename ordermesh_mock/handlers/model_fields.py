"""Which order and item fields a create copies and a read shows, read from the spec's models.

The spec is the one source of truth: a field added to CreateOrderModel and GetOrderModel is
stored and returned without touching the handlers.
"""

from __future__ import annotations

from typing import Any

from ordermesh_mock.handlers.fulfilment import GEOCODED
from spec import load_spec
from spec.loader import branches

# Create fields the handler converts instead of copying (money per method; items to records).
CONVERTED = frozenset({"customerPaymentMethods", "items"})


def _accepts_null(schema: dict[str, Any]) -> bool:
    return any(option.get("type") == "null" for option in schema.get("anyOf", ()))


def _fields(create_model: str, read_model: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    spec = load_spec()
    create = spec.component_schema(create_model)["properties"]
    read = spec.component_schema(read_model)
    shown = read["properties"]
    copied = tuple(k for k in create if k in shown and k not in CONVERTED)
    # Optional, nullable in the read model: a read shows null when the create left it out.
    null_when_absent = tuple(
        k for k in copied if k not in read.get("required", ()) and _accepts_null(shown[k])
    )
    return copied, null_when_absent


ORDER_FIELDS, ORDER_OPTIONAL = _fields("CreateOrderModel", "GetOrderModel")
ITEM_FIELDS, _ = _fields("CreateOrderItemModel", "GetOrderItemModel")


def _carrying(read_model: str, name: str) -> tuple[str, ...]:
    """The read model's fields whose object declares the property `name`."""
    shown = load_spec().component_schema(read_model)["properties"]
    return tuple(
        field
        for field, schema in shown.items()
        if any(name in (node.get("properties") or {}) for node in branches(schema))
    )


ORDER_ADDRESSES = _carrying("GetOrderModel", GEOCODED)  # the addresses a read shows geocoded
