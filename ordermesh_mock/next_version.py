"""The mock's "next version" mode: a small, documented set of behaviour changes.

`MockConfig(next_version=True)` (or `ordermesh-conformance mock --next-version`) switches on every
change below at once. They stand in for a new OrderMesh release, so `ordermesh-conformance
compare` has something real to find. This tuple is the one list of them: the handlers ask
`changed()` by name, and the behavioural-diff tests expect exactly these differences.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VersionChange:
    name: str
    aspect: str  # what the behavioural diff sees: status | shape | enum | audit
    operations: tuple[str, ...]  # the only operations it affects
    description: str


CHANGES: tuple[VersionChange, ...] = (
    VersionChange(
        "order-priority-field",
        "shape",
        ("getOrderById", "getOrderBySafeId"),
        'order reads carry a new response field `order.priority` ("normal")',
    ),
    VersionChange(
        "delete-note-200",
        "status",
        ("deleteNote",),
        "deleteNote answers 200 instead of 204",
    ),
    VersionChange(
        "hold-audit-action",
        "audit",
        ("holdOrder",),
        "holdOrder's audit events record action `customerCareHold` instead of `holdOrder`",
    ),
    VersionChange(
        "order-status-canceled",
        "enum",
        ("getOrderById", "getOrderBySafeId"),
        "order reads spell the status of a cancelled order `Canceled` (a value not in OrderStatus)",
    ),
)

BY_NAME: dict[str, VersionChange] = {c.name: c for c in CHANGES}

HOLD_AUDIT_ACTION = "customerCareHold"


def changed(enabled: bool, name: str, operation_id: str) -> bool:
    """Whether change `name` applies to this call."""
    change = BY_NAME[name]  # a typo in a handler must fail loudly, not disable the change
    return enabled and operation_id in change.operations


def audit_action(enabled: bool, operation_id: str) -> str:
    """The `action` recorded in audit events: the operationId, unless a change renames it."""
    if changed(enabled, "hold-audit-action", operation_id):
        return HOLD_AUDIT_ACTION
    return operation_id


def describe() -> list[dict[str, object]]:
    return [
        {
            "name": c.name,
            "aspect": c.aspect,
            "operations": list(c.operations),
            "description": c.description,
        }
        for c in CHANGES
    ]
