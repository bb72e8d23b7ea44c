"""Fixtures for the check unit tests: a check context whose clients talk to stubs, and cases.

The context is the real `CheckContext` a run hands each check (spec, both merchants' clients,
who they are, resource paths) with no polling wait; `Judge` calls a check as a run does, bound
to one call's context with the snapshot that call started from.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from check_helpers import BASE_URL, IDENTITY, MERCHANT, OTHER_MERCHANT, StubApi
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

from conformance.checks.context import CheckContext, Identities, RunShared
from conformance.machinery.contract import ContractGate
from conformance.machinery.resources import ResourcePaths
from conformance.redaction import Redactor
from conformance.transport.auth import StaticToken
from conformance.transport.client import ApiClient
from conformance.transport.polling import WriteLog
from spec import Spec
from strategies.formats import schema_with_formats


@pytest.fixture(scope="session")
def st_schema(spec: Spec) -> OpenApiSchema:
    return schema_with_formats(spec.document, SchemathesisConfig())


@pytest.fixture
def make_case(spec: Spec, st_schema: OpenApiSchema) -> Callable[..., Any]:
    """A Schemathesis case of the spec operation `operation_id`."""

    def make(operation_id: str, **parts: Any) -> Any:
        operation = spec.operation(operation_id)
        return st_schema[operation.path][operation.method].Case(**parts)

    return make


@pytest.fixture
def api() -> StubApi:
    """The target as the run's own merchant sees it."""
    return StubApi()


@pytest.fixture
def tenant_api() -> StubApi:
    """The target as the second merchant sees it."""
    return StubApi()


def _client(stub: StubApi, token: str, redactor: Redactor) -> ApiClient:
    auth = StaticToken(token, redactor)
    auth.identity = IDENTITY
    return ApiClient(BASE_URL, auth, redactor, transport=httpx.MockTransport(stub.handle))


def _once() -> Callable[..., bool]:
    seen: set[tuple[Any, ...]] = set()

    def first_time(*key: Any) -> bool:
        new = key not in seen
        seen.add(key)
        return new

    return first_time


@pytest.fixture
def ctx(spec: Spec, api: StubApi, tenant_api: StubApi) -> Iterator[CheckContext]:
    """What a check receives in a run, talking to the stubs, with no polling wait."""
    redactor = Redactor()
    client = _client(api, "merchant-a-token", redactor)
    tenant_client = _client(tenant_api, "merchant-b-token", redactor)
    built = CheckContext(
        spec=spec,
        client=client,
        tenant_client=tenant_client,
        identities=Identities(caller=IDENTITY, merchant=MERCHANT, other_merchant=OTHER_MERCHANT),
        run=RunShared(
            paths=ResourcePaths(spec),
            writes=WriteLog(),
            poll_timeout=0.0,
            first_time=_once(),
            operation_id=ContractGate(spec).operation_id,
        ),
    )
    yield built
    client.close()
    tenant_client.close()
