"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from spec import Lifecycle, Spec, load_lifecycle, load_spec
from tests.support.cli import mock_with_secrets, run_cli

__all__ = ["mock_with_secrets", "run_cli"]  # the CLI runner's fixtures, for every folder

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="session")
def lifecycle() -> Lifecycle:
    return load_lifecycle()
