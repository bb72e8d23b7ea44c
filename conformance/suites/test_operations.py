"""One property test per operation: examples, coverage and fuzzing, positive and negative.

Every case runs Schemathesis' checks plus ours (audit log, read-after-write, tenant isolation,
paging and filters). Positive cases are prepared with real resources first, so they reach the
business logic instead of bouncing off a 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.suites.runner import run_case
from conformance.suites.schema import suite_schema
from conformance.suites.session import SuiteSession

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

schema = suite_schema()
_sampled: set[str] = set()


@schema.parametrize()
def test_operation(case: OpenApiCase, suite: SuiteSession) -> None:
    label = case.operation.label
    run_case(suite, case, sample=label not in _sampled)
    _sampled.add(label)
