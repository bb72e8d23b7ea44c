"""A failed test's own exception is recorded, even when the test met a contract finding first."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from conformance.config.settings import RunSettings
from conformance.failures.hierarchy import AuditFailure
from conformance.redaction import Redactor
from conformance.reporting.stats import Stats
from conformance.suites import accounting
from spec import load_spec


@pytest.fixture
def session():
    harness = SimpleNamespace(redactor=Redactor(), spec=load_spec())
    return SimpleNamespace(stats=Stats(), harness=harness, settings=RunSettings(seed=7))


ITEM = SimpleNamespace(name="test_walks", originalname="test_walks", nodeid="x::test_walks")


def finished_with(session, exc: BaseException) -> list[str]:
    accounting.start(session)
    session.stats.failure(  # what the gate recorded while the test went on
        {"check": "status_code_conformance", "operation": "createOrder", "title": "t"}
    )
    accounting.finish(session, ITEM, True, exc)
    return [f["check"] for f in session.stats.failures]


def test_our_crash_after_a_finding_is_recorded_as_ours(session):
    checks = finished_with(session, RuntimeError("a bug of ours"))
    assert checks == ["status_code_conformance", "suite_error"]


def test_a_check_failure_is_not_recorded_twice(session):
    failure = AuditFailure(operation="createOrder", title="t", message="m", check="audit")
    assert finished_with(session, failure) == ["status_code_conformance"]


def test_an_error_its_raiser_recorded_is_not_recorded_twice(session):
    refused = RuntimeError("recorded by the runner")
    setattr(refused, accounting.RECORDED, True)
    assert finished_with(session, refused) == ["status_code_conformance"]


def test_a_test_failed_at_its_own_recorded_breach_is_not_recorded_twice(session):
    with pytest.raises(pytest.fail.Exception) as failed:
        pytest.fail("getOrderById: response_schema_conformance", pytrace=False)
    assert finished_with(session, failed.value) == ["status_code_conformance"]
