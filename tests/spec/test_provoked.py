"""`x-provoked-by`: every cause the spec names is one the toolkit knows, and an answer whose
causes cannot apply to its operation says why."""

from __future__ import annotations

from conformance.machinery.provocations import PROVOCATIONS, planned
from spec.provoked import CAUSES, provoked, unprovokable


def test_every_cause_the_spec_names_is_known_and_has_a_provocation(spec):
    named = {
        cause for op in spec.operations for entry in provoked(spec, op) for cause in entry.causes
    }
    assert named, "the spec names no cause"
    assert named <= set(CAUSES)  # a misspelt cause would never be provoked
    assert {name for name, cause in CAUSES.items() if cause.by_provocation} <= set(PROVOCATIONS)


def test_a_shared_response_component_names_its_cause_for_each_operation(spec):
    """`$ref`s are followed: every operation documenting the component has the cause."""
    users = [op for op in spec.operations if "413" in op.responses]
    assert users
    for op in users:
        assert [e.causes for e in provoked(spec, op) if e.status == "413"] == [("oversized-body",)]


def test_an_answer_no_cause_applies_to_says_why_and_is_not_planned(spec):
    token = next(op for op in spec.operations if not op.needs_auth and "403" in op.responses)
    (forbidden,) = [e for e in provoked(spec, token) if e.status == "403"]
    reason = unprovokable(forbidden)
    assert reason and token.operation_id in reason and "no-permission" in reason
    assert (token.operation_id, "403") not in {(p.operation_id, p.expect) for p in planned(spec)}
    guarded = next(op for op in spec.operations if op.needs_auth and "403" in op.responses)
    assert all(unprovokable(e) is None for e in provoked(spec, guarded))
