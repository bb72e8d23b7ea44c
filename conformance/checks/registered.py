"""Every project check, registered and in the order they run: `PROJECT_CHECKS`.

Each check module registers its check with `@project_check` when it is imported. They run in
the order of `MODULES`: the audit check first, then read-after-write, which reuses its reads,
and the single-violation probe last, after the checks that count what the call changed.
"""

from __future__ import annotations

from conformance.checks import (
    audit,
    constraints,
    listing,
    ownership,
    read_after_write,
    sorting,
    tenant,
    timestamps,
    write_answer,
)
from conformance.checks.context import REGISTRY, CheckFn

MODULES = (
    audit,
    read_after_write,
    write_answer,
    timestamps,
    tenant,
    listing,
    sorting,
    ownership,
    constraints,
)

PROJECT_CHECKS: dict[str, CheckFn] = {
    name: check
    for module in MODULES
    for name, check in REGISTRY.items()
    if check.__module__ == module.__name__
}
