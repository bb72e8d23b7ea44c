"""The provocations suite: each documented answer the spec says how to provoke, asked for.

- On the embedded mock every planned answer comes, and the coverage map shows each covered.
- A target that answers an oversized body with its own 400 (a gateway's refusal, as a real
  staging may) fails the 413 provocations at their operations, as a contradicted inference, and
  the map says what was tried and what came.
- Without a client granted no permission, the 403s are not sent, and the map says why.
"""

from __future__ import annotations

import json

from e2e_targets import run_conformance, smoke_run_through_proxy, summary_of
from starlette.responses import Response

from conformance.failures.categories import CONTRADICTED
from conformance.machinery.provocations import planned
from spec import load_spec

PROVOKED = ["--suite", "provocations", "--seed", "3"]


def elements(summary: dict, dimension: str) -> dict[str, dict]:
    return {e["id"]: e for e in summary["coverage"]["elements"] if e["dimension"] == dimension}


def test_on_the_mock_every_provoked_answer_comes(tmp_path):
    result = run_conformance("--profile", "smoke", *PROVOKED, reports=tmp_path)
    summary = summary_of(tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert summary["failures"] == []
    covered = {e["id"] for e in summary["coverage"]["elements"] if e["status"] == "covered"}
    plan = planned(load_spec())
    assert {p.cause for p in plan} >= {"unknown-id", "no-permission", "oversized-body", "accept"}
    assert [p.id for p in plan if p.aims_at not in covered] == []


async def oversized_is_a_gateway_400(request, body, forward) -> Response:
    """A gateway in front of the API that refuses a large body itself, in its own words."""
    if len(body) > load_spec().max_body_bytes:
        data = {"statusCode": 400, "message": "request entity rejected by the gateway"}
        return Response(json.dumps(data), 400, media_type="application/json")
    return await forward()


def test_a_target_that_refuses_a_large_body_otherwise_is_named_at_each_operation(tmp_path):
    result = smoke_run_through_proxy(oversized_is_a_gateway_400, *PROVOKED, reports=tmp_path)
    summary = summary_of(tmp_path)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    spec = load_spec()
    expected = {p.operation_id for p in planned(spec) if p.cause == "oversized-body"}
    named = {f["operation"] for f in summary["failures"] if f["check"] == "documented_answer_given"}
    assert named == expected
    assert {f["category"] for f in summary["failures"]} <= {CONTRADICTED, "validation"}
    assert all("--suite provocations --include" in f["replay"] for f in summary["failures"])
    create = elements(summary, "status-codes")["status:createOrder:413"]
    assert create["status"] == "uncovered"
    assert any("answered 400" in what for what in create["tried"]), create


async def unchanged(request, body, forward) -> Response:
    return await forward()


def test_without_a_restricted_client_the_403s_are_not_sent_and_the_map_says_why(tmp_path):
    result = smoke_run_through_proxy(unchanged, *PROVOKED, reports=tmp_path)
    summary = summary_of(tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    hold = elements(summary, "status-codes")["status:holdOrder:403"]
    assert hold["status"] == "uncovered"
    (reason,) = hold["tried"]
    assert "not sent" in reason and "ORDERMESH_RESTRICTED_CLIENT_ID" in reason
