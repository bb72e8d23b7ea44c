"""First contact with a staging API: a usable answer that breaks the spec does not stop the run.

- A correct target that adds undocumented properties (the spec allows them) passes.
- A wrong but usable answer on a central operation is one failure at that operation, and the
  run still tests nearly every operation: nothing is blocked by it.
- Several faults at once are each named.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from e2e_targets import run_conformance, smoke_run_through_proxy, summary_of
from starlette.responses import Response

MOST_OPERATIONS = 47  # of 49: the bar for a run that meets one wrong answer


def with_extra(value: Any) -> Any:
    """Every object with one more property (`region` beside `order` in an envelope). A string:
    the spec's one map of extra properties (StringMap) allows strings only."""
    if isinstance(value, dict):
        return {**{k: with_extra(v) for k, v in value.items()}, "region": "eu-1"}
    if isinstance(value, list):
        return [with_extra(v) for v in value]
    return value


async def add_properties(request, body, forward) -> Response:
    answer = await forward()
    if "json" not in answer.headers.get("content-type", "") or not answer.body:
        return answer
    headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
    data = with_extra(json.loads(answer.body))
    return Response(json.dumps(data), status_code=answer.status_code, headers=headers)


@pytest.mark.long
def test_a_correct_target_with_undocumented_properties_passes(tmp_path):
    result = smoke_run_through_proxy(add_properties, "--seed", "5", reports=tmp_path)
    summary = summary_of(tmp_path)
    assert summary["failures"] == [], result.stdout[-3000:]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.mark.long
@pytest.mark.parametrize(
    ("fault", "operation", "check"),
    [
        ("create-order-200", "createOrder", "status_code_conformance"),
        ("order-missing-status", "getOrderById", "response_schema_conformance"),
        ("shipment-status-as-string", "createShipment", "response_schema_conformance"),
    ],
)
def test_a_usable_wrong_answer_is_one_failure_and_blocks_nothing(tmp_path, fault, operation, check):
    result = run_conformance(
        "--profile", "smoke", "--seed", "3", "--fault", fault, reports=tmp_path
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-3000:]
    summary = summary_of(tmp_path)
    named = [f for f in summary["failures"] if f["check"] == check]
    places = {p for f in named for p in [f["operation"], *f.get("seen_at", {})]}
    assert len(named) == 1 and operation in places, summary["failures"]
    assert summary["totals"]["operations_tested"] >= MOST_OPERATIONS
    assert summary["blocked"] == {}, summary["blocked"]
    assert not [f for f in summary["failures"] if f["category"] == "suite error"]


@pytest.mark.long
def test_four_faults_at_once_are_each_named(tmp_path):
    faults = {
        "order-missing-status": ("response_schema_conformance", "getOrderById"),
        "audit-wrong-actor": ("audit_log_side_effect", None),
        "refund-over-balance": ("lifecycle_status", "addRefund"),
        "cross-merchant-read": ("tenant_isolation", None),
    }
    flags = [arg for fault in faults for arg in ("--fault", fault)]
    result = run_conformance("--profile", "smoke", "--seed", "11", *flags, reports=tmp_path)
    assert result.returncode == 1, result.stdout[-3000:]
    failures = summary_of(tmp_path)["failures"]
    for fault, (check, operation) in faults.items():
        at = [f for f in failures if f["check"] == check]
        places = {p for f in at for p in [f["operation"], *f.get("seen_at", {})]}
        assert at and (operation is None or operation in places), (fault, failures)
