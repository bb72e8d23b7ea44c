"""A failure against a separately started target replays there, as the console printed it.

As a team does against staging: `ordermesh-conformance mock --fault create-order-200` runs in a
process of its own, the run aims at it with --base-url and client credentials in ORDERMESH_*
variables (and no merchant B), and the replay line printed after the summary table is run as
printed, from another folder, with the same variables. It must fail the same way. The curl
reproduction, with the line that fetches its token, is run with bash too.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.config.settings import MOCK_MERCHANT_A
from conformance.transport.liveness import answers
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import free_port, run_in_thread
from tests.support.summary_schema import read_summary

FAULT = "create-order-200"  # createOrder answers 200 where the spec says 201
RUN = ("--profile", "smoke", "--seed", "252756")
RUN += ("--suite", "properties", "--include", "createOrder")
CREDENTIALS = {
    "ORDERMESH_CLIENT_ID": MOCK_MERCHANT_A.client_id or "",
    "ORDERMESH_CLIENT_SECRET": MOCK_MERCHANT_A.client_secret or "",
    "ORDERMESH_MERCHANT_ID": MOCK_MERCHANT_A.merchant_id or "",
}
BIN = str(Path(sys.executable).parent)  # where `ordermesh-conformance` is installed


def environment() -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ORDERMESH_")}
    return {**clean, **CREDENTIALS, "PATH": os.pathsep.join([BIN, clean.get("PATH", "")])}


@pytest.fixture(scope="module")
def separate_mock() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "conformance.cli", "mock", "--port", str(port), "--fault", FAULT],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not answers(base_url, timeout=0.5):
            assert process.poll() is None and time.monotonic() < deadline, "mock did not start"
            time.sleep(0.1)
        yield base_url
    finally:
        process.kill()
        process.wait(timeout=10)


def run(words: list[str], cwd: Path) -> subprocess.CompletedProcess:
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        words, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=300
    )


def failures(reports: Path) -> set[tuple[str, str]]:
    summary = read_summary(reports)
    return {(f["check"], f["operation"]) for f in summary["failures"]}


def printed_replays(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("ordermesh-conformance run ")]


@pytest.fixture(scope="module")
def first(separate_mock, tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """The run against the separate mock; its reports are in the returned folder."""
    folder = tmp_path_factory.mktemp("first")
    done = run(["ordermesh-conformance", "run", "--base-url", separate_mock, *RUN], folder)
    assert done.returncode == 1, done.stdout + done.stderr
    return done, folder / "reports"


@pytest.mark.slow
def test_the_printed_replay_fails_the_same_way_on_the_same_target(first, tmp_path):
    done, reports = first
    found = failures(reports)
    assert ("status_code_conformance", "createOrder") in found
    [line] = printed_replays(done.stdout)
    assert done.stdout.index(line) > done.stdout.index("operations tested")  # after the table
    assert MOCK_MERCHANT_A.client_secret not in line

    again = run(shlex.split(line), tmp_path / "b")
    assert again.returncode == 1, again.stdout + again.stderr
    assert failures(tmp_path / "b" / "reports") == found
    assert printed_replays(again.stdout) == [line]


@pytest.mark.slow
def test_without_merchant_b_tenant_isolation_is_reported_as_not_run(first):
    done, reports = first
    summary = read_summary(reports)
    assert "ORDERMESH_TENANT_B_CLIENT_ID" in summary["checks_not_run"]["tenant_isolation"]
    assert "check not run: tenant_isolation" in done.stdout
    assert "**tenant_isolation**" in (reports / "summary.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_curl_reproduction_fetches_its_own_token(first, separate_mock):
    done, reports = first
    summary = read_summary(reports)
    failure = next(f for f in summary["failures"] if f["operation"] == "createOrder")
    token, curl = failure["reproduction"].splitlines()[:2]
    assert "ORDERMESH_CLIENT_SECRET" in token and curl.startswith("curl ")
    # On a fresh mock with the fault: the run's mock already holds the case's safeId.
    fresh, stop = run_in_thread(MockConfig(faults=(FAULT,)))
    try:
        script = f"{token}\n{curl} -s -o /dev/null -w '%{{http_code}}'"
        script = script.replace(separate_mock, fresh)
        replayed = subprocess.run(
            ["bash", "-c", script], env=environment(), capture_output=True, text=True, timeout=60
        )
    finally:
        stop()
    assert replayed.stdout == "200", (done.stdout, replayed.stdout, replayed.stderr)
