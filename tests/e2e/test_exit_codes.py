"""Exit 3 and one honest line when the target is the problem, not the API's conformance.

Wrong static token, a web site instead of an API, a target killed mid-run, nothing listening:
each exits 3 and says which of these it was; none is reported as conformance failures.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from e2e_targets import STATIC_TOKEN as TOKEN
from e2e_targets import MockProcess, clean_env, html_site, run_conformance, serve, summary_of

from conformance.config.settings import MOCK_MERCHANT_A
from conformance.transport.liveness import GATEWAY_DOWN_AFTER
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import free_port, run_in_thread
from tests.support.proxy import CountingProxy
from tests.support.proxy import serve as serve_proxy

WRONG = "wrong-token-value-0x0bad"
MERCHANT = ["--merchant-id", MOCK_MERCHANT_A.merchant_id]
GONE_WITHIN = 40.0  # seconds from the kill to the CLI's exit: watchdog, then the workers' finish


def test_a_wrong_static_token_exits_3_authentication_failed(tmp_path):
    base_url, stop = run_in_thread(MockConfig(token=TOKEN))
    try:
        env = {"ORDERMESH_TOKEN": WRONG}
        done = run_conformance("--base-url", base_url, *MERCHANT, reports=tmp_path, env=env)
    finally:
        stop()
    output = done.stdout + done.stderr
    assert done.returncode == 3, output
    assert "authentication failed" in output
    assert WRONG not in output
    assert "operations tested" not in output  # no table of zeros for a run that never started
    assert summary_of(tmp_path)["failures"] == []


@pytest.mark.parametrize(
    "credentials",
    [
        {"ORDERMESH_TOKEN": TOKEN},
        {"ORDERMESH_CLIENT_ID": "om-client-a", "ORDERMESH_CLIENT_SECRET": "s3cret-0x5eed-abc"},
    ],
    ids=["static-token", "client-credentials"],
)
def test_an_html_site_exits_3_saying_what_answered(tmp_path, credentials):
    base_url, stop = serve(html_site())
    try:
        done = run_conformance("--base-url", base_url, *MERCHANT, reports=tmp_path, env=credentials)
    finally:
        stop()
    output = done.stdout + done.stderr
    assert done.returncode == 3, output
    error_lines = [line for line in output.splitlines() if line.strip()]
    assert len(error_lines) == 1, output
    assert "not an OrderMesh target" in output and "text/html" in output
    assert "Traceback" not in output
    assert summary_of(tmp_path)["passed"] is False


def test_an_unreachable_target_prints_only_the_error(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    env = {"ORDERMESH_TOKEN": TOKEN}
    done = run_conformance("--base-url", url, *MERCHANT, reports=tmp_path, env=env)
    output = done.stdout + done.stderr
    assert done.returncode == 3, output
    assert [line for line in output.splitlines() if line.strip()] == [
        f"error: target {url} is unreachable: ConnectError"
    ]
    assert_target_outputs(tmp_path, "is unreachable")


def assert_target_outputs(reports: Path, what: str) -> None:
    """What CI publishes says the target was the problem: summary.md, and junit.xml's error
    test case (after the tests that ran, if any)."""
    markdown = (reports / "summary.md").read_text(encoding="utf-8")
    assert "TARGET NOT JUDGED" in markdown and what in markdown
    cases = list(ET.parse(reports / "junit.xml").getroot().iter("testcase"))
    errors = [case for case in cases if case.find("error") is not None]
    assert [case.get("name") for case in errors][-1:] == ["target"]
    assert what in errors[-1].find("error").get("message", "")


def wait_for_progress(cli: subprocess.Popen, limit: float = 120) -> str:
    """The run's output up to its first progress line (`[ 1/57] ...`): one test has finished."""
    seen, deadline = "", time.monotonic() + limit
    assert cli.stdout is not None
    while time.monotonic() < deadline:
        line = cli.stdout.readline()
        seen += line
        if not line or line.lstrip().startswith("["):
            return seen
    raise AssertionError(f"no progress within {limit}s: {seen}")


def start_ci_run(base_url: str, reports: Path) -> subprocess.Popen:
    """A run on the ci budget, long enough to be mid-way when the target leaves (a smoke run
    can be over before), in a session of its own so a test can kill all of it."""
    command = [
        sys.executable,
        "-m",
        "conformance.cli",
        "run",
        "--base-url",
        base_url,
        "--token",
        TOKEN,
        *MERCHANT,
        "--profile",
        "ci",
        "--reports-dir",
        str(reports),
    ]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=clean_env(),
        start_new_session=True,
    )


def when_under_way(cli: subprocess.Popen, leave: Callable[[], None], within: float) -> str:
    """Once a test has finished, make the target leave; the run's whole output, after checking
    that the run stopped within `within` seconds of it."""
    try:
        seen = wait_for_progress(cli)  # a test has finished: the suites are under way
        assert cli.poll() is None, "the run ended before the target left"
        leave()
        left = time.monotonic()
        output, _ = cli.communicate(timeout=within + 60)
        stopped_after = time.monotonic() - left
    finally:
        if cli.poll() is None:
            os.killpg(cli.pid, signal.SIGKILL)
    assert stopped_after < within, seen + output
    return seen + output


@pytest.mark.slow
def test_a_target_killed_mid_run_stops_the_run_with_exit_3(tmp_path):
    mock = MockProcess(TOKEN)
    cli = start_ci_run(mock.base_url, tmp_path)
    try:
        output = when_under_way(cli, mock.kill, GONE_WITHIN)
    finally:
        mock.kill()
    assert cli.returncode == 3, output
    assert "error: target went away after" in output
    written = summary_of(tmp_path)
    assert written["complete"] is False and written["passed"] is False
    assert written["incomplete_reason"].startswith("target went away after")
    assert written["totals"]["cases"] > 0
    assert not [f for f in written["failures"] if f["check"] == "suite_error"], written["failures"]
    assert_target_outputs(tmp_path, "target went away after")


def test_a_gateway_whose_api_is_down_exits_3_after_its_retries(tmp_path):
    """A bare 503 on every request, as a gateway answers when the API behind it is down: the
    retries are spent, then exit 3 (the target), not conformance failures."""

    async def gateway(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 503, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    base_url, stop = serve(gateway)
    try:
        env = {"ORDERMESH_TOKEN": TOKEN}
        done = run_conformance("--base-url", base_url, *MERCHANT, reports=tmp_path, env=env)
    finally:
        stop()
    output = done.stdout + done.stderr
    assert done.returncode == 3, output
    assert "down behind its gateway" in output and "503" in output
    assert summary_of(tmp_path)["failures"] == []


@pytest.mark.slow
def test_a_gateway_answering_for_a_target_gone_mid_run_exits_3(tmp_path):
    upstream, stop = run_in_thread(MockConfig(token=TOKEN))
    gateway = CountingProxy(upstream)
    try:
        with serve_proxy(gateway) as base_url:
            cli = start_ci_run(base_url, tmp_path)
            output = when_under_way(
                cli, lambda: setattr(gateway, "down", True), GONE_WITHIN + GATEWAY_DOWN_AFTER
            )
    finally:
        stop()
    assert cli.returncode == 3, output
    assert "error: target went away after" in output
    assert f"its gateway answered 503 for {GATEWAY_DOWN_AFTER:.0f} s" in output
    written = summary_of(tmp_path)
    assert written["complete"] is False and written["passed"] is False
    assert not [f for f in written["failures"] if f["check"] == "suite_error"], written["failures"]
