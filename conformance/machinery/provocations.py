"""Provoke the documented answers that generated data rarely reaches, the way the spec says.

A positive case is prepared to succeed and a negative one is refused with 400, so a documented
404, 403, 409 or 413 is seen only by chance, and a second media type never. The spec names what
provokes each error response (`x-provoked-by`, spec/provoked.py). Each cause here turns one
drawn positive case into the request that should get that answer. The suite sends it and holds
the target to it (suites/test_provocations.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from requests.structures import CaseInsensitiveDict

from conformance.coverage import model
from conformance.transport.auth import bearer_header
from conformance.transport.operations import operation_of
from spec import Spec
from spec.natural_key import EXTENSION as NATURAL_KEY
from spec.provoked import applies, documented_media, provoked

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiCase

ACCEPT = "accept"  # the cause of a media type the client asks for
SECRET_FORMAT = "password"  # OpenAPI's mark of a secret field: where a credential goes
NOT_A_TOKEN = "not-a-token"


class Unavailable(Exception):
    """The run cannot provoke this answer (the reason names what it would need)."""


@dataclass(frozen=True)
class Kit:
    """What the provocations may use: the spec, the preparers and the run's identities."""

    spec: Spec
    prepare: Callable[[OpenApiCase], None]
    token: Callable[[], str]
    restricted_token: Callable[[], str] | None  # a client granted no permission, if given


@dataclass
class Attempt:
    """The request that should get `expect`: a status, or for ACCEPT a media type."""

    case: OpenApiCase
    expect: str
    how: str  # what was done, for the report
    token: str | None  # the bearer token it carries; None: none at all
    first: list[OpenApiCase] = field(default_factory=list)  # sent before it, each must succeed


Provocation = Callable[[Kit, "OpenApiCase", str], Attempt]
PROVOCATIONS: dict[str, Provocation] = {}


def provocation(cause: str) -> Callable[[Provocation], Provocation]:
    """Register how to provoke `cause`; where it applies is the spec's (spec/provoked.py)."""

    def register(fn: Provocation) -> Provocation:
        PROVOCATIONS[cause] = fn
        return fn

    return register


@dataclass(frozen=True)
class Planned:
    operation_id: str
    expect: str  # a status, or a media type
    cause: str

    @property
    def id(self) -> str:
        return f"{self.operation_id}-{self.expect}-{self.cause}"

    @property
    def title(self) -> str:
        """How CI test tabs name it (suites/junit.py)."""
        return f"{self.operation_id}: {self.expect} by {self.cause}"

    @property
    def aims_at(self) -> str:
        """The coverage element it aims at: a status, or a response media type."""
        if self.cause == ACCEPT:
            return model.key("content-type", self.operation_id, "response", self.expect)
        return model.key("status", self.operation_id, self.expect)


def planned(spec: Spec) -> list[Planned]:
    """Every answer the spec says how to provoke, and every second media type of a success."""
    plan = []
    for op in spec.operations:
        for entry in provoked(spec, op):
            for cause in entry.causes:
                if cause in PROVOCATIONS and applies(cause, op):
                    plan.append(Planned(op.operation_id, entry.status, cause))
        for status in op.success_statuses:
            media = documented_media(op, str(status))
            if len(media) > 1:
                plan += [Planned(op.operation_id, m, ACCEPT) for m in media]
    return plan


def attempt(kit: Kit, plan: Planned, case: OpenApiCase) -> Attempt:
    """The request for `plan`, made from the drawn positive `case`; raises Unavailable."""
    return PROVOCATIONS[plan.cause](kit, case, plan.expect)


def authorise(case: OpenApiCase, token: str | None) -> None:
    """`case` carries `token`, and no other Authorization."""
    headers = CaseInsensitiveDict(case.headers or {})
    headers.pop("Authorization", None)
    if token is not None:
        headers.update(bearer_header(token))
    case.headers = headers


def _with_token(kit: Kit, case: OpenApiCase) -> str | None:
    """The run's token, where the operation needs one."""
    return kit.token() if kit.spec.operation(operation_of(case)).needs_auth else None


@provocation("unknown-id")
def _unknown_id(kit: Kit, case: OpenApiCase, expect: str) -> Attempt:
    """The generated case as it was drawn: its ids name no resource the target has."""
    token = _with_token(kit, case)
    return Attempt(case, expect, "a valid request whose ids name no resource", token)


@provocation("oversized-body")
def _oversized(kit: Kit, case: OpenApiCase, expect: str) -> Attempt:
    kit.prepare(case)
    padding = "x" * (kit.spec.max_body_bytes + 1)
    body = case.body
    if isinstance(body, dict):
        case.body = {**body, "padding": padding}
    elif isinstance(body, list):
        case.body = [*body, padding]
    else:
        case.body = padding
    how = f"a prepared request with a body over x-max-body-bytes ({kit.spec.max_body_bytes})"
    return Attempt(case, expect, how, _with_token(kit, case))


@provocation("no-permission")
def _no_permission(kit: Kit, case: OpenApiCase, expect: str) -> Attempt:
    if kit.restricted_token is None:
        raise Unavailable(
            "no client without permissions: set ORDERMESH_RESTRICTED_CLIENT_ID and"
            " ORDERMESH_RESTRICTED_CLIENT_SECRET (or [auth.restricted] in the config file)"
        )
    kit.prepare(case)
    how = "a prepared request from a client granted no permission"
    return Attempt(case, expect, how, kit.restricted_token())


# A bearer token that is not one is Schemathesis' `ignored_auth` probe already; here, only the
# operations that take credentials in their body.
@provocation("wrong-credentials")
def _wrong_credentials(kit: Kit, case: OpenApiCase, expect: str) -> Attempt:
    kit.prepare(case)
    schema = kit.spec.operation(operation_of(case)).request_schema or {}
    secrets = [
        name
        for name, node in (schema.get("properties") or {}).items()
        if isinstance(node, dict) and node.get("format") == SECRET_FORMAT
    ]
    if not secrets or not isinstance(case.body, dict):
        raise Unavailable(f"its request body marks no credential (format: {SECRET_FORMAT})")
    case.body = {**case.body, **{name: f"{NOT_A_TOKEN}-{name}" for name in secrets}}
    how = f"prepared credentials with a wrong {', '.join(secrets)}"
    return Attempt(case, expect, how, None)


@provocation("repeated-natural-key")
def _repeated_key(kit: Kit, case: OpenApiCase, expect: str) -> Attempt:
    operation = kit.spec.operation(operation_of(case))
    key = operation.raw.get(NATURAL_KEY)
    kit.prepare(case)
    how = f"the same prepared create twice: its {key} repeated"
    return Attempt(case, expect, how, _with_token(kit, case), first=[case])


@provocation(ACCEPT)
def _accept(kit: Kit, case: OpenApiCase, expect: str) -> Attempt:
    kit.prepare(case)
    headers = CaseInsensitiveDict(case.headers or {})
    headers["Accept"] = expect
    case.headers = headers
    how = f"a prepared request with Accept: {expect}"
    return Attempt(case, expect, how, _with_token(kit, case))
