"""Exit codes: 2 for usage and configuration errors, 3 for an unreachable target or bad auth, 4
when the toolkit itself fails (never 1, which says the API is wrong)."""

from __future__ import annotations

import socket

import pytest

from conformance import cli
from conformance.commands import run
from conformance.config.settings import MOCK_MERCHANT_A, RunSettings
from conformance.exit_codes import PYTEST_TARGET_GONE, Exit


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends


def test_unknown_profile_is_a_usage_error(run_cli):
    result = run_cli("run", "--profile", "huge")
    assert result.code == 2
    assert "--profile" in result.stderr and "huge" in result.stderr


def test_client_id_without_secret_names_the_missing_variable(run_cli):
    result = run_cli("run", env={"ORDERMESH_CLIENT_ID": "om-client-a"})
    assert result.code == 2
    assert "ORDERMESH_CLIENT_SECRET" in result.stderr


def test_non_numeric_seed_variable_is_a_usage_error(run_cli):
    result = run_cli("run", env={"ORDERMESH_SEED": "abc"})
    assert result.code == 2
    assert "ORDERMESH_SEED" in result.stderr


def test_read_only_with_compare_with_is_refused_before_anything_runs(run_cli):
    url = f"http://127.0.0.1:{closed_port()}"
    result = run_cli("run", "--read-only", "--compare-with", url)
    assert result.code == 2
    assert "--compare-with" in result.stderr and "--read-only" in result.stderr
    # Refused before the run started: the reports folder holds only what a usage error leaves.
    assert sorted(p.name for p in result.reports.iterdir()) == [
        "junit.xml",
        "summary.json",
        "summary.md",
    ]
    assert result.summary["exit_code"] == 2 and "--compare-with" in result.summary["error"]


def test_a_live_target_without_a_merchant_id_is_a_usage_error(run_cli):
    url = f"http://127.0.0.1:{closed_port()}"
    result = run_cli("run", "--base-url", url, "--token", "whatever")
    assert result.code == 2
    assert "ORDERMESH_MERCHANT_ID" in result.stderr and "--read-only" in result.stderr


def test_unreachable_target_exits_3_and_still_writes_the_summary(run_cli):
    url = f"http://127.0.0.1:{closed_port()}"
    result = run_cli(
        "run",
        "--base-url",
        url,
        "--token",
        "whatever",
        "--merchant-id",
        MOCK_MERCHANT_A.merchant_id,
    )
    assert result.code == 3, result.stderr
    assert "unreachable" in result.stdout + result.stderr
    summary = result.summary
    assert summary["passed"] is False and "unreachable" in summary["error"]


def test_wrong_credentials_exit_3(run_cli, mock_with_secrets):
    result = run_cli(
        "run",
        "--base-url",
        mock_with_secrets,
        "--client-id",
        "om-client-a",
        "--client-secret",
        "not-the-secret",
        "--merchant-id",
        MOCK_MERCHANT_A.merchant_id,
    )
    assert result.code == 3, result.stdout + result.stderr
    assert "authentication failed" in result.stdout + result.stderr
    assert "not-the-secret" not in result.stdout + result.stderr
    assert result.summary["passed"] is False


def test_an_unexpected_exception_is_an_internal_error_and_keeps_secrets(monkeypatch, capsys):
    secret = "s3cret-value-of-the-client"
    monkeypatch.setenv("ORDERMESH_CLIENT_SECRET", secret)

    def broken(args):
        raise KeyError(f"lost {secret}")

    monkeypatch.setattr(cli, "dispatch", broken)
    assert cli.main(["run", "--profile", "smoke"]) == 4
    err = capsys.readouterr().err
    assert "run: internal error: KeyError" in err and "Traceback" in err
    assert secret not in err


def test_pytest_failing_itself_is_an_internal_error_not_a_finding(run_cli):
    result = run_cli(
        "run",
        "--profile",
        "smoke",
        "--include",
        "getOrderById",
        env={"PYTEST_ADDOPTS": "--no-such-pytest-option"},
    )
    assert result.code == 4, result.stdout[-2000:] + result.stderr[-2000:]
    assert "pytest stopped with exit code 4" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("pytest_code", "target_answers", "expected"),
    [
        (0, True, Exit.OK),
        (1, True, Exit.FAILURES),
        (PYTEST_TARGET_GONE, True, Exit.TARGET),  # the suite saw it go; it is back by now
        (3, True, Exit.INTERNAL),  # pytest's own internal error, with the target fine: ours
        (3, False, Exit.TARGET),  # the same while the target is down: it cannot be judged
        (5, True, Exit.USAGE),  # nothing selected
    ],
)
def test_how_the_suites_pytest_exit_is_blamed(
    monkeypatch, tmp_path, pytest_code, target_answers, expected
):
    class Finished:
        returncode = pytest_code

    monkeypatch.setattr(run.subprocess, "Popen", lambda *args, **kwargs: Finished())
    monkeypatch.setattr(run.liveness, "watch", lambda process, url: None)  # it stayed
    monkeypatch.setattr(run.liveness, "answers", lambda url: target_answers)
    settings = RunSettings(base_url="http://127.0.0.1:9")
    assert run.run_pytest(settings, tmp_path)[1] == expected
