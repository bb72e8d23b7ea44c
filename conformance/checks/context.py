"""What a check receives: the narrow view of the run that one call is judged in.

Modelled on Schemathesis' `CheckContext` (`schemathesis/checks.py`): a check gets what it may
use, not the machinery that built it. Ours carries the spec, the two merchants' clients, who
they are, the state the call started from (`before`) and a few run-wide services (`run`).

A project check is `check(ctx: CheckContext, response: Response, case: OpenApiCase) -> None`,
registered with `@project_check`. Schemathesis calls checks as `check(its_ctx, response, case)`,
so a call site binds each one to the call's own context (`bound_checks`); the snapshot travels
with the call instead of beside it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from schemathesis import Response

from conformance.coverage.record import CoverageRecorder
from conformance.machinery.resources import ResourcePaths
from conformance.transport.client import ApiClient
from conformance.transport.polling import WriteLog
from spec import Spec

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

CheckFn = Callable[["CheckContext", Response, "OpenApiCase"], None]
StCheck = Callable[[Any, Response, "OpenApiCase"], "bool | None"]  # as Schemathesis calls a check
REGISTRY: dict[str, CheckFn] = {}  # in import order; registered.py orders them


def project_check(fn: CheckFn) -> CheckFn:
    """Register a project check under its function name (the name reports carry)."""
    if fn.__name__ in REGISTRY:
        raise ValueError(f"project check {fn.__name__!r} registered twice")
    REGISTRY[fn.__name__] = fn
    return fn


@dataclass(frozen=True)
class Snapshot:
    """What a resource and its audit log looked like just before a mutating call."""

    kind: str
    id: str
    parent_id: str | None
    resource: Any
    audit_count: int


@dataclass(frozen=True)
class Identities:
    """Who the run's clients are."""

    caller: str | None  # what an audit event names as the actor; None: not judged
    merchant: str | None  # whose records the run's client must see, and only those
    other_merchant: str | None = None  # the second merchant's id, when the run knows it


@dataclass
class RunShared:
    """What the checks of every call of one run share."""

    paths: ResourcePaths
    writes: WriteLog  # our own audited writes: a read of one waits for them (polling.py)
    poll_timeout: float  # how long a judging read waits out replica lag
    first_time: Callable[..., bool]  # True once per run for a key: sample, do not repeat
    operation_id: Callable[[str, str], str | None]  # (method, path) -> operationId
    prepare: Callable[[Any], None] | None = None  # a case's preparer; None where none runs
    clock_skew: float = 300.0  # seconds a target's clock may differ from ours
    coverage: CoverageRecorder | None = None  # what the run covered (coverage/record.py)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass(frozen=True)
class CheckContext:
    spec: Spec
    client: ApiClient
    tenant_client: ApiClient | None
    identities: Identities
    run: RunShared
    before: tuple[Snapshot, ...] = ()  # the primary resources before the call (a write's)
    sent_at: float | None = None  # when the call was sent (epoch seconds); None: not known
    # GETs one check of this call made and left for the next (snapshots.read_after_call)
    reads: dict[str, Any] = field(default_factory=dict)

    def for_call(
        self, before: list[Snapshot] | tuple[Snapshot, ...], sent_at: float | None = None
    ) -> CheckContext:
        """The context of one call: this run's, with the state the call started from."""
        return CheckContext(
            self.spec,
            self.client,
            self.tenant_client,
            self.identities,
            self.run,
            tuple(before),
            sent_at,
        )


def bound_checks(ctx: CheckContext, checks: Iterable[CheckFn]) -> list[StCheck]:
    """`checks` as Schemathesis calls them, each bound to `ctx` (one call's)."""
    return [_bind(check, ctx) for check in checks]


def _bind(check: CheckFn, ctx: CheckContext) -> StCheck:
    def bound(_st_ctx: Any, response: Response, case: OpenApiCase) -> None:
        check(ctx, response, case)

    bound.__name__ = bound.__qualname__ = check.__name__  # the name Schemathesis reports
    return bound
