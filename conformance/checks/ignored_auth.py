"""Schemathesis' `ignored_auth`, probing each operation once per run as `st run` does.

`st run` hands the check a run-wide set of operations whose auth it has already seen enforced
(`CheckContext.auth_enforced_operations`), so it sends its two probes (no token, a wrong token)
once per operation. `case.validate_response` builds a context without that set, and the check
would probe again after every 2xx case: two extra requests per success, a quarter of a ci run.
Failures are Schemathesis' own (`IgnoredAuth`, check name `ignored_auth`). With several
processes, what one saw enforced is marked for the others (`RunMarks`), so the run probes each
operation once, as `st run` does, not once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from schemathesis import Response
from schemathesis.checks import CheckContext
from schemathesis.specs.openapi.checks import ignored_auth

from conformance.machinery.once import RunMarks

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

REPLACED = ignored_auth  # excluded from Schemathesis' defaults, since this check runs it instead


MARK = "auth enforced"


def make_ignored_auth_check(
    marks: RunMarks | None = None,
) -> Callable[[CheckContext, Response, OpenApiCase], bool | None]:
    """The check for one run; `marks` share what it saw enforced with the run's processes."""
    enforced: set[str] = set()  # operation labels; shared by every case and link step of the run
    marks = marks or RunMarks()

    def ignored_auth_once_per_operation(
        ctx: CheckContext, response: Response, case: OpenApiCase
    ) -> bool | None:
        label = case.operation.label
        if label not in enforced and marks.marked(MARK, label):
            enforced.add(label)  # another process probed it
        ctx.auth_enforced_operations = enforced
        try:
            return ignored_auth(ctx, response, case)
        finally:
            if label in enforced:
                marks.mark(MARK, label)

    return ignored_auth_once_per_operation
