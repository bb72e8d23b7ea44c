"""The audit rule: which resources get an event for a call, and what the event says.

* every successful, non-noop mutating call appends ONE event to its primary resource (named by
  the operation's `x-audit`), even when nothing changed (`changes: []`);
* plus ONE event on every other resource whose stored fields changed in that call;
* plus, for every Shipment event, ONE event on that shipment's message log (ShipmentMessage).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

# timestamps that move on every write; they are not "changes"
IGNORED_FIELDS = frozenset({"updatedAt", "lastModifiedDate"})


@dataclass(frozen=True)
class Actor:
    client_id: str | None
    user_id: str | None


def diff(old: dict | None, new: dict | None) -> list[dict[str, Any]]:
    """Top-level field changes, old -> new (creation: old null; deletion: new null)."""
    old = old or {}
    new = new or {}
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
    resource: dict | None,
    resource_type: str,
    resource_id: str,
    created_at: str,
    changes: list[dict[str, Any]],
) -> dict[str, Any]:
    public = {k: v for k, v in (resource or {}).items() if not k.startswith("_")}
    return {
        "id": uuid.uuid4().hex,
        "version": version,
        "action": action,
        "clientId": actor.client_id,
        "userId": actor.user_id,
        "requestId": request_id,
        "resource": json.dumps(public, separators=(",", ":"), default=str),
        "resourceType": resource_type,
        "resourceId": resource_id,
        "createdAt": created_at,
        "changes": changes,
    }


# ---------------------------------------------------------------------- x-audit expressions
def _walk(node: Any, parts: list[str]) -> list[Any]:
    if not parts:
        return [node]
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(node, list):
            return [v for item in node for v in _walk(item, rest)]
        return []
    if isinstance(node, dict) and head in node:
        return _walk(node[head], rest)
    if isinstance(node, list) and head.isdigit() and int(head) < len(node):
        return _walk(node[int(head)], rest)
    return []


def primary_ids(
    expression: str,
    path_params: dict[str, Any],
    body: Any,
    response: Any,
) -> list[str]:
    """Evaluate an `x-audit` id expression (runtime-expression style) to resource ids.

    Bulk envelopes: with `results` in the response, only successful entries count, so
    `$request.body#/bulk/*/x` keeps the inputs whose result succeeded.
    """
    if expression.startswith("$request.path."):
        value = path_params.get(expression.removeprefix("$request.path."))
        return [value] if isinstance(value, str) else []
    source, _, pointer = expression.partition("#")
    parts = [p for p in pointer.split("/") if p]
    root = body if source == "$request.body" else response
    if source not in ("$request.body", "$response.body"):
        raise ValueError(f"unsupported x-audit expression {expression!r}")
    results = response.get("results") if isinstance(response, dict) else None
    if isinstance(results, list) and "*" in parts:
        star = parts.index("*")
        container = _walk(root, parts[:star])
        items = container[0] if container and isinstance(container[0], list) else []
        ids = []
        for index, item in enumerate(items):
            ok = index < len(results) and results[index].get("success") is True
            if ok:
                ids.extend(v for v in _walk(item, parts[star + 1 :]) if isinstance(v, str))
        return ids
    return [v for v in _walk(root, parts) if isinstance(v, str)]
