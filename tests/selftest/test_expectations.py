"""Every catalogue fault has an expectation naming real checks and real operations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import schemathesis.specs.openapi.checks  # noqa: F401  (registers the OpenAPI checks)
from schemathesis.checks import CHECKS

import conformance.stateful
from conformance.config.settings import PROFILES
from conformance.selftest import expectations
from conformance.selftest.expectations import (
    BY_FAULT,
    EXPECTATIONS,
    PROXY_EXPECTATIONS,
    UnknownFaultError,
    run_profile,
    select,
)
from conformance.selftest.proxy_faults import PROXY_FAULTS
from conformance.suites.runner import check_names
from ordermesh_mock.faults import CATALOGUE


def stateful_check_names() -> set[str]:
    """The stateful scenarios name their checks as check="lifecycle_..."."""
    package = Path(conformance.stateful.__file__).parent
    source = "\n".join(path.read_text(encoding="utf-8") for path in package.glob("*.py"))
    return set(re.findall(r'"(lifecycle_[a-z_]+)"', source))


def known_check_names() -> set[str]:
    return (
        set(check_names()) | stateful_check_names() | {check.__name__ for check in CHECKS.get_all()}
    )


def test_every_catalogue_fault_has_exactly_one_expectation():
    names = [e.fault for e in EXPECTATIONS]
    assert sorted(names) == sorted(f.name for f in CATALOGUE)
    assert len(names) == len(set(names))


def test_every_proxy_fault_has_exactly_one_expectation():
    names = [e.fault for e in PROXY_EXPECTATIONS]
    assert names == list(PROXY_FAULTS)
    assert all(e.proxied for e in PROXY_EXPECTATIONS)
    assert not any(e.proxied for e in EXPECTATIONS)
    assert len(PROXY_FAULTS) >= 12


def test_expected_checks_are_checks_the_suite_runs():
    known = known_check_names()
    for expectation in (*EXPECTATIONS, *PROXY_EXPECTATIONS):
        assert expectation.checks, expectation.fault
        assert set(expectation.checks) <= known, (expectation.fault, expectation.checks)


def test_the_named_project_check_constants_exist():
    ours = set(check_names())
    for name in (
        expectations.AUDIT,
        expectations.READ_AFTER_WRITE,
        expectations.TENANT,
        expectations.LISTING,
        expectations.SINGLE_VIOLATION,
    ):
        assert name in ours


def test_operations_are_spec_operations(spec):
    ids = {op.operation_id for op in spec.operations}
    for expectation in (*EXPECTATIONS, *PROXY_EXPECTATIONS):
        assert expectation.operations and set(expectation.operations) <= ids, expectation.fault


def test_proxy_faults_touch_spec_operations(spec):
    ids = {op.operation_id for op in spec.operations}
    for fault in PROXY_FAULTS.values():
        assert fault.touches and set(fault.touches) <= ids, fault.name


def test_category_comes_from_the_catalogue():
    by_name = {f.name: f.category for f in CATALOGUE}
    assert all(e.category == by_name[e.fault] for e in EXPECTATIONS)
    assert all(e.category == PROXY_FAULTS[e.fault].category for e in PROXY_EXPECTATIONS)


def test_select_all_keeps_catalogue_order_then_the_proxy_faults():
    assert [e.fault for e in select()] == [f.name for f in CATALOGUE] + list(PROXY_FAULTS)


def test_select_mixes_mock_and_proxy_faults():
    chosen = select(["proxy-stale-read", "create-order-200"])
    assert [(e.fault, e.proxied) for e in chosen] == [
        ("create-order-200", False),
        ("proxy-stale-read", True),
    ]


def test_select_subset_in_catalogue_order_without_duplicates():
    chosen = select(["unicode-note-500", "create-order-200", "unicode-note-500"])
    assert [e.fault for e in chosen] == ["create-order-200", "unicode-note-500"]


def test_unknown_fault_is_rejected_with_its_name_and_the_closest_valid_one():
    with pytest.raises(UnknownFaultError) as info:
        select(["create-order-200", "proxy-stale-reed"])
    assert "'proxy-stale-reed': no such fault; did you mean proxy-stale-read?" in str(info.value)
    with pytest.raises(UnknownFaultError) as info:
        select(["no-such-fault"])
    assert "'no-such-fault'" in str(info.value) and "--list-faults" in str(info.value)


def test_profiles_are_known_and_the_larger_budget_wins():
    assert {e.profile for e in (*EXPECTATIONS, *PROXY_EXPECTATIONS)} <= set(PROFILES)
    needs_ci, any_budget = BY_FAULT["ignores-enum"], BY_FAULT["create-order-200"]
    assert run_profile(needs_ci, "smoke") == "ci"
    assert run_profile(needs_ci, "full") == "full"
    assert run_profile(any_budget, "smoke") == "smoke"
