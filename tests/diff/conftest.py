"""Fixtures for the spec-diff tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from diff_helpers import FIXTURES


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
