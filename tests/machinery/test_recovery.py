"""An unanswered create is never resent; the next step finds what the target made by the
natural key the spec names, and the unanswered request is still reported at its operation."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from conformance.config.settings import MOCK_MERCHANT_A, MOCK_MERCHANT_B, RunSettings, new_run_id
from conformance.machinery.contract import ContractBreach
from conformance.machinery.harness import Harness
from conformance.stateful.driver import Driver
from conformance.stateful.scenarios import SCENARIOS, run_steps
from conformance.stateful.target import Target
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from spec import Spec
from spec.natural_key import EXTENSION, natural_key
from tests.support.hangup import HangingUpProxy

CREATE = "createOrder"


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    url, stop = run_in_thread(MockConfig())
    yield url
    stop()


@pytest.fixture
def through(mock_url, spec: Spec, request) -> Iterator[tuple[Harness, HangingUpProxy, list]]:
    """A harness behind a proxy that hangs up on the first create (forwarded to the target or
    not, as the test's parameter says); and the findings its gate reported."""
    create = spec.operation(CREATE)
    line = f"^{create.method} {re.escape(create.path)} "
    proxy = HangingUpProxy(mock_url, line, forward=request.param)
    try:
        settings = RunSettings(
            base_url=proxy.base_url,
            credentials=MOCK_MERCHANT_A,
            tenant_b=MOCK_MERCHANT_B,
            run_id=new_run_id(),
            poll_timeout=1.0,
        )
        harness = Harness.build(settings)
        heard: list[ContractBreach] = []
        harness.gate.listener = lambda finding, _: heard.append(finding)
        yield harness, proxy, heard
        harness.close()
    finally:
        proxy.stop()


def test_the_spec_names_a_key_the_create_sends_and_an_operation_that_finds_by_it(spec):
    keyed = [op for op in spec if EXTENSION in op.raw]
    assert keyed, "no operation declares a natural key"
    for op in keyed:
        key = natural_key(spec, op.operation_id)
        assert key is not None, f"{op.operation_id}: nothing finds by {op.raw[EXTENSION]}"
        assert key.field in (op.request_schema or {}).get("properties", {})
        assert key.lookup.method == "GET" and key.lookup.path.startswith(op.path)
    assert natural_key(spec, "createNote") is None


@pytest.mark.parametrize("through", [True], indirect=True)
def test_a_create_the_target_made_unanswered_is_found_and_reported(through, spec):
    harness, proxy, heard = through
    order = harness.factory.order(items=2)
    assert len(proxy.hung_up) == 1
    assert len(order["items"]) == 2
    assert [(f.operation_id, f.check) for f in heard] == [(CREATE, "transport")]
    key = natural_key(spec, CREATE)
    assert key is not None
    assert f"found by {key.field} through {key.lookup.operation_id}" in heard[0].failure.message
    lines = [line for line, _ in proxy.seen]
    assert lines.count(proxy.hung_up[0]) == 1, "an unanswered POST was sent again"
    lookup = f"GET {key.request(order[key.field])[0]} HTTP/1.1"
    assert lines.index(lookup) > lines.index(proxy.hung_up[0])


@pytest.mark.parametrize("through", [False], indirect=True)
def test_a_create_the_target_never_saw_blocks_the_caller(through):
    harness, proxy, heard = through
    with pytest.raises(ContractBreach) as raised:
        harness.factory.order(items=1)
    assert raised.value.check == "transport" and raised.value.operation_id == CREATE
    assert len(proxy.hung_up) == 1
    assert heard == []  # the caller reports it (blocked), not the gate twice


@pytest.mark.parametrize("through", [True], indirect=True)
def test_a_scenario_goes_on_with_the_order_its_unanswered_create_made(through):
    harness, proxy, heard = through
    name, steps = next(iter(SCENARIOS.items()))
    driver = Driver(Target.from_harness(harness), narrate=False)
    run_steps(driver, steps)  # raises on any failure, the verification of the found order too
    assert len(proxy.hung_up) == 1, f"{name} made no order"
    assert [(f.operation_id, f.check) for f in heard] == [(CREATE, "transport")]
    assert all(order.id for order in driver.model.orders.values())
