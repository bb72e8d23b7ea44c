"""The contract gate: every answer the suite's own machinery uses is checked against the spec.

The factory, the preparers, the snapshots and the oracles read the target to set up and judge
cases. Each answer is judged by Schemathesis' own checks, and each way it breaks the spec is
reported once, at the operation that gave it (`ContractGate.listener`). Then it *fails forward*:

- an answer that broke the contract but still gives the caller what it declared it needs (a
  `Need`: a success, JSON, named fields) is used, and whoever relied on it goes on;
- an answer that does not (no success, no JSON, a needed field missing, no answer in time) raises
  `ContractBreach`, and the case that needed it is "blocked by <operation>: <what was missing>".

A first run against a staging API whose spec guessed one status code wrong thus names that guess
once, and still tests everything that creates through that operation.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import httpx
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, ResponseTimeExceeded
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conformance.errors import OrderMeshError
from conformance.failures.hierarchy import TransportFailure, check_of
from conformance.redaction import Redactor
from conformance.transport.auth import TokenProvider
from conformance.transport.client import ApiClient
from conformance.transport.operations import operation_id_of
from conformance.transport.polling import WriteLog
from spec import SAFE_METHODS, Spec
from spec.audit import audit_ids
from spec.vocabulary import vocabulary
from strategies.formats import schema_with_formats

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiOperation, OpenApiSchema

# Not `not_a_server_error`: a 5xx is judged where the suite expects one or not (it is documented).
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


class ContractBreach(OrderMeshError):
    """An answer broke the spec. `failure` is the Schemathesis failure; `missing`, when set, says
    what the caller needed and did not get (the answer was unusable, not only non-conformant)."""

    def __init__(
        self,
        operation_id: str,
        check: str,
        failure: Failure,
        missing: str | None = None,
        unanswered: str | None = None,
    ) -> None:
        super().__init__(f"{operation_id}: {missing or f'{check}: {failure.title}'}")
        self.operation_id = operation_id
        self.check = check
        self.failure = failure
        self.missing = missing
        # A request that got no answer, as curl ("" when not known): its reproduction is this
        # request, never the exchange the client completed before it.
        self.unanswered = unanswered

    def blocked_line(self) -> str:
        if self.missing:
            return f"blocked by {self.operation_id}: {self.missing}"
        return f"blocked by {self.operation_id}: {self.check}: {self.failure.title}"


# Where the gate leaves its findings on the answer it judged (httpx's per-response extensions).
FINDINGS = "ordermesh.contract_findings"
GATE = "ordermesh.contract_gate"  # and the gate that judged it
# Called once per contract finding with the answer that carried it (reporting, overlay evidence),
# or None for a request that got no answer and whose caller went on all the same.
Listener = Callable[[ContractBreach, httpx.Response | None], None]


@dataclass(frozen=True)
class Need:
    """What a machinery call needs from an answer to go on using it.

    `fields` are paths into the JSON body: `id`, `order.items[].id` (every element of the list
    must have one). A success is any 2xx: whether the spec documents that very code is the
    contract's question, judged and reported apart.
    """

    fields: tuple[str, ...] = ()
    success: bool = True

    def missing(self, response: httpx.Response) -> str | None:
        """What the answer lacks, or None when it is usable."""
        if self.success and not is_success(response.status_code):
            return f"answered {response.status_code}"
        if not self.fields:
            return None
        body = body_of(response.content)
        if body is None:
            return "answered no JSON body"
        for path in self.fields:
            if not has_field(body, path):
                return f"no {path} in the answer"
        return None


def require(response: httpx.Response, need: Need, gate: ContractGate | None = None) -> None:
    """Raise `ContractBreach` when the answer is unusable for `need` and it broke the contract,
    or is a success that lacks a needed field. A conformant refusal passes: it is the caller's
    to judge (a precondition refused)."""
    if FINDINGS not in response.extensions:
        return  # not judged: a plain client, which observes rather than holds to the spec
    gate = gate or response.extensions.get(GATE)
    missing = need.missing(response)
    findings: list[ContractBreach] = response.extensions[FINDINGS]
    if missing is None and findings and gate is not None:
        missing = gate.broken_field(response, need)
    if missing is None or not (findings or is_success(response.status_code)):
        return
    if findings:
        root = findings[0]
        raise ContractBreach(root.operation_id, root.check, root.failure, missing)
    request = response.request
    operation_id = (gate.operation_id(request.method, request.url.path) if gate else None) or (
        request.url.path
    )
    failure = Failure(
        operation=operation_id,
        title="Answer unusable",
        message=f"{request.method} {request.url.path}: {missing}",
    )
    raise ContractBreach(operation_id, "usable_answer", failure, missing)


def is_success(status: int) -> bool:
    return 200 <= status < 300


def is_client_error(status: int) -> bool:
    return 400 <= status < 500


def has_field(body: object, path: str) -> bool:
    """True when `path` (`a.b`, `items[].id`) is present, and not null, in `body`."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        items = body.get(head[:-2]) if isinstance(body, dict) else None
        if not isinstance(items, list):
            return False
        return all(has_field(item, rest) for item in items) if rest else True
    if not isinstance(body, dict) or body.get(head) is None:
        return False
    return has_field(body[head], rest) if rest else True


