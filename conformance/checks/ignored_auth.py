"""Schemathesis' `ignored_auth`, probing each operation once per run as `st run` does.

`st run` hands the check a run-wide set of operations whose auth it has already seen enforced
(`CheckContext.auth_enforced_operations`), so it sends its two probes (no token, a wrong token)
once per operation. `case.validate_response` builds a context without that set, and the check
would probe again after every 2xx case: two extra requests per success, a quarter of a ci run.
Failures are Schemathesis' own (`IgnoredAuth`, check name `ignored_auth`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from schemathesis import Response
from schemathesis.checks import CheckContext
from schemathesis.specs.openapi.checks import ignored_auth

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

REPLACED = ignored_auth  # excluded from Schemathesis' defaults, since this check runs it instead


def make_ignored_auth_check() -> Callable[[CheckContext, Response, OpenApiCase], bool | None]:
    enforced: set[str] = set()  # operation labels; shared by every case and link step of the run

    def ignored_auth_once_per_operation(
        ctx: CheckContext, response: Response, case: OpenApiCase
    ) -> bool | None:
        ctx.auth_enforced_operations = enforced
        return ignored_auth(ctx, response, case)

    return ignored_auth_once_per_operation
