"""Send seeded positive cases (and lifecycle refusals) to a target and record what came back.

Drift and the behavioural diff both start here. Schemathesis generates the cases from the spec;
the conformance `Preparation` swaps in real ids so they reach the business logic. For the
refusals, the lifecycle table names the states and operations, and the `Factory` builds them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import httpx
import hypothesis
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from conformance.config.settings import (
    MOCK_MERCHANT_A,
    Credentials,
    RunSettings,
    mock_credentials_like,
)
from conformance.drift.walk import SchemaWalker
from conformance.machinery.factory import Factory, SetupError
from conformance.machinery.harness import Harness
from conformance.machinery.preparers import Preparation
from conformance.transport.auth import send_renewing
from conformance.transport.operations import OperationRouter, operation_id_of, operation_of
from spec import Spec, load_lifecycle
from spec.lifecycle import Refusal
from strategies.formats import schema_with_formats

# the path or body field that names the refused resource, per lifecycle entity
TARGET_FIELDS = {"order": "orderId", "shipment": "shipmentId"}


@dataclass
class Observation:
    key: str  # stable across targets: "createOrder#2", "refusal:order-hold-closed", "flow:..."
    operation_id: str
    source: str  # case | refusal | flow
    status: int | None  # None: the case could not be prepared
    media_type: str | None = None
    body: Any = None
    note: str = ""  # setup error, or what a refusal probe did
    blocked_by: str | None = None  # the operation that refused this case's setup
    audit: list[tuple[str, tuple[str, ...]]] | None = None  # (action, changed fields), flows only


@dataclass
class ObservedApi:
    """One API to observe: its harness, and a stop function when we started it."""

    label: str
    settings: RunSettings
    harness: Harness
    stop: Callable[[], None] | None = None
    observations: list[Observation] = field(default_factory=list)

    @property
    def walker(self) -> SchemaWalker:
        return SchemaWalker(self.harness.spec.document)

    def close(self) -> None:
        self.harness.close()
        if self.stop:
            self.stop()


class RefusedSetupError(SetupError):
    """A setup call the target refused, with the operation it was (as the suite reports it)."""

    def __init__(self, message: str, operation_id: str | None) -> None:
        super().__init__(message)
        self.operation_id = operation_id


class LenientFactory(Factory):
    """A factory whose refusals name the operation that refused (drift reports them as
    unprepared cases). Like every factory, it takes any success: a 200 where the spec says 201
    is drift to report, not a reason to stop observing everything that needs an order."""

    def __init__(self, *args: Any, router: OperationRouter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.router = router

    def _usable(self, response: httpx.Response, needs: tuple[str, ...]) -> Any:
        try:
            return super()._usable(response, needs)
        except SetupError as exc:
            request = response.request
            refused = self.router.operation_id(request.method, request.url.path)
            raise RefusedSetupError(str(exc), refused) from None


@contextmanager
def open_target(
    settings: RunSettings,
    label: str,
    faults: tuple[str, ...] = (),
    next_version: bool = False,
    sign_in_like: Credentials | None = None,
) -> Iterator[ObservedApi]:
    """The target of `settings.base_url`, or an embedded mock (merchant A) when there is none.

    The embedded mock's merchant A signs in every way the mock offers, or, given `sign_in_like`,
    only the ways those credentials do (`mock_credentials_like`)."""
    stop = None
    if not settings.base_url:
        from ordermesh_mock.config import MockConfig
        from ordermesh_mock.server import run_in_thread

        credentials = MOCK_MERCHANT_A
        if sign_in_like is not None and sign_in_like.kind is not None:
            credentials = mock_credentials_like(sign_in_like)
        config = MockConfig(faults=faults, next_version=next_version, token=credentials.token)
        base_url, stop = run_in_thread(config)
        settings = replace(settings, base_url=base_url, credentials=credentials)
    try:
        harness = Harness.build(settings, gated=False)
    except Exception:
        if stop:
            stop()
        raise
    factory = LenientFactory(
        harness.client,
        settings.credentials.merchant_id or "",
        settings.run_id,
        harness.factory.ledger,
        spec=harness.spec,
        router=OperationRouter(harness.spec),
    )
    harness.factory = factory
    harness.preparation = Preparation(factory, settings.credentials)
    target = ObservedApi(label, settings, harness, stop)
    try:
        yield target
    finally:
        target.close()


# ---------------------------------------------------------------------- case generation
def load_schema(document: dict, seed: int):
    return schema_with_formats(document, SchemathesisConfig(seed=seed))


def positive_cases(operation, count: int, seed: int) -> list:
    """`count` schema-valid cases for one operation, the same ones for the same seed."""
    cases: list = []
    strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)

    @hypothesis.seed(seed)
    @hypothesis.settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @hypothesis.given(strategy)
    def collect(case) -> None:
        cases.append(case)

    collect()
    return cases[:count]


def request_schema(raw_operation: dict[str, Any]) -> Any:
    """The JSON request schema node (a `$ref` or inline), or an empty schema."""
    body = raw_operation["requestBody"]
    if "$ref" in body:
        return {}  # shared request bodies: none in this spec; send them as generated
    media = body.get("content", {}).get("application/json", {})
    return media.get("schema", {})


def send(target: ObservedApi, case, key: str, source: str, note: str = "") -> Observation:
    operation = target.harness.spec.operation(operation_of(case))
    if operation.raw.get("requestBody") is not None and case.body is not None:
        target.walker.prune(case.body, request_schema(operation.raw))
    harness = target.harness

    def call(headers: dict[str, str]):
        return case.call(base_url=target.settings.base_url, headers=headers, session=harness.http)

    response = send_renewing(harness.auth, call) if operation.needs_auth else call({})
    media = (response.headers.get("content-type") or [None])[0]
    body = None
    if media and "json" in media and response.content:
        try:
            body = response.json()
        except ValueError:
            media = f"{media} (unparsable)"
    return Observation(key, operation.operation_id, source, response.status_code, media, body, note)


def observe_cases(target: ObservedApi, schema, count: int, seed: int) -> None:
    for result in schema.get_all_operations():
        operation = result.ok()
        operation_id = operation_id_of(operation)
        for index, case in enumerate(positive_cases(operation, count, seed)):
            key = f"{operation_id}#{index}"
            try:
                target.harness.preparation.prepare(case)
            except SetupError as exc:
                target.observations.append(unprepared(target, key, operation_id, "case", exc))
                continue
            target.observations.append(send(target, case, key, "case"))


def unprepared(
    target: ObservedApi, key: str, operation_id: str, source: str, exc: SetupError
) -> Observation:
    """A case the target never saw: its setup was refused (by which operation, when known)."""
    note = target.harness.redactor.text(str(exc))
    blocked_by = exc.operation_id if isinstance(exc, RefusedSetupError) else None
    return Observation(key, operation_id, source, None, note=note, blocked_by=blocked_by)


# ---------------------------------------------------------------------- refusal probes
def probe_refusals(target: ObservedApi, schema, seed: int) -> None:
    """Call each refused (state, operation) of the lifecycle table once, on a built resource."""
    lifecycle = load_lifecycle()
    spec = target.harness.spec
    builders = StateBuilder(target.harness.factory)
    for refusal in lifecycle.refusals:
        if not _probeable(spec, refusal):
            continue
        state = next((s for s in refusal.states if builders.can_build(refusal.entity, s)), None)
        if state is None:
            continue
        operation = next(
            r.ok()
            for r in schema.get_all_operations()
            if operation_id_of(r.ok()) == refusal.operation
        )
        case = positive_cases(operation, 1, seed)[0]
        key = f"refusal:{refusal.rule}"
        try:
            target.harness.preparation.prepare(case)
            resource_id = builders.build(refusal.entity, state)
        except SetupError as exc:
            target.observations.append(unprepared(target, key, refusal.operation, "refusal", exc))
            continue
        _retarget(case, TARGET_FIELDS[refusal.entity], resource_id)
        note = f"{refusal.entity} in {state}: the lifecycle table expects {refusal.status}"
        target.observations.append(send(target, case, key, "refusal", note))


def _probeable(spec: Spec, refusal: Refusal) -> bool:
    """A refusal we can aim: no variant, and the operation names the entity's id itself."""
    if refusal.when or refusal.entity not in TARGET_FIELDS:
        return False
    operation = spec.operation(refusal.operation)
    name = TARGET_FIELDS[refusal.entity]
    in_path = any(p.name == name for p in operation.path_parameters())
    in_body = name in (operation.request_schema or {}).get("properties", {})
    return in_path or (refusal.entity == "shipment" and in_body)


