"""`x-provoked-by`: what a client does to be given a documented error response.

A documented 4xx is only tested when some request provokes it, and generated data rarely does:
no generated case repeats a natural key, sends a body over the size limit or comes from a client
without permissions. The response (usually a shared component) names its cause, so the run can
provoke it on every operation that documents it. A corrected spec (staging answers 403, not 404,
for an unknown id) moves the expectation with it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spec.lifecycle import load_lifecycle
from spec.loader import Operation, Spec
from spec.natural_key import EXTENSION as NATURAL_KEY

EXTENSION = "x-provoked-by"


@dataclass(frozen=True)
class Provoked:
    """One documented status of one operation, and the causes the spec names for it."""

    operation: Operation
    status: str
    causes: tuple[str, ...]


def provoked(spec: Spec, operation: Operation) -> list[Provoked]:
    """The operation's documented statuses that name a cause, in status order."""
    found = []
    for status, node in sorted(operation.raw.get("responses", {}).items()):
        causes = _causes(spec.resolve(node).get(EXTENSION))
        if causes:
            found.append(Provoked(operation, str(status), causes))
    return found


@dataclass(frozen=True)
class Cause:
    needs: str  # what an operation must have for the cause to apply, for the report
    applies: Callable[[Operation], bool]
    by_provocation: bool = True  # False: the lifecycle scenarios provoke it


def _refused_in_lifecycle(operation: Operation) -> bool:
    lifecycle = load_lifecycle()
    refusing = {r.operation for r in lifecycle.refusals} | {
        r.operation for r in lifecycle.rules.values()
    }
    return operation.operation_id in refusing or "*" in refusing


# Where each cause can be provoked at all. A cause not named here may apply to any operation.
CAUSES = {
    # provoked by the lifecycle scenarios, and by the ignored_auth check of every property test
    "lifecycle-refusal": Cause(
        "a refusal in lifecycle.yaml", _refused_in_lifecycle, by_provocation=False
    ),
    "missing-token": Cause("a caller (security)", lambda op: op.needs_auth, by_provocation=False),
    "unknown-id": Cause("an id to name", lambda op: True),
    "oversized-body": Cause("a request body", lambda op: op.request_schema is not None),
    "no-permission": Cause("a caller (security)", lambda op: op.needs_auth),
    "wrong-credentials": Cause("its credentials in the body", lambda op: not op.needs_auth),
    "repeated-natural-key": Cause(
        f"a natural key ({NATURAL_KEY})", lambda op: NATURAL_KEY in op.raw
    ),
}


def applies(cause: str, operation: Operation) -> bool:
    known = CAUSES.get(cause)
    return known is None or known.applies(operation)


def unprovokable(entry: Provoked) -> str | None:
    """Why no request can provoke this documented answer, when none of its causes applies to
    its operation; None when one may."""
    if any(applies(cause, entry.operation) for cause in entry.causes):
        return None
    needs = "; ".join(f"{cause} needs {CAUSES[cause].needs}" for cause in entry.causes)
    return f"no cause in {EXTENSION} applies to {entry.operation.operation_id}: {needs}"


def _causes(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def documented_media(operation: Operation, status: str) -> tuple[str, ...]:
    """The media types a documented response may come in, in the spec's order."""
    return tuple(operation.responses.get(status) or {})