class ContractGate:
    """Finds the operation an answer belongs to and runs the contract checks on it."""

    def __init__(self, spec: Spec, listener: Listener | None = None) -> None:
        self._spec = spec
        self.writes = WriteLog()  # the audited writes that passed the gate
        self.listener = listener  # set by whoever reports the findings (the suites' session)

    @functools.cached_property
    def _schema(self) -> OpenApiSchema:
        return schema_with_formats(self._spec.document, SchemathesisConfig())

    def broken_field(self, response: httpx.Response, need: Need) -> str | None:
        """A needed field the answer has but in a shape its schema forbids (an id "string")."""
        request = response.request
        operation_id = self.operation_id(request.method, request.url.path)
        body = body_of(response.content)
        if operation_id is None or body is None:
            return None
        words = vocabulary(self._spec)
        for path in need.fields:
            broken = words.broken_field(operation_id, response.status_code, body, path)
            if broken is not None:
                return broken
        return None

    def operation_id(self, method: str, path: str) -> str | None:
        operation = self._schema.find_operation_by_path(method, path)
        return operation_id_of(operation) if operation else None

    def check(self, response: httpx.Response, base_url: str) -> list[ContractBreach]:
        """Every way the answer breaks the spec, each passed to the listener; [] when it keeps
        the contract or belongs to no operation of the spec."""
        request = response.request
        operation = self._schema.find_operation_by_path(request.method, request.url.path)
        if operation is None:
            return []  # not an operation of the spec (a Location outside it is judged elsewhere)
        parameters = _path_values(operation.path, request.url.path)
        case = operation.Case(path_parameters=parameters)
        findings: list[ContractBreach] = []
        try:
            case.validate_response(response, checks=CHECKS, transport_kwargs={"base_url": base_url})
        except FailureGroup as group:
            findings = [_breach(operation, failure) for failure in group.exceptions]
        except Failure as failure:
            findings = [_breach(operation, failure)]
        for finding in findings:
            if self.listener is not None:
                self.listener(finding, response)
        if is_success(response.status_code) and request.method not in SAFE_METHODS:
            self._log_write(operation, parameters, request, response)
        return findings

    def _log_write(
        self,
        operation: OpenApiOperation,
        parameters: dict[str, object],
        request: httpx.Request,
        response: httpx.Response,
    ) -> None:
        declared = operation.definition.raw.get("x-audit")
        if not declared:
            return
        body = body_of(request.content)
        answer = body_of(response.content)
        ids = audit_ids(declared["id"], parameters, body, answer)
        self.writes.record(ids, operation_id_of(operation))

    def report(self, breach: ContractBreach) -> None:
        """A breach with no answer to carry it, whose caller goes on (recovery.py)."""
        if self.listener is not None:
            self.listener(breach, None)

    def timed_out(self, request: httpx.Request, timeout: float) -> ContractBreach:
        operation_id = self.operation_id(request.method, request.url.path) or request.url.path
        return timeout_breach(operation_id, f"{request.method} {request.url.path}", timeout)

    def unanswered(self, request: httpx.Request, exc: Exception) -> ContractBreach:
        operation_id = self.operation_id(request.method, request.url.path) or request.url.path
        return unanswered_breach(operation_id, f"{request.method} {request.url.path}", exc)


