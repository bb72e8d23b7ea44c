"""The report files each failure by what the failure says of itself, not by its class name."""

from __future__ import annotations

from dataclasses import replace

import pytest
from schemathesis.core.failures import ServerError
from schemathesis.openapi.checks import UndefinedStatusCode

from conformance.errors import OrderMeshError
from conformance.failures.categories import category_of, error_category, kind_of, violation_key
from conformance.failures.hierarchy import AuditFailure, ConstraintFailure, LifecycleFailure
from conformance.machinery.factory import SetupError
from conformance.reporting.evidence import element_provenance
from spec import load_spec


@pytest.fixture(scope="module")
def operation():
    return replace(load_spec().operation("getOrderById"), provenance="docs")


def ours(failure_class):
    return failure_class(operation="getOrderById", title="t", message="m", check="a_check")


def test_our_failures_are_filed_under_their_own_category(operation) -> None:
    assert category_of(ours(AuditFailure), operation) == "side effect"
    assert category_of(ours(LifecycleFailure), None) == "lifecycle rule"


def test_a_failure_names_its_check_and_derives_from_the_root() -> None:
    failure = ours(LifecycleFailure)
    assert failure.check == "a_check"
    assert isinstance(failure, OrderMeshError) and isinstance(failure, AssertionError)


def test_schemathesis_failures_are_filed_by_their_class(operation) -> None:
    server = ServerError(operation="getOrderById", status_code=500)
    assert category_of(server, operation) == "server error"
    undocumented = UndefinedStatusCode(
        operation="getOrderById",
        status_code=418,
        defined_status_codes=["200"],
        allowed_status_codes=[200],
        message="m",
    )
    assert category_of(undocumented, operation) == "undocumented status"


def test_an_inferred_operation_turns_a_sensitive_category_into_a_contradiction(operation):
    inferred = replace(operation, provenance="inferred")
    assert category_of(ours(ConstraintFailure), inferred) == "spec inference contradicted"
    assert category_of(ours(AuditFailure), inferred) == "side effect"


def test_an_error_no_check_recorded_is_a_suite_error_unless_it_names_a_category() -> None:
    assert error_category(SetupError("refused")) == "precondition refused"
    assert error_category(KeyError("items")) == "suite error"


def test_the_toolkit_errors_share_one_root() -> None:
    from conformance.config.settings import ConfigError
    from conformance.machinery.contract import ContractBreach
    from conformance.stateful.entities import TableGap
    from conformance.transport.auth import AuthError

    for error in (AuthError, ContractBreach, ConfigError, TableGap, SetupError):
        assert issubclass(error, OrderMeshError), error


def undocumented_418() -> UndefinedStatusCode:
    return UndefinedStatusCode(
        operation="getOrderById",
        status_code=418,
        defined_status_codes=["200"],
        allowed_status_codes=[200],
        message="m",
    )


@pytest.mark.parametrize(
    ("provenance", "category", "kind"),
    [
        ("docs", "undocumented status", "api defect"),
        ("inferred", "spec inference contradicted", "spec inference contradicted"),
        ("observed", "observed behaviour violated", "observed behaviour violated"),
    ],
)
def test_the_broken_elements_provenance_decides_the_kind(operation, provenance, category, kind):
    filed = category_of(undocumented_418(), operation, provenance)
    assert (filed, kind_of(filed)) == (category, kind)


def test_element_provenance_is_judged_as_drift_judges_it(spec):
    """An error body of another shape breaks an inferred schema; a 200 where createOrder
    documents 201 breaks a documented operation; a conformant refusal breaks nothing."""
    other_shape = {"error": {"code": "not_found", "message": "no"}}
    assert element_provenance(spec, "getOrderById", 404, "application/json", other_shape) == (
        "inferred"
    )
    assert element_provenance(spec, "createOrder", 200, "application/json", {"id": "x"}) == "docs"
    refusal = {"statusCode": 404, "message": "no"}
    assert element_provenance(spec, "getOrderById", 404, "application/json", refusal) is None


def test_the_same_side_effect_problem_is_one_violation_wherever_it_shows():
    at_order = ours(AuditFailure)
    at_order.message = "Order order1 event 0: event names ['system'], the caller was 'a'"
    at_note = ours(AuditFailure)
    at_note.message = "Note 0123456789abcdef01234567: event names ['system'], the caller was 'a'"
    other = ours(AuditFailure)
    other.message = "Order order1 event 0: no audit event for the write"
    key = violation_key("audit", at_order, "createOrder")
    assert key == violation_key("audit", at_note, "createNote")
    assert key != violation_key("audit", other, "createOrder")
    assert violation_key("lifecycle_status", ours(LifecycleFailure), "addRefund") is None
