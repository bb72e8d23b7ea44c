"""The contract gate: every answer the suite's own machinery uses is checked against the spec.

The factory, the preparers, the snapshots and the oracles read the target to set up and judge
cases. An answer they cannot trust (an undocumented status, a wrong content type, a body that
breaks the schema, no answer in time) must not turn into a `KeyError` in whatever reads it next.
It becomes one `ContractBreach` at the operation that gave it, judged by Schemathesis' own
checks; every case that needed that answer is then reported as blocked by it.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import httpx
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import Failure, ResponseTimeExceeded
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conformance.auth import TokenProvider
from conformance.checks.failures import TransportFailure, check_of
from conformance.client import ApiClient
from conformance.errors import OrderMeshError
from conformance.operations import operation_id_of
from conformance.polling import WriteLog
from conformance.redaction import Redactor
from spec import SAFE_METHODS, Spec
from spec.audit import audit_ids
from strategies.formats import schema_with_formats

# Not `not_a_server_error`: a 5xx is judged where the suite expects one or not (it is documented).
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]


class ContractBreach(OrderMeshError):
    """An answer the suite needed broke the spec. `failure` is the Schemathesis failure."""

    def __init__(self, operation_id: str, check: str, failure: Failure) -> None:
        super().__init__(f"{operation_id}: {check}: {failure.title}")
        self.operation_id = operation_id
        self.check = check
        self.failure = failure

    def blocked_line(self) -> str:
        return f"blocked by {self.operation_id}: {self.check}: {self.failure.title}"


class ContractGate:
    """Finds the operation an answer belongs to and runs the contract checks on it."""

    def __init__(self, spec: Spec) -> None:
        self._spec = spec
        self.writes = WriteLog()  # the audited writes that passed the gate

    @functools.cached_property
    def _schema(self):
        return schema_with_formats(self._spec.document, SchemathesisConfig())

    def operation_id(self, method: str, path: str) -> str | None:
        operation = self._schema.find_operation_by_path(method, path)
        return operation_id_of(operation) if operation else None

    def check(self, response: httpx.Response, base_url: str) -> None:
        request = response.request
        operation = self._schema.find_operation_by_path(request.method, request.url.path)
        if operation is None:
            return  # not an operation of the spec (a Location outside it is judged elsewhere)
        parameters = _path_values(operation.path, request.url.path)
        case = operation.Case(path_parameters=parameters)
        try:
            case.validate_response(response, checks=CHECKS, transport_kwargs={"base_url": base_url})
        except FailureGroup as group:
            raise _breach(operation, group.exceptions[0]) from None
        except Failure as failure:
            raise _breach(operation, failure) from None
        if 200 <= response.status_code < 300 and request.method not in SAFE_METHODS:
            self._log_write(operation, parameters, request, response)

    def _log_write(self, operation, parameters: dict, request, response) -> None:
        declared = operation.definition.raw.get("x-audit")
        if not declared:
            return
        body = _json(request.content)
        answer = _json(response.content)
        ids = audit_ids(declared["id"], parameters, body, answer)
        self.writes.record(ids, operation_id_of(operation))

    def timed_out(self, request: httpx.Request, timeout: float) -> ContractBreach:
        operation_id = self.operation_id(request.method, request.url.path) or request.url.path
        return timeout_breach(operation_id, f"{request.method} {request.url.path}", timeout)

    def unanswered(self, request: httpx.Request, exc: Exception) -> ContractBreach:
        operation_id = self.operation_id(request.method, request.url.path) or request.url.path
        return unanswered_breach(operation_id, f"{request.method} {request.url.path}", exc)


def timeout_breach(operation_id: str, request: str, timeout: float) -> ContractBreach:
    failure = ResponseTimeExceeded(
        operation=operation_id,
        elapsed=timeout,
        deadline=int(timeout * 1000),
        message=f"{request} got no answer within {timeout:g} s",
        title="No answer in time",
    )
    return ContractBreach(operation_id, "response_time", failure)


def unanswered_breach(operation_id: str, request: str, exc: BaseException) -> ContractBreach:
    """A request whose connection closed before any answer: the target's side, not the API's
    contract. A request safe to repeat got here only after one resend (transient.py)."""
    failure = TransportFailure(
        operation=operation_id,
        title="No answer: the connection closed first",
        message=f"{request} got no answer ({type(exc).__name__}: {exc}); a request safe to"
        " repeat was sent twice, any other once",
        check="transport",
    )
    return ContractBreach(operation_id, "transport", failure)


def _breach(operation, failure: Failure) -> ContractBreach:
    return ContractBreach(operation_id_of(operation), check_of(failure), failure)


def _json(content: bytes) -> Any:
    try:
        return json.loads(content) if content else None
    except ValueError:
        return None


def _path_values(template: str, path: str) -> dict[str, Any]:
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

    def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        try:
            response = super().request(method, path, **options)
        except httpx.TimeoutException as exc:
            timeout = exc.request.extensions.get("timeout", {}).get("read")
            raise self.gate.timed_out(exc.request, timeout or 0) from None
        except httpx.TransportError as exc:
            raise self.gate.unanswered(exc.request, exc) from None
        self.gate.check(response, self.base_url)
        return response
