"""`operation_of(case)` is the one reading of a generated case's operationId."""

from __future__ import annotations

from schemathesis.config import SchemathesisConfig

from conformance.transport.operations import operation_id_of, operation_of
from spec import load_spec
from strategies.formats import schema_with_formats

SPEC = load_spec()
SCHEMA = schema_with_formats(SPEC.document, SchemathesisConfig())


def test_a_case_is_named_by_its_operation_id() -> None:
    operation = SCHEMA.find_operation_by_path("GET", "/v1/orders/abc")
    assert operation is not None
    assert operation_of(operation.Case(path_parameters={"orderId": "abc"})) == "getOrderById"


def test_every_api_operation_has_the_id_the_spec_loader_gives_it() -> None:
    by_route = {(op.method, op.path): op.operation_id for op in SPEC}
    for result in SCHEMA.get_all_operations():
        operation = result.ok()
        route = (operation.method.upper(), operation.path)
        assert operation_id_of(operation) == by_route[route]
