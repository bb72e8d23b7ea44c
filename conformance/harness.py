"""Everything a suite needs to talk to one target, built once per run from `RunSettings`."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from conformance.auth import TokenProvider, provider_for
from conformance.client import ApiClient
from conformance.contract import ContractGate, GatedClient
from conformance.factory import Factory, Ledger
from conformance.polling import WriteLog
from conformance.preparers import Preparation
from conformance.redaction import Redactor
from conformance.resources import ResourcePaths
from conformance.settings import RunSettings
from spec import Spec, load_spec


@dataclass
class Snapshot:
    """What a resource and its audit log looked like just before a mutating call."""

    kind: str
    id: str
    parent_id: str | None
    resource: Any
    audit_count: int


@dataclass
class Harness:
    settings: RunSettings
    spec: Spec
    redactor: Redactor
    auth: TokenProvider
    client: ApiClient
    tenant_client: ApiClient | None
    factory: Factory
    preparation: Preparation
    paths: ResourcePaths
    snapshots: dict[str, list[Snapshot]] = field(default_factory=dict)
    writes: WriteLog = field(default_factory=WriteLog)  # our own audited writes (polling.py)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, settings: RunSettings, transport=None) -> Harness:
        if not settings.base_url:
            raise ValueError("the harness needs a target base URL")
        spec = load_spec(settings.spec_path)
        redactor = Redactor(settings.secrets())
        auth = provider_for(settings.credentials, settings.base_url, redactor, transport)
        # What the machinery reads is checked against the spec before it is used (contract.py).
        gate = ContractGate(spec)
        options = {"rate_limit": settings.rate_limit, "transport": transport}
        client = GatedClient(settings.base_url, auth, redactor, gate, **options)
        tenant_client = None
        if settings.tenant_b.kind:
            tenant_auth = provider_for(settings.tenant_b, settings.base_url, redactor, transport)
            tenant_client = GatedClient(settings.base_url, tenant_auth, redactor, gate, **options)
        factory = Factory(
            client,
            settings.credentials.merchant_id or "",
            settings.run_id,
            Ledger(),
            settings.poll_timeout,
            settings.seed,
        )
        return cls(
            settings=settings,
            spec=spec,
            redactor=redactor,
            auth=auth,
            client=client,
            tenant_client=tenant_client,
            factory=factory,
            preparation=Preparation(factory, settings.credentials),
            paths=ResourcePaths(spec),
            writes=gate.writes,
        )

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.auth.token()}"}

    def close(self) -> None:
        self.client.close()
        if self.tenant_client:
            self.tenant_client.close()
