"""The machinery keeps no private copy of a fact the spec owns.

Status codes, enum values and paths come from the loaded spec (after any overlay) and the
lifecycle table; a literal copy would not move when the spec is corrected. This test reads the
machinery's source and fails when one comes back.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from spec import Lifecycle, Spec

ROOT = Path(__file__).resolve().parents[2] / "conformance"
MACHINERY = [
    "machinery/contract.py",
    "machinery/factory.py",
    "machinery/preparation.py",
    "machinery/preparers.py",
    "machinery/shipment_preparers.py",
    "machinery/resources.py",
    "transport/polling.py",
    "checks/audit.py",
    "checks/constraints.py",
    "checks/listing.py",
    "checks/ownership.py",
    "checks/read_after_write.py",
    "checks/snapshots.py",
    "checks/sorting.py",
    "checks/tenant.py",
    "checks/timestamps.py",
    "checks/write_answer.py",
    "stateful/checks.py",
    "stateful/driver.py",
]
STATUS_CODES = range(100, 600)


# The one place that says what a 2xx and a 4xx are (HTTP's classes, not the spec's codes).
STATUS_CLASSES = {"is_success", "is_client_error"}


def enum_values(spec: Spec, lifecycle: Lifecycle) -> set[object]:
    """Every wire value and name of the states the lifecycle table names, as text (an integer
    wire value cannot be told from a count in source; the vocabulary tests cover those)."""
    schemas = spec.document.get("components", {}).get("schemas", {})
    found: set[object] = set()
    for entity in lifecycle.entities:
        schema = schemas.get(lifecycle.schema_of(entity), {})
        found.update(str(v) for v in schema.get("enum") or [])
        found.update(lifecycle.states(entity))
    return {v for v in found if not str(v).isdigit()}


def literals(tree: ast.AST) -> Iterator[tuple[int, object, bool]]:
    """(line, value, compared) for each constant; `compared`: an operand of ==, != or in.
    Constants inside the status-class functions are left out."""
    compared: set[int] = set()
    exempt: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                compared.update(id(inner) for inner in ast.walk(operand))
        if isinstance(node, ast.FunctionDef) and node.name in STATUS_CLASSES:
            exempt.update(id(inner) for inner in ast.walk(node))
    for node in ast.walk(tree):
        constant = isinstance(node, ast.Constant) and not isinstance(node.value, bool)
        if constant and id(node) not in exempt:
            yield node.lineno, node.value, id(node) in compared


@pytest.mark.parametrize("module", MACHINERY)
def test_no_status_code_state_value_or_path_is_copied(
    spec: Spec, lifecycle: Lifecycle, module: str
):
    tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
    values = enum_values(spec, lifecycle)
    copies = []
    for line, value, compared in literals(tree):
        if compared and isinstance(value, int) and value in STATUS_CODES:
            copies.append(f"line {line}: status code {value}")
        elif isinstance(value, str) and value.startswith(("/v1/", "/user/")):
            copies.append(f"line {line}: path {value!r}")
        elif compared and value in values:
            copies.append(f"line {line}: enum value {value!r} compared")
    assert copies == [], f"{module} keeps facts the spec owns: {copies}"


def test_the_scan_sees_a_copy(spec: Spec, lifecycle: Lifecycle):
    """The scan itself bites: each kind of copy is found in a made-up module."""
    source = 'if r.status_code == 201 and order["status"] == "Open":\n    get("/v1/orders")\n'
    found = [
        (line, value)
        for line, value, compared in literals(ast.parse(source))
        if (compared and isinstance(value, int) and value in STATUS_CODES)
        or (isinstance(value, str) and value.startswith("/v1/"))
        or (compared and value in enum_values(spec, lifecycle))
    ]
    assert [v for _, v in found] == [201, "Open", "/v1/orders"]
