"""The `ordermesh-conformance` run tests' support: a CLI runner, a mock with known secrets, the
environment of a live run. tests/conftest.py registers the fixtures for every folder."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conformance.config.settings import MOCK_MERCHANT_A, MOCK_MERCHANT_B
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from tests.support.summary_schema import read_summary

# Secret values the run tests use; the secret scan looks for exactly these.
CLIENT_SECRET = "s3cret-client-value-0x5eed"
TOKEN = "static-token-value-0x70ken"


@dataclass
class RunResult:
    code: int
    stdout: str
    stderr: str
    reports: Path

    @property
    def summary(self) -> dict:
        """summary.json, validated against docs/schemas/summary.schema.json."""
        return read_summary(self.reports)


@pytest.fixture
def run_cli(tmp_path):
    """Run the installed CLI in a clean environment (no ORDERMESH_* from the caller)."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> RunResult:
        reports = tmp_path / "reports"
        clean = {k: v for k, v in os.environ.items() if not k.startswith("ORDERMESH_")}
        command = [sys.executable, "-m", "conformance.cli", *args]
        if "--reports-dir" not in args and args and args[0] == "run":
            command += ["--reports-dir", str(reports)]
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, env={**clean, **(env or {})}
        )
        return RunResult(done.returncode, done.stdout, done.stderr, reports)

    return run


@pytest.fixture
def mock_with_secrets():
    """A mock whose client secret and static token are the values the secret scan looks for."""
    base_url, stop = run_in_thread(
        MockConfig(client_id="om-client-a", client_secret=CLIENT_SECRET, token=TOKEN)
    )
    yield base_url
    stop()


def live_env() -> dict[str, str]:
    """The mock's two merchants, as a run against a live target gets them."""
    a, b = MOCK_MERCHANT_A, MOCK_MERCHANT_B
    return {
        "ORDERMESH_MERCHANT_ID": a.merchant_id or "",
        "ORDERMESH_CLIENT_ID": a.client_id or "",
        "ORDERMESH_CLIENT_SECRET": a.client_secret or "",
        "ORDERMESH_TENANT_B_CLIENT_ID": b.client_id or "",
        "ORDERMESH_TENANT_B_CLIENT_SECRET": b.client_secret or "",
    }