def _retarget(case, name: str, resource_id: str) -> None:
    if case.path_parameters and name in case.path_parameters:
        case.path_parameters[name] = resource_id
    elif isinstance(case.body, dict):
        case.body[name] = resource_id


class StateBuilder:
    """One resource per (entity, state), made on first use. Refusals change nothing, so the
    probes can share them."""

    def __init__(self, factory: Factory) -> None:
        self.factory = factory
        self._made: dict[tuple[str, str], str] = {}
        self._recipes: dict[tuple[str, str], Callable[[], str]] = {
            ("order", "Open"): lambda: factory.order()["id"],
            ("order", "Processing"): lambda: factory.shipment()["orderId"],
            ("order", "Fulfilled"): lambda: factory.shipment(
                factory.order(items=1), state="Shipped"
            )["orderId"],
            ("order", "Cancelled"): lambda: factory.cancelled_order()["id"],
            ("order", "CustomerCareHold"): lambda: factory.held_order()["id"],
        }
        for state in load_lifecycle().states("shipment"):

            def recipe(s: str = state) -> str:
                return factory.shipment(state=s)["id"]

            self._recipes[("shipment", state)] = recipe

    def can_build(self, entity: str, state: str) -> bool:
        return (entity, state) in self._recipes

    def build(self, entity: str, state: str) -> str:
        key = (entity, state)
        if key not in self._made:
            self._made[key] = self._recipes[key]()
        return self._made[key]
