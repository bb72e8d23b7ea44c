"""The checks a run's settings keep from running, each with the reason and what turns it on.

A check that cannot run says nothing, which reads like a pass: summary.json lists these under
`checks_not_run`, and the console and summary.md show them.
"""

from __future__ import annotations

from conformance.checks.tenant import CHECK as TENANT_ISOLATION
from conformance.config.settings import RunSettings

# They judge what a write did; a --read-only run sends none (a test keeps the names in step with
# the checks the suite registers).
WRITE_CHECKS = ("audit_log_side_effect", "read_after_write", "single_constraint_violation")
LIFECYCLE_CHECKS = ("lifecycle_status", "lifecycle_state", "lifecycle_audit", "lifecycle_listing")

NO_TENANT_B = (
    "no second merchant: set ORDERMESH_TENANT_B_CLIENT_ID and ORDERMESH_TENANT_B_CLIENT_SECRET "
    "(or _USERNAME and _PASSWORD, or _TOKEN), or [auth.tenant_b] in the config file"
)
READ_ONLY_WRITES = "--read-only: the run sends no writes, and this check judges what one did"
READ_ONLY_SCENARIOS = "--read-only: the lifecycle scenarios create and change data"


def checks_not_run(settings: RunSettings) -> dict[str, str]:
    """check -> why it did not run, for the settings a run ran with (its target's merchants)."""
    reasons = {}
    if settings.tenant_b.kind is None:
        reasons[TENANT_ISOLATION] = NO_TENANT_B
    if settings.read_only:
        reasons |= dict.fromkeys(WRITE_CHECKS, READ_ONLY_WRITES)
        reasons |= dict.fromkeys(LIFECYCLE_CHECKS, READ_ONLY_SCENARIOS)
    return reasons


def console_lines(reasons: dict[str, str]) -> list[str]:
    return [f"check not run: {check}: {why}" for check, why in reasons.items()]
