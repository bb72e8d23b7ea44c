"""Tenant isolation: another merchant can neither read nor change what this one owns.

Merchant B reads what a case read or created. A resource read by many cases (the shared order
every read operation is prepared with) is read by B once per operation and path in a run: B's
answer for it does not change from case to case, and on staging each read is a round trip.
Anything a case creates is read by B every time.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

from schemathesis import Response

from conformance.checks.context import CheckContext, project_check
from conformance.coverage.model import key
from conformance.failures.hierarchy import TenantFailure
from conformance.machinery.contract import is_success
from conformance.machinery.resources import response_header
from conformance.transport.operations import operation_of
from spec import load_lifecycle

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

# What another merchant's token may get: refused, or told the resource does not exist
# (lifecycle.yaml's merchant-scope rule).
ISOLATED = (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
CHECK = "tenant_isolation"


@project_check
def tenant_isolation(ctx: CheckContext, response: Response, case: OpenApiCase) -> None:
    if ctx.tenant_client is None or not is_success(response.status_code):
        return
    method = case.operation.method.upper()
    location = response_header(response, "Location")
    if method == "GET" and case.path_parameters:
        path = case.formatted_path
        if not ctx.run.first_time("tenant read", case.operation.label, path):
            return
    elif method == "POST" and location:
        path = location
    else:
        return
    other = ctx.tenant_client.get(path, params=case.query or None)
    note_probe(ctx, case, other.status_code)
    if other.status_code not in ISOLATED:
        raise TenantFailure(
            operation=case.operation.label,
            title="Another merchant can read this resource",
            message=(
                f"GET {path} with merchant B's token answered {other.status_code}, "
                f"expected {' or '.join(str(int(s)) for s in ISOLATED)}"
            ),
            check=CHECK,
        )


def note_probe(ctx: CheckContext, case: OpenApiCase, status: int) -> None:
    """For the coverage map: the operation probed, and the merchant-scope rules (lifecycle.yaml
    `rules` that hold for every operation) met on their fail side when B was kept out."""
    coverage = ctx.run.coverage
    if coverage is None:
        return
    coverage.note(key("tenant", operation_of(case)))
    if status in ISOLATED:
        for rule in load_lifecycle().rules.values():
            if rule.operation == "*":
                coverage.note(key("rule", rule.rule), "fail")
