"""The safe methods are written once (spec.SAFE_METHODS); a read-only run sends nothing else."""

from __future__ import annotations

from schemathesis.config import SchemathesisConfig

from conformance.suites.schema import UNSAFE
from conformance.transport.operations import operation_id_of
from spec import SAFE_METHODS, load_spec
from strategies.formats import schema_with_formats

SPEC = load_spec()


def test_an_operation_is_safe_by_its_method() -> None:
    assert {op.method for op in SPEC if op.is_safe} <= SAFE_METHODS
    assert not any(op.is_safe for op in SPEC if op.method in UNSAFE)
    assert any(op.is_safe for op in SPEC) and not all(op.is_safe for op in SPEC)


def test_a_read_only_schema_keeps_exactly_the_safe_operations() -> None:
    schema = schema_with_formats(SPEC.document, SchemathesisConfig()).exclude(method=UNSAFE)
    kept = {operation_id_of(operation.ok()) for operation in schema.get_all_operations()}
    assert kept == {op.operation_id for op in SPEC if op.is_safe}
