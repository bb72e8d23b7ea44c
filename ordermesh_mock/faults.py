"""The seeded fault catalogue: realistic backend defects, each switched on by name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Fault:
    name: str
    category: str
    description: str


CATALOGUE: tuple[Fault, ...] = (
    Fault("order-missing-status", "response-schema", "GET order (by id and safeId) omits `status`"),
    Fault(
        "shipment-status-as-string",
        "response-schema",
        "shipments serialize shipmentStatus as a string",
    ),
    Fault("create-order-200", "status-code", "createOrder answers 200 instead of 201"),
    Fault(
        "hold-conflict-422",
        "status-code",
        "a refused holdOrder answers 422 (undocumented) instead of 409",
    ),
    Fault(
        "bad-location-header",
        "status-code",
        "createOrder's Location points to /v1/order/{id} (404)",
    ),
    Fault(
        "accepts-invalid-quantity",
        "validation",
        "createOrder accepts items[].quantity < 1 (ignored minimum)",
    ),
    Fault(
        "ignores-max-length",
        "validation",
        "createOrder accepts externalId longer than 64 (ignored max)",
    ),
    Fault(
        "ignores-enum",
        "validation",
        "searchOrders accepts any `status` value (ignored enum), returns 200",
    ),
    Fault(
        "ignores-required",
        "validation",
        "createNote accepts a body without `text` (ignored required)",
    ),
    Fault(
        "search-ignores-auth",
        "auth",
        "searchOrders answers 200 without a token (merchant A's data)",
    ),
    Fault("cross-merchant-read", "auth", "getOrderById returns another merchant's order"),
    Fault(
        "cancel-not-persisted",
        "state",
        "cancelOrder answers 200 and audits, but item statuses are not saved",
    ),
    Fault(
        "delete-does-not-delete",
        "state",
        "deleteNote answers 204 but the note stays readable",
    ),
    Fault(
        "put-not-idempotent",
        "state",
        "updateNote appends the text instead of replacing it",
    ),
    Fault("partial-put", "state", "updateNote stores only the first 20 characters of the text"),
    Fault("audit-missing-on-update", "audit", "updateOrder writes no audit event"),
    Fault(
        "audit-wrong-values",
        "audit",
        "cancelOrder's item events record newValue = oldValue",
    ),
    Fault(
        "audit-wrong-actor",
        "audit",
        'every audit event records clientId "system" instead of the caller',
    ),
    Fault("audit-missing-bulk", "audit", "createOrdersBulk audits only the first order"),
    Fault(
        "refund-over-balance",
        "business-rule",
        "refunds beyond the remaining balance are accepted",
    ),
    Fault(
        "refund-wrong-item",
        "business-rule",
        "a refund lowers the balance of the order's first item, not the named one",
    ),
    Fault("cancelled-item-shippable", "business-rule", "createShipment accepts Cancelled items"),
    Fault(
        "partial-cancel-cancels-order",
        "business-rule",
        "cancelling some items cancels every item",
    ),
    Fault(
        "hold-does-not-block-shipping",
        "business-rule",
        "createShipment is allowed on a held order",
    ),
    Fault(
        "pagination-repeats",
        "list",
        "listOrders pages overlap by one record (offset off by one)",
    ),
    Fault(
        "search-filter-ignored",
        "list",
        "searchOrders ignores the `status` filter (valid values)",
    ),
    Fault("unicode-note-500", "server-error", "createNote with non-ASCII text answers 500"),
    Fault(
        "sort-ignored",
        "list",
        "listOrders accepts sortBy/sortDirection but answers in insertion order",
    ),
    Fault(
        "list-leaks-other-merchant",
        "auth",
        "listOrders puts another merchant's newest order first on page 1",
    ),
    Fault(
        "update-answers-stale",
        "state",
        "updateOrder saves the change but answers the order as it was before",
    ),
    Fault(
        "local-time-as-utc",
        "state",
        "an order's updatedAt is stored in local time (UTC-5) labelled Z",
    ),
)

BY_NAME: dict[str, Fault] = {f.name: f for f in CATALOGUE}


class Faults:
    """The set of active faults of one mock instance."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        names = tuple(names)
        unknown = [n for n in names if n not in BY_NAME]
        if unknown:
            raise ValueError(
                f"unknown fault(s): {', '.join(unknown)}; valid names: {', '.join(BY_NAME)}"
            )
        self._active = frozenset(names)

    def active(self, name: str) -> bool:
        if name not in BY_NAME:  # a typo in a handler must not silently disable a fault
            raise KeyError(name)
        return name in self._active

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted(self._active))

    def describe(self) -> list[dict[str, str]]:
        return [BY_NAME[n].__dict__.copy() for n in self.names]
