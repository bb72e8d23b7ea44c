"""The audit-event rule, written once: the property checks and the lifecycle scenarios both judge
each new event by it, so the two can never disagree on what a correct event is.

A write appends one event per resource it touches: its `action` is the operationId, its
`version` follows the previous event's, its actor is the caller, and each change changes
something.
"""

from __future__ import annotations

from typing import Any


def event_problems(
    event: dict[str, Any], action: str, version: int | None, identity: str | None
) -> list[tuple[str, str]]:
    """(title, what is wrong) for each way `event` breaks the rule; empty when it keeps it.
    `identity` None: the caller is unknown and the actor is not judged."""
    problems = []
    if event.get("action") != action:
        problems.append(
            ("Wrong audit action", f"action {event.get('action')!r}, expected {action!r}")
        )
    if event.get("version") != version:
        problems.append(
            ("Audit versions not contiguous", f"version {event.get('version')}, expected {version}")
        )
    actors = {actor for actor in (event.get("clientId"), event.get("userId")) if actor is not None}
    if identity is not None and identity not in actors:
        problems.append(
            ("Wrong audit actor", f"event names {sorted(actors)}, the caller was {identity!r}")
        )
    for change in event.get("changes") or []:
        if change.get("oldValue") == change.get("newValue"):
            field, value = change.get("field"), change.get("newValue")
            problems.append(
                ("Audit change without a change", f"field {field!r} old == new == {value!r}")
            )
    return problems
