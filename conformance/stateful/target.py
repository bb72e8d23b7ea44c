"""The target a scenario talks to: client, spec paths, who we are, and how long reads may lag."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from conformance.machinery.factory import Ledger
from conformance.machinery.harness import Harness
from conformance.transport.client import ApiClient, Exchange
from conformance.transport.polling import poll_until
from spec import Lifecycle, Spec, load_lifecycle

CallHook = Callable[[str, int, bool], None]  # (operation id, status, positive)


@dataclass
class Poller:
    """Bounded read-after-write polling for live targets.

    A read that disagrees is retried until `timeout`. Once a disagreement has outlived a full
    wait, it is a defect, not lag: later polls in the same test wait only briefly, so shrinking,
    which replays the failure many times, does not wait the full timeout on every replay.
    """

    timeout: float = 0.0
    interval: float = 0.1
    exhausted: bool = False

    def settle(
        self, read: Callable[[], object], problems: Callable[[Any], list[str]]
    ) -> tuple[Any, list[str]]:
        """Read until `problems(value)` is empty or time runs out; returns (value, problems)."""
        limit = min(self.timeout, 0.3) if self.exhausted else self.timeout

        def attempt() -> tuple[object, list[str]]:
            value = read()
            return value, problems(value)

        value, found = poll_until(attempt, lambda pair: not pair[1], limit, self.interval)
        if found and limit > 0:
            self.exhausted = True
        return value, found


@dataclass
class Target:
    client: ApiClient
    spec: Spec
    merchant_id: str
    identity: str | None  # the actor audit events must name (None: unknown, not checked)
    run_id: str
    poller: Poller = field(default_factory=Poller)
    ledger: Ledger | None = None
    on_call: CallHook | None = None
    lifecycle: Lifecycle = field(default_factory=load_lifecycle)

    @classmethod
    def from_harness(cls, harness: Harness, on_call: CallHook | None = None) -> Target:
        return cls(
            client=harness.client,
            spec=harness.spec,
            merchant_id=harness.settings.credentials.merchant_id or "",
            identity=harness.auth.identity,
            run_id=harness.settings.run_id,
            poller=Poller(harness.settings.poll_timeout),
            ledger=harness.factory.ledger,
            on_call=on_call,
        )

    def path(self, operation_id: str, **params: str) -> str:
        return self.spec.operation(operation_id).url(params)

    def send(
        self,
        operation_id: str,
        *,
        body: object = None,
        query: object = None,
        positive: bool = True,
        **params: str,
    ) -> tuple[httpx.Response, Exchange]:
        operation = self.spec.operation(operation_id)
        response = self.client.request(
            operation.method, self.path(operation_id, **params), json=body, params=query
        )
        if self.on_call is not None:
            self.on_call(operation_id, response.status_code, positive)
        exchange = self.client.last_exchange()
        assert exchange is not None  # the request above was just sent
        return response, exchange

    def read(self, operation_id: str, query: object = None, **params: Any) -> tuple[int, object]:
        response, _ = self.send(operation_id, query=query, **params)
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = response.text
        return response.status_code, body
