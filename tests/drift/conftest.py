"""Fixtures for the drift tests: drift against an embedded mock, quietly, once per setup."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from drift_helpers import FAULTS, drift_args

from conformance.commands.drift import run_drift
from conformance.commands.options import settings_from
from conformance.drift.analyse import DriftReport
from spec import SPEC_PATH


@pytest.fixture(scope="session")
def drift() -> Callable[..., DriftReport]:
    def run(faults: tuple[str, ...] = (), spec: Path = SPEC_PATH) -> DriftReport:
        settings = settings_from(drift_args(spec, faults=faults))
        return run_drift(settings, max_examples=1, echo=lambda _: None)

    return run


@pytest.fixture(scope="session")
def faulty_report(drift) -> DriftReport:
    return drift(FAULTS)
