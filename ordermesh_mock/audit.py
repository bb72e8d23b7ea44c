"""The audit rule: which resources get an event for a call, and what the event says.

* every successful, non-noop mutating call appends ONE event to its primary resource (named by
  the operation's `x-audit`), even when nothing changed (`changes: []`);
* plus ONE event on every other resource whose stored fields changed in that call;
* plus, for every Shipment event, ONE event on that shipment's message log (ShipmentMessage).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ordermesh_mock.records import dumps

# timestamps that move on every write; they are not "changes"
IGNORED_FIELDS = frozenset({"updatedAt", "lastModifiedDate"})


@dataclass(frozen=True)
class Actor:
    client_id: str | None
    user_id: str | None


def diff(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Top-level field changes, old -> new (creation: old null; deletion: new null)."""
    if not old or not new:  # creation or deletion: every set field changed (the hot case)
        side = new or old or {}
        return [
            {"field": key, "oldValue": None if new else value, "newValue": value if new else None}
            for key, value in side.items()
            if value is not None and key not in IGNORED_FIELDS and not key.startswith("_")
        ]
    changes = []
    for key in list(old.keys()) + [k for k in new if k not in old]:
        if key in IGNORED_FIELDS or key.startswith("_"):
            continue
        before, after = old.get(key), new.get(key)
        if before != after:
            changes.append({"field": key, "oldValue": before, "newValue": after})
    return changes


def make_event(
    *,
    version: int,
    action: str,
    actor: Actor,
    request_id: str,
    resource: dict[str, Any] | None,
    resource_type: str,
    resource_id: str,
    created_at: str,
    changes: list[dict[str, Any]],
) -> dict[str, Any]:
    public = {k: v for k, v in (resource or {}).items() if not k.startswith("_")}
    return {
        "id": os.urandom(16).hex(),  # 32 hex digits, as uuid4().hex, at a quarter of the cost
        "version": version,
        "action": action,
        "clientId": actor.client_id,
        "userId": actor.user_id,
        "requestId": request_id,
        "resource": dumps(public).decode(),
        "resourceType": resource_type,
        "resourceId": resource_id,
        "createdAt": created_at,
        "changes": changes,
    }