def timeout_breach(
    operation_id: str, request: str, timeout: float, curl: str = ""
) -> ContractBreach:
    failure = ResponseTimeExceeded(
        operation=operation_id,
        elapsed=timeout,
        deadline=int(timeout * 1000),
        message=f"{request} got no answer within {timeout:g} s",
        title="No answer in time",
    )
    return ContractBreach(operation_id, "response_time", failure, unanswered=curl)


def unanswered_breach(
    operation_id: str, request: str, exc: BaseException, curl: str = ""
) -> ContractBreach:
    """A request whose connection closed before any answer: the target's side, not the API's
    contract. A request safe to repeat got here only after one resend (transient.py)."""
    failure = TransportFailure(
        operation=operation_id,
        title="No answer: the connection closed first",
        message=f"{request} got no answer ({type(exc).__name__}: {exc}); a request safe to"
        " repeat was sent twice, any other once",
        check="transport",
    )
    return ContractBreach(operation_id, "transport", failure, unanswered=curl)


def _breach(operation: OpenApiOperation, failure: Failure) -> ContractBreach:
    return ContractBreach(operation_id_of(operation), check_of(failure), failure)


class _HasContent(Protocol):
    """An answer, httpx's or Schemathesis'."""

    @property
    def content(self) -> bytes: ...


def body_of(content: bytes) -> object:
    """An answer's JSON body, or None (none, or not JSON: the schema check's finding, never a
    crash of whoever reads it)."""
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None


def json_of(response: _HasContent) -> Any:
    """`body_of` for an answer object, httpx's or Schemathesis' (both have `.content`)."""
    return body_of(response.content)


def _path_values(template: str, path: str) -> dict[str, object]:
    names = template.strip("/").split("/")
    values = path.strip("/").split("/")
    return {
        name[1:-1]: value
        for name, value in zip(names, values, strict=False)
        if name.startswith("{") and name.endswith("}")
    }


class GatedClient(ApiClient):
    """The machinery's client: an answer that breaks the contract raises `ContractBreach`."""

    def __init__(
        self,
        base_url: str,
        auth: TokenProvider | None,
        redactor: Redactor,
        gate: ContractGate,
        **options: Any,
    ) -> None:
        super().__init__(base_url, auth, redactor, **options)
        self.gate = gate

    def request(  # type: ignore[override]  # `need` narrows the base's `object`
        self, method: str, path: str, *, need: Need | None = None, **options: Any
    ) -> httpx.Response:
        """Send, judge, and hand back the answer when it is usable for `need`.

        Raises `ContractBreach` when there was no answer in time, or when the answer broke the
        contract *and* lacks what `need` asks for; or when a success lacks a needed field. A
        conformant refusal is returned: the caller decides what a documented "no" means."""
        try:
            response = super().request(method, path, **options)
        except httpx.TimeoutException as exc:
            timeout = exc.request.extensions.get("timeout", {}).get("read")
            raise self.gate.timed_out(exc.request, timeout or 0) from None
        except httpx.TransportError as exc:
            raise self.gate.unanswered(exc.request, exc) from None
        findings = self.gate.check(response, self.base_url)
        response.extensions[FINDINGS] = findings
        response.extensions[GATE] = self.gate
        if need is not None:
            require(response, need, self.gate)
        return response
