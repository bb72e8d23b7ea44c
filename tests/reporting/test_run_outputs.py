"""What a run leaves behind: no secrets anywhere, and failures that reproduce with curl."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from conformance.config.settings import MOCK_MERCHANT_A
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from tests.support.cli import CLIENT_SECRET, TOKEN

SMALL = (
    "--profile",
    "smoke",
    "--seed",
    "7",
    "--include",
    "createOrder",
    "--include",
    "getOrderById",
    "--include",
    "getClientToken",
)


@pytest.fixture
def faulty_mock():
    """create-order-200 makes createOrder fail its status check, so failure attachments exist."""
    base_url, stop = run_in_thread(
        MockConfig(
            client_id="om-client-a",
            client_secret=CLIENT_SECRET,
            token=TOKEN,
            faults=("create-order-200",),
        )
    )
    yield base_url
    stop()


def files_containing(root: Path, secrets: tuple[str, ...]) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits += [f"{path}: {s[:4]}…" for s in secrets if s.encode() in data]
    return hits


@pytest.mark.parametrize("auth", ["client", "token"])
def test_no_secret_reaches_any_file_or_output(run_cli, faulty_mock, auth):
    env = (
        {"ORDERMESH_CLIENT_ID": "om-client-a", "ORDERMESH_CLIENT_SECRET": CLIENT_SECRET}
        if auth == "client"
        else {"ORDERMESH_TOKEN": TOKEN}
    )
    result = run_cli(
        "run",
        "--base-url",
        faulty_mock,
        "--merchant-id",
        MOCK_MERCHANT_A.merchant_id,
        *SMALL,
        env=env,
    )
    assert result.code == 1, result.stdout + result.stderr  # the fault was found...
    written = list(result.reports.rglob("*"))
    assert any(p.name.endswith("-attachment.json") for p in written)  # ...and attached
    assert files_containing(result.reports, (CLIENT_SECRET, TOKEN)) == []
    assert CLIENT_SECRET not in result.stdout + result.stderr
    assert TOKEN not in result.stdout + result.stderr


def test_a_failure_carries_a_curl_that_reproduces_it(run_cli, faulty_mock):
    result = run_cli(
        "run",
        "--base-url",
        faulty_mock,
        "--token",
        TOKEN,
        "--merchant-id",
        MOCK_MERCHANT_A.merchant_id,
        *SMALL,
    )
    assert result.code == 1
    failure = next(
        f
        for f in result.summary["failures"]
        if f["operation"] == "createOrder" and f["check"] == "status_code_conformance"
    )
    assert str(result.summary["seed"]) in failure["reproduction"]
    curl = next(line for line in failure["reproduction"].splitlines() if line.startswith("curl "))
    assert re.search(r"-X POST .*/v1/orders", curl)
    # Replay on a fresh mock with the same fault (the run's mock already holds that safeId).
    fresh_url, stop = run_in_thread(MockConfig(token=TOKEN, faults=("create-order-200",)))
    try:
        replay = subprocess.run(
            [
                "bash",
                "-c",
                curl.replace(faulty_mock, fresh_url) + " -s -o /dev/null -w '%{http_code}'",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "ORDERMESH_TOKEN": TOKEN},
        )
    finally:
        stop()
    # The fault answers 200 where the spec says 201: the replay shows the same violation.
    assert replay.stdout == "200", replay.stdout + replay.stderr
