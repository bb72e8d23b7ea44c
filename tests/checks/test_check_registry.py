"""Every check the suite runs has a unit-test module here: a new check without one goes red.

The registry is what a run uses: the project checks `project_checks` hands Schemathesis, and the
names the stateful scenarios' failures carry (`LifecycleFailure(check, ...)`, found in the
source of conformance/stateful). Each unit-test module says which checks it covers in `COVERS`.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import conformance.stateful
from conformance.suites.runner import check_names

HERE = Path(__file__).parent
LIFECYCLE_CHECK = re.compile(r"lifecycle_[a-z]+")


def suite_checks() -> set[str]:
    return set(check_names())


def lifecycle_checks() -> set[str]:
    """Every `lifecycle_*` string literal of the stateful package: the names its checks report."""
    found = set()
    for module in Path(conformance.stateful.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and LIFECYCLE_CHECK.fullmatch(value):
                found.add(value)
    return found


def covered() -> dict[str, str]:
    """Check name -> the unit-test module that covers it."""
    by_check = {}
    for path in sorted(HERE.glob("test_*_unit.py")):
        module = importlib.import_module(path.stem)
        assert any(name.startswith("test_") for name in vars(module)), path.name
        for check in module.COVERS:
            by_check[check] = path.name
    return by_check


def test_the_registry_is_found():
    assert {"audit_log_side_effect", "tenant_isolation"} <= suite_checks()
    assert {"lifecycle_state", "lifecycle_status"} <= lifecycle_checks()


def test_every_check_has_unit_tests_and_every_covered_name_is_a_check():
    registry = suite_checks() | lifecycle_checks()
    tested = covered()
    assert sorted(registry - tested.keys()) == [], "checks without unit tests"
    assert sorted(tested.keys() - registry) == [], "COVERS names no check the suite runs"
