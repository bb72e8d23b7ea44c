"""Fixtures for the check unit tests: a harness whose clients talk to stubs, and spec cases.

The harness is the real `Harness` with the parts the checks use (spec, clients, resource paths,
snapshots, identity) and no polling wait; the parts only a run uses (factory, throttle, the
generated cases' session) are absent, so a check that starts using them shows up here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from check_helpers import BASE_URL, IDENTITY, StubApi
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

from conformance.config.settings import RunSettings
from conformance.machinery.contract import ContractGate
from conformance.machinery.harness import Harness
from conformance.machinery.resources import ResourcePaths
from conformance.redaction import Redactor
from conformance.transport.auth import StaticToken
from conformance.transport.client import ApiClient
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


@pytest.fixture
def harness(spec: Spec, api: StubApi, tenant_api: StubApi) -> Iterator[Harness]:
    redactor = Redactor()
    client = _client(api, "merchant-a-token", redactor)
    built = Harness(
        settings=RunSettings(base_url=BASE_URL, poll_timeout=0.0),
        spec=spec,
        redactor=redactor,
        auth=client.auth,
        client=client,
        tenant_client=_client(tenant_api, "merchant-b-token", redactor),
        factory=None,
        preparation=None,
        paths=ResourcePaths(spec),
        throttle=None,
        http=None,
        gate=ContractGate(spec),
    )
    yield built
    built.client.close()
    built.tenant_client.close()
