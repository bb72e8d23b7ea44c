"""The one audit-event rule: what the property checks and the lifecycle scenarios both apply."""

from __future__ import annotations

from conformance.checks.audit_rule import event_problems

GOOD = {
    "action": "updateNote",
    "version": 3,
    "clientId": "om-client-a",
    "changes": [{"field": "text", "oldValue": "a", "newValue": "b"}],
}


def titles(event: dict, identity: str | None = "om-client-a") -> list[str]:
    return [title for title, _ in event_problems(event, "updateNote", 3, identity)]


def test_an_event_that_keeps_the_rule_has_no_problems() -> None:
    assert event_problems(GOOD, "updateNote", 3, "om-client-a") == []


def test_each_broken_part_is_named() -> None:
    assert titles({**GOOD, "action": "createNote"}) == ["Wrong audit action"]
    assert titles({**GOOD, "version": 5}) == ["Audit versions not contiguous"]
    assert titles({**GOOD, "clientId": "someone-else"}) == ["Wrong audit actor"]
    same = [{"field": "text", "oldValue": "b", "newValue": "b"}]
    assert titles({**GOOD, "changes": same}) == ["Audit change without a change"]


def test_an_unknown_caller_leaves_the_actor_unjudged() -> None:
    assert titles({**GOOD, "clientId": "someone-else"}, identity=None) == []
