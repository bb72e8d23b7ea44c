"""Everything a suite needs to talk to one target, built once per run from `RunSettings`."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import requests

from conformance.config.settings import RunSettings
from conformance.coverage.record import CoverageRecorder
from conformance.machinery.contract import ContractBreach, ContractGate, GatedClient
from conformance.machinery.factory import Factory, Ledger, SetupError
from conformance.machinery.once import RunMarks
from conformance.machinery.preparers import Preparation
from conformance.machinery.resources import ResourcePaths
from conformance.redaction import Redactor
from conformance.transport.auth import TokenProvider, bearer_header, provider_for
from conformance.transport.client import ApiClient
from conformance.transport.connection import ProxyRouting
from conformance.transport.limiter import Throttle, run_throttle
from conformance.transport.polling import WriteLog
from conformance.transport.transports import LimitedTransport, limited_session
from spec import Spec, load_lifecycle


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
    throttle: Throttle
    http: requests.Session  # for generated cases: the same throttle as the client's
    gate: ContractGate  # judges what the machinery reads; its listener reports the findings
    writes: WriteLog = field(default_factory=WriteLog)  # our own audited writes (polling.py)
    lock: threading.Lock = field(default_factory=threading.Lock)
    done_once: set[tuple[str, ...]] = field(default_factory=set)  # see first_time
    marks: RunMarks = field(default_factory=RunMarks)  # across the run's processes: share_marks
    # The second merchant's own records, made in setup so a list that leaks them can show it.
    tenant_factory: Factory | None = None
    coverage: CoverageRecorder | None = None  # what the run's requests covered (coverage/record.py)
    restricted_auth: TokenProvider | None = None  # a client granted no permission (the 403s)

    def first_time(self, *key: str) -> bool:
        """True once per run for `key` (once per process until `share_marks`): for checks that
        sample, not repeat, a read whose answer does not change from case to case."""
        with self.lock:
            seen = key in self.done_once
            self.done_once.add(key)
        return not seen and self.marks.claim(*key)

    def share_marks(self, directory: Path) -> None:
        """Make `first_time` once per run across the processes that share `directory`."""
        self.marks = RunMarks(directory)

    @classmethod
    def build(
        cls,
        settings: RunSettings,
        transport: httpx.BaseTransport | None = None,
        gated: bool = True,
    ) -> Harness:
        """The run's machinery. `gated=False` is for the tools that observe a target rather
        than hold it to the spec (drift, compare): their clients record whatever answers."""
        base_url = settings.target_url
        spec = settings.load_spec()
        redactor = Redactor(settings.secrets())
        throttle = run_throttle(settings)
        transport = limited_transport(throttle, transport)
        auth = provider_for(settings.credentials, base_url, redactor, spec, transport)
        # What the machinery reads is checked against the spec before it is used (contract.py).
        gate = ContractGate(spec)

        def client_for(auth: TokenProvider) -> ApiClient:
            if gated:
                return GatedClient(base_url, auth, redactor, gate, transport=transport)
            return ApiClient(base_url, auth, redactor, transport=transport)

        client = client_for(auth)
        tenant_client = None
        if settings.tenant_b.kind:
            tenant_auth = provider_for(settings.tenant_b, base_url, redactor, spec, transport)
            tenant_client = client_for(tenant_auth)
        restricted_auth = None
        if settings.restricted.kind:
            restricted_auth = provider_for(settings.restricted, base_url, redactor, spec, transport)
        coverage = None
        if gated:  # a run holds the target to the spec; what it covered is part of the verdict
            coverage = CoverageRecorder(spec, load_lifecycle(), base_url)
            throttle.observer = coverage.observe
        factory = Factory(
            client,
            settings.credentials.merchant_id or "",
            settings.run_id,
            Ledger(),
            settings.poll_timeout,
            settings.seed,
            spec,
        )
        tenant_factory = None
        if tenant_client is not None and settings.tenant_b.merchant_id:
            tenant_factory = Factory(
                tenant_client,
                settings.tenant_b.merchant_id,
                f"{settings.run_id}-b",  # its own safeIds: they are unique across merchants
                Ledger(),
                settings.poll_timeout,
                settings.seed,
                spec,
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
            throttle=throttle,
            http=limited_session(throttle),
            gate=gate,
            writes=gate.writes,
            tenant_factory=tenant_factory,
            coverage=coverage,
            restricted_auth=restricted_auth,
        )

    def seed_other_merchant(self) -> bool:
        """One order of the second merchant, so its records exist for a leak to show; False
        when there is no second merchant or the target refused (the run goes on without)."""
        if self.tenant_factory is None or self.settings.read_only:
            return False
        try:
            self.tenant_factory.order(items=1)
        except (SetupError, ContractBreach, httpx.HTTPError):
            return False
        return True

    def renewals(self) -> int:
        """Tokens renewed so far, both tenants."""
        tenant = self.tenant_client.auth if self.tenant_client else None
        return sum(p.renewals for p in (self.auth, tenant) if p is not None)

    def auth_headers(self) -> dict[str, str]:
        return bearer_header(self.auth.token())

    def close(self) -> None:
        self.client.close()
        self.http.close()
        if self.tenant_client:
            self.tenant_client.close()


def limited_transport(
    throttle: Throttle, inner: httpx.BaseTransport | None = None
) -> LimitedTransport:
    """Every httpx request of the run (reads, setup, cleanup, token fetches) behind `throttle`,
    with its connection options: TLS, and the proxy the environment names (connection.py)."""
    if inner is not None:
        return LimitedTransport(inner, throttle)
    context = throttle.options.ssl_context()
    return LimitedTransport(ProxyRouting(context), throttle, fresh=lambda: ProxyRouting(context))
