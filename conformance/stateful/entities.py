"""What the model knows about each resource, and what it expects of one call."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from conformance.errors import OrderMeshError
from spec.lifecycle import BusinessRule, Refusal

ORDER, ITEM, SHIPMENT = "order", "orderItem", "shipment"  # entity names in lifecycle.yaml
Rule = Refusal | BusinessRule


class TableGap(OrderMeshError, AssertionError):
    """The model predicts a status move that lifecycle.yaml does not list."""


@dataclass
class Expected:
    """What the target must answer to one call, and what it must have written."""

    operation: str
    refusals: tuple[Rule, ...] = ()  # non-empty: refused with one of these, nothing written
    noop: bool = False  # allowed, but changes nothing and writes no audit event
    transitions: list[str] = field(default_factory=list)
    # (resource type, handle) -> new events
    audit: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def refused(self) -> bool:
        return bool(self.refusals)


@dataclass
class Item:
    handle: str
    order: str
    quantity: int
    price: float
    shipping: float
    status: str = "Open"
    cancelled: int = 0
    shipment: str | None = None
    price_balance: float = 0.0
    shipping_balance: float = 0.0
    id: str = ""

    @property
    def remaining(self) -> int:
        return self.quantity - self.cancelled


@dataclass
class Order:
    handle: str
    external_id: str
    items: list[str]
    status: str = "Open"
    held: bool = False
    shipments: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    id: str = ""
    safe_id: str = ""


@dataclass
class Shipment:
    handle: str
    order: str
    items: list[str]
    status: str = "Created"
    facility: str | None = None
    packages: list[str] = field(default_factory=list)
    deleted: bool = False
    id: str = ""


@dataclass
class Package:
    handle: str
    shipment: str
    items: list[str]
    shipped: bool = False
    tracking: str | None = None
    deleted: bool = False
    id: str = ""


@dataclass
class Note:
    handle: str
    order: str
    text: str
    deleted: bool = False
    id: str = ""


def money(value: float) -> float:
    """Balances the way the API keeps them: rounded to 6 places, never below 0."""
    return max(0.0, round(value, 6))
