"""Tenant isolation: another merchant can neither read nor change what this one owns.

Merchant B reads what a case read or created. A resource read by many cases (the shared order
every read operation is prepared with) is read by B once per operation and path in a run: B's
answer for it does not change from case to case, and on staging each read is a round trip.
Anything a case creates is read by B every time.
"""

from __future__ import annotations

from http import HTTPStatus

from conformance.coverage.model import key
from conformance.failures.hierarchy import TenantFailure
from conformance.machinery.contract import is_success
from conformance.machinery.harness import Harness
from conformance.machinery.resources import response_header
from conformance.transport.operations import operation_of
from spec import load_lifecycle

# What another merchant's token may get: refused, or told the resource does not exist
# (lifecycle.yaml's merchant-scope rule).
ISOLATED = (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
CHECK = "tenant_isolation"


def make_tenant_check(harness: Harness):
    def tenant_isolation(ctx, response, case) -> None:
        if harness.tenant_client is None or not is_success(response.status_code):
            return
        method = case.operation.method.upper()
        if method == "GET" and case.path_parameters:
            path = case.formatted_path
            if not harness.first_time("tenant read", case.operation.label, path):
                return
        elif method == "POST" and response_header(response, "Location"):
            path = response_header(response, "Location")
        else:
            return
        other = harness.tenant_client.get(path, params=case.query or None)
        note_probe(harness, case, other.status_code)
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

    return tenant_isolation


def note_probe(harness: Harness, case, status: int) -> None:
    """For the coverage map: the operation probed, and the merchant-scope rules (lifecycle.yaml
    `rules` that hold for every operation) met on their fail side when B was kept out."""
    if harness.coverage is None:
        return
    harness.coverage.note(key("tenant", operation_of(case)))
    if status in ISOLATED:
        for rule in load_lifecycle().rules.values():
            if rule.operation == "*":
                harness.coverage.note(key("rule", rule.rule), "fail")
