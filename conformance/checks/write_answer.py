"""The answer to a write: what a create, update or action answers is what was sent, and what a
read shows right after.

A client that uses the answer instead of reading again must get the state the write left.
Where a successful write answers with the resource it changed (its `id` among the call's
`x-audit` ids), each field the body sent and the answer carries equals what was sent (dates
compared as instants, numbers as numbers, objects on the keys sent; a request property marked
`x-answer: derived` is the target's to derive, spec/implied.py), and every field the answer
shares with an immediate read of the resource equals it (the read is polled for
`--poll-timeout`: replica lag). A mismatch names the field, the value sent, the value answered
and the value read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from schemathesis import Response

from conformance.checks import snapshots
from conformance.checks.context import CheckContext, project_check
from conformance.failures.hierarchy import WriteAnswerFailure
from conformance.machinery.contract import is_success, json_of
from conformance.transport.operations import operation_of
from conformance.transport.polling import poll_until
from spec import SAFE_METHODS
from spec.implied import declared_only, derived_properties, instant
from spec.vocabulary import number, vocabulary

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

CHECK = "write_answer"
UNREAD = object()  # the read did not answer, or lacks the field


@project_check
def write_answer(ctx: CheckContext, response: Response, case: OpenApiCase) -> None:
    if case.operation.method.upper() in SAFE_METHODS or not is_success(response.status_code):
        return
    operation_id = operation_of(case)
    body = json_of(response)
    answered = vocabulary(ctx.spec).resource(operation_id, body)
    refs = {r.id: r for r in snapshots.refs(case, body)} if snapshots.audit_spec(case) else {}
    if not isinstance(answered, dict) or answered.get("id") not in refs:
        return  # no resource in the answer, or not the one the write changed
    ref = refs[answered["id"]]
    read = poll_until(
        lambda: snapshots.read(ctx, ref, shared=True),
        lambda now: not _differing(answered, now),
        ctx.run.poll_timeout,
    )
    # Its declared part: an undeclared property sent is the API's to ignore (spec/implied.py).
    sent = declared_only(case.body, ctx.spec.operation(operation_id).request_schema)
    sent = sent if isinstance(sent, dict) else {}
    derived = derived_properties(ctx.spec, operation_id)
    problems = [
        f"{field}: sent {value!r}, answered {answered[field]!r}, read {_at(read, field)!r}"
        for field, value in sent.items()
        if field in answered and field not in derived and not same(value, answered[field])
    ]
    problems += [
        f"{field}: sent {_at(sent, field)!r}, answered {answered[field]!r}, read {read[field]!r}"
        for field in _differing(answered, read)
        if not any(p.startswith(f"{field}:") for p in problems)
    ]
    if problems:
        _fail(case, f"{ref.kind} {ref.id}: " + "; ".join(problems[:5]))


def same(sent: Any, answered: Any) -> bool:
    """Whether an answered value is the sent one: objects on the keys sent, lists item by item,
    date-times as instants, numbers as numbers."""
    if isinstance(sent, dict):
        return isinstance(answered, dict) and all(
            k in answered and same(v, answered[k]) for k, v in sent.items()
        )
    if isinstance(sent, list):
        return (
            isinstance(answered, list)
            and len(sent) == len(answered)
            and all(same(s, a) for s, a in zip(sent, answered, strict=True))
        )
    if instant(sent) is not None and instant(answered) is not None:
        return instant(sent) == instant(answered)
    if isinstance(sent, bool) or isinstance(answered, bool):
        return sent is answered
    if isinstance(sent, int | float):
        return number(answered) == sent
    return bool(sent == answered)


def _differing(answered: dict[str, Any], read: Any) -> list[str]:
    """The fields the answer and the read both carry with different values; none when the read
    did not answer (that is read_after_write's to report, and nothing to wait for here)."""
    if not isinstance(read, dict):
        return []
    return [k for k, v in answered.items() if k in read and read[k] != v]


def _at(resource: Any, field: str) -> Any:
    if not isinstance(resource, dict) or field not in resource:
        return "(absent)"
    return resource[field]


def _fail(case: OpenApiCase, message: str) -> NoReturn:
    raise WriteAnswerFailure(
        operation=case.operation.label,
        title="The answer to a write is not what was written",
        message=message,
        check=CHECK,
    )
