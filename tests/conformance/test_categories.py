"""The report files each failure by what the failure says of itself, not by its class name."""

from __future__ import annotations

from dataclasses import replace

import pytest
from schemathesis.core.failures import ServerError
from schemathesis.openapi.checks import UndefinedStatusCode

from conformance.checks.failures import AuditFailure, ConstraintFailure, LifecycleFailure
from conformance.errors import OrderMeshError
from conformance.factory import SetupError
from conformance.reporting.categories import category_of, error_category
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
    from conformance.auth import AuthError
    from conformance.contract import ContractBreach
    from conformance.settings import ConfigError
    from conformance.stateful.entities import TableGap

    for error in (AuthError, ContractBreach, ConfigError, TableGap, SetupError):
        assert issubclass(error, OrderMeshError), error
