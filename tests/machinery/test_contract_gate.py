"""The contract gate and the poll-until-fresh helper, without a target.

The gate judges an answer the suite's machinery received with Schemathesis' checks and names the
operation that gave it; the poller waits out lag and no longer.
"""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import pytest
from schemathesis.core.failures import ResponseTimeExceeded

from conformance.machinery.contract import (
    FINDINGS,
    ContractBreach,
    ContractGate,
    Need,
    has_field,
    require,
)
from conformance.transport.polling import WriteLog, poll_until

ORDER = "/v1/orders/0123456789abcdef01234567"
BASE = "http://target"


@pytest.fixture(scope="module")
def gate(spec) -> ContractGate:
    return ContractGate(spec)


def answer(method: str, path: str, status: int, **kwargs) -> httpx.Response:
    response = httpx.Response(status, request=httpx.Request(method, BASE + path), **kwargs)
    response.elapsed = timedelta(milliseconds=5)  # set by httpx only for a real exchange
    return response


def test_an_answer_without_its_envelope_is_a_schema_finding_at_its_operation(gate):
    findings = gate.check(answer("GET", ORDER, 200, json={"id": "x"}), BASE)
    assert [(f.operation_id, f.check) for f in findings] == [
        ("getOrderById", "response_schema_conformance")
    ]
    assert (
        findings[0]
        .blocked_line()
        .startswith("blocked by getOrderById: response_schema_conformance")
    )


def test_an_undocumented_status_and_a_wrong_content_type_are_named_by_their_check(gate):
    status = gate.check(answer("GET", ORDER, 418, json={}), BASE)
    assert [f.check for f in status] == ["status_code_conformance"]
    content = gate.check(answer("GET", ORDER, 200, html="<html></html>"), BASE)
    assert "content_type_conformance" in [f.check for f in content]


def test_a_documented_refusal_passes_the_gate(gate):
    assert (
        gate.check(answer("GET", ORDER, 404, json={"statusCode": 404, "message": "no"}), BASE) == []
    )


def test_every_finding_reaches_the_listener_once(spec):
    heard: list[str] = []
    gate = ContractGate(spec, listener=lambda finding, _: heard.append(finding.check))
    gate.check(answer("POST", "/v1/orders", 200, json={"id": "x"}), BASE)
    assert heard and heard.count("status_code_conformance") == 1


ORDER_BODY = {"order": {"id": "0123456789abcdef01234567", "items": [{"id": "i1"}]}}


def judged(gate: ContractGate, response: httpx.Response) -> httpx.Response:
    response.extensions[FINDINGS] = gate.check(response, BASE)
    return response


def test_a_usable_answer_that_broke_the_contract_is_used(gate):
    """An undocumented 2xx with the fields the caller needs: reported, not blocking."""
    created = judged(gate, answer("POST", "/v1/orders", 200, json={"id": "abc"}))
    assert created.extensions[FINDINGS]  # 200 is not documented for createOrder
    require(created, Need(("id",)), gate)  # and still usable: no exception


def test_an_unusable_answer_names_what_was_missing(gate):
    broken = judged(gate, answer("GET", ORDER, 200, json={"order": {"items": []}}))
    with pytest.raises(ContractBreach) as caught:
        require(broken, Need(("order.id",)), gate)
    assert caught.value.blocked_line() == "blocked by getOrderById: no order.id in the answer"


def test_a_conformant_refusal_is_left_to_the_caller(gate):
    refused = judged(gate, answer("GET", ORDER, 404, json={"statusCode": 404, "message": "no"}))
    require(refused, Need(("order.id",)), gate)  # no breach: the caller decides (SetupError)
    assert Need(("order.id",)).missing(refused) == "answered 404"


@pytest.mark.parametrize(
    ("path", "present"),
    [("order.id", True), ("order.items[].id", True), ("order.status", False), ("x[].id", False)],
)
def test_needed_fields_are_read_by_path(path, present):
    assert has_field(ORDER_BODY, path) is present


def test_a_timeout_is_the_target_failure_at_its_operation(gate):
    breach = gate.timed_out(httpx.Request("GET", BASE + ORDER), 10)
    assert (breach.operation_id, breach.check, type(breach.failure)) == (
        "getOrderById",
        "response_time",
        ResponseTimeExceeded,
    )


def test_poll_until_returns_the_first_fresh_answer():
    answers = iter([1, 2, 3, 4])
    assert poll_until(lambda: next(answers), lambda v: v >= 3, timeout=5, interval=0) == 3


def test_poll_until_gives_up_after_the_timeout_with_the_last_answer():
    started = time.monotonic()
    assert poll_until(lambda: "stale", lambda v: False, timeout=0.3, interval=0.05) == "stale"
    assert 0.3 <= time.monotonic() - started < 2


def test_the_write_log_wants_every_write_it_saw_in_the_audit_log():
    log = WriteLog()
    assert not log.knows("o1") and log.shown_by("o1", [])
    log.record(["o1"], "createOrder")
    log.record(["o1"], "holdOrder")
    assert log.knows("o1")
    assert not log.shown_by("o1", [{"action": "createOrder"}])
    assert log.shown_by("o1", [{"action": "createOrder"}, {"action": "holdOrder"}])


def test_a_settled_resource_is_not_waited_for_again_until_written_again():
    log = WriteLog()
    log.record(["n1"], "createNote")
    assert log.pending("n1") and log.pending("p1", parent_id="n1")
    log.settle("n1")
    assert not log.pending("n1")
    log.record(["n1"], "updateNote")
    assert log.pending("n1")


def test_a_needed_field_that_breaks_its_own_schema_is_unusable(gate):
    """Prism's example id "string" is present, but no id: nothing can be set up with it."""
    created = judged(gate, answer("POST", "/v1/orders", 201, json={"id": "string"}))
    with pytest.raises(ContractBreach) as caught:
        require(created, Need(("id",)), gate)
    assert caught.value.blocked_line() == "blocked by createOrder: id 'string' breaks its schema"
