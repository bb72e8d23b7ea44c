"""The machinery tests' target: a fresh mock and a harness of both its merchants."""

from __future__ import annotations

import pytest

from conformance.config.settings import MOCK_MERCHANT_A, MOCK_MERCHANT_B, RunSettings, new_run_id
from conformance.machinery.harness import Harness
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread


@pytest.fixture
def harness():
    url, stop = run_in_thread(MockConfig())
    settings = RunSettings(
        base_url=url, credentials=MOCK_MERCHANT_A, tenant_b=MOCK_MERCHANT_B, run_id=new_run_id()
    )
    built = Harness.build(settings)
    yield built
    built.close()
    stop()
