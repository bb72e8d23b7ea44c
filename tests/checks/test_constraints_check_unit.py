"""single_constraint_violation without a server: one broken rule in an accepted body is refused.

The check resends a body the API just accepted with one declared constraint broken at a time;
the stub answers those probes, refusing them or (a target that ignores the rule) accepting them.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from check_helpers import answer

from conformance.checks.constraints import make_single_violation_check
from conformance.failures.hierarchy import ConstraintFailure

COVERS = ("single_constraint_violation",)
NOTE, ORDER = "b" * 24, "a" * 24


@pytest.fixture
def check(harness):
    return make_single_violation_check(harness)


@pytest.fixture
def note_update(make_case):
    case = make_case("updateNote", path_parameters={"noteId": NOTE}, body={"text": "ok"})
    return case, answer(case, 200, {"note": {"id": NOTE, "text": "ok"}})


def probes(api) -> list:
    return [json.loads(r.content) for r in api.requests]


def test_each_broken_rule_refused_passes(check, api, note_update):
    case, response = note_update
    api.on("PUT", case.formatted_path, 400, {"message": "invalid"})
    assert check(None, response, case) is None
    assert probes(api) == [{}, {"text": "x" * 2001}]  # required, then maxLength


@pytest.mark.parametrize("status", [200, 500])
def test_a_broken_rule_not_refused_fails(check, api, note_update, status):
    case, response = note_update
    api.on("PUT", case.formatted_path, status, {"note": {"id": NOTE}})
    with pytest.raises(ConstraintFailure, match="text missing"):
        check(None, response, case)


def test_an_operation_is_probed_once_per_run(check, api, note_update):
    case, response = note_update
    api.on("PUT", case.formatted_path, 400, {"message": "invalid"})
    check(None, response, case)
    check(None, response, case)
    assert len(api.requests) == 2


def test_a_refused_case_is_not_probed(check, api, note_update):
    case, _ = note_update
    assert check(None, answer(case, 400, {"message": "no"}), case) is None
    assert api.requests == []


def test_a_create_is_prepared_afresh_for_every_probe(check, api, harness, make_case):
    """A create's probe must not fail on a duplicate safeId, only on the broken rule."""
    prepared = []
    harness.preparation = SimpleNamespace(prepare=prepared.append)
    body = {"resourceType": "Order", "resourceId": ORDER, "text": "t"}
    case = make_case("createNote", body=body)
    api.on("POST", case.formatted_path, 400, {"message": "invalid"})
    assert check(None, answer(case, 201, {"id": NOTE}), case) is None
    assert len(prepared) == len(api.requests) == 6
    assert all(probe is not case for probe in prepared)
