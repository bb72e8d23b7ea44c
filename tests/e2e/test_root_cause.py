"""A broken answer the suite needs is one contract failure, and what needed it is blocked.

A proxy in front of the clean mock drops the `order` envelope from GET order by id. The run must
report a `response_schema_conformance` failure at getOrderById, "blocked by getOrderById" for the
operations whose setup reads an order, and no suite error.
"""

from __future__ import annotations

import json
import re

import pytest
from e2e_targets import smoke_run_through_proxy, summary_of
from starlette.responses import Response

ORDER_BY_ID = re.compile(r"^/v1/orders/[0-9a-f]{24}$")


async def strip_envelope(request, body, forward) -> Response:
    answer = await forward()
    if request.method != "GET" or not ORDER_BY_ID.match(request.url.path):
        return answer
    if answer.status_code != 200:
        return answer
    data = json.loads(answer.body)
    headers = {"content-type": "application/json"}
    return Response(json.dumps(data.get("order", data)), status_code=200, headers=headers)


INCLUDED = ["getOrderById", "getOrderItemById", "holdOrder", "createShipment"]


@pytest.mark.slow
def test_a_missing_envelope_is_one_failure_and_blocks_what_needed_it(tmp_path):
    selection = [arg for op in INCLUDED for arg in ("--include", op)]
    result = smoke_run_through_proxy(strip_envelope, *selection, reports=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    summary = summary_of(tmp_path)
    failures = summary["failures"]
    assert not [f for f in failures if f["check"] in ("suite_error", "setup")], failures
    roots = {(f["operation"], f["check"]) for f in failures}
    assert ("getOrderById", "response_schema_conformance") in roots, failures
    blocked = {op: e["blocked_by"] for op, e in summary["operations"].items() if "blocked_by" in e}
    assert set(blocked) >= {"getOrderItemById", "holdOrder", "createShipment"}, blocked
    for lines in blocked.values():
        assert all(line.startswith("blocked by getOrderById: ") for line in lines), blocked
    assert "[blocked] holdOrder: blocked by getOrderById" in output
