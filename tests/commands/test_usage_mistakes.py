"""Ordinary mistakes are usage errors (exit 2) in one line that names the closest valid name, found
before anything starts; a merchant the target does not know, or a second target that refuses
us, is the target's problem (exit 3) before the first request of the run."""

from __future__ import annotations

import os
import random

import httpx
import pytest

from conformance.cli import build_parser, main
from conformance.commands import compare, mock, run
from conformance.commands.options import settings_from
from conformance.config.settings import MOCK_MERCHANT_A, MOCK_MERCHANT_B
from conformance.exit_codes import Exit
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from strategies import samples

TOKEN = "mistakes-token"


@pytest.fixture
def nothing_may_start(monkeypatch, tmp_path):
    """No ORDERMESH_* from the caller; a run, a comparison or a mock starting is a test failure
    (main turns the AssertionError into exit 4, never 2)."""
    for name in [n for n in os.environ if n.startswith("ORDERMESH_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)

    def started(*args, **kwargs):
        raise AssertionError("work started before the usage error")

    monkeypatch.setattr(run, "execute", started)
    monkeypatch.setattr(compare, "execute", started)
    monkeypatch.setattr(mock, "serve", started)


MISTAKES = {
    "unknown operation id": (["run", "--include", "creatOrder"], {}, "did you mean createOrder?"),
    "unknown tag": (["run", "--exclude", "Order"], {}, "did you mean Orders?"),
    "unknown fault, run": (
        ["run", "--fault", "create-order-20"],
        {},
        "--fault 'create-order-20': no such fault; did you mean create-order-200?",
    ),
    "unknown fault, nothing close": (
        ["run", "--fault", "nosuchfault"],
        {},
        "no such fault; `ordermesh-conformance mock --list-faults` lists them",
    ),
    "unknown fault, mock": (
        ["mock", "--fault", "create-order-20"],
        {},
        "--fault 'create-order-20': no such fault; did you mean create-order-200?",
    ),
    "read-only flag with a write": (
        ["run", "--read-only", "--include", "createOrder"],
        {},
        "--include 'createOrder' selects writes only, and --read-only",
    ),
    "read-only variable with a write": (
        ["run", "--include", "createOrder"],
        {"ORDERMESH_READ_ONLY": "yes"},
        "selects writes only",
    ),
    "read-only with a scenario": (
        ["run", "--read-only", "--scenario", "notes"],
        {},
        "--scenario 'notes' runs lifecycle scenarios",
    ),
    "read-only with the lifecycle suite only": (
        ["run", "--suite", "lifecycle"],
        {"ORDERMESH_READ_ONLY": "1"},
        "--suite lifecycle runs lifecycle scenarios",
    ),
    "negative preload": (["mock", "--preload", "-1"], {}, "--preload must be 0 or more, got -1"),
    "misspelt run flag": (["run", "--profil", "smoke"], {}, "did you mean --profile?"),
    "misspelt flag with =": (["run", "--inclde=createOrder"], {}, "did you mean --include?"),
    "misspelt drift flag": (["drift", "--max-exampels", "1"], {}, "did you mean --max-examples?"),
    "misspelt variable": (
        ["run"],
        {"ORDERMESH_READONLY": "1"},
        "did you mean ORDERMESH_READ_ONLY?",
    ),
    "misspelt tenant variable": (
        ["compare"],
        {"ORDERMESH_TENANTB_CLIENT_ID": "x"},
        "did you mean ORDERMESH_TENANT_B_CLIENT_ID?",
    ),
}


@pytest.mark.parametrize(("argv", "env", "expected"), MISTAKES.values(), ids=MISTAKES)
def test_a_mistake_exits_2_in_one_line_naming_the_closest(
    argv, env, expected, capsys, monkeypatch, nothing_may_start
):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == Exit.USAGE
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert expected in err


def test_a_pipeline_variable_unlike_ours_is_left_alone():
    args = build_parser().parse_args(["run"])
    environ = {"ORDERMESH_STAGING_URL": "https://staging.example", "ORDERMESH_API_KEY": "k"}
    assert settings_from(args, environ=environ).base_url is None


def test_a_write_is_refused_only_when_nothing_readable_is_included():
    args = build_parser().parse_args(["run", "--read-only", "--include", "Orders"])
    settings = run.checked_settings(args)  # the tag holds reads: those run
    assert settings.read_only and settings.include == ("Orders",)


@pytest.fixture
def mock_with_an_order():
    """A mock whose merchant A has an order, as a merchant's staging account does."""
    base_url, stop = run_in_thread(MockConfig(token=TOKEN))
    payload = samples.create_order_payload(random.Random(3), MOCK_MERCHANT_A.merchant_id, "m-1")
    answer = httpx.post(
        f"{base_url}/v1/orders", json=payload, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert answer.is_success, answer.text
    yield base_url
    stop()


@pytest.mark.slow
def test_a_merchant_the_target_does_not_know_exits_3(run_cli, mock_with_an_order):
    env = {"ORDERMESH_TOKEN": TOKEN, "ORDERMESH_MERCHANT_ID": MOCK_MERCHANT_B.merchant_id or ""}
    result = run_cli("run", "--base-url", mock_with_an_order, "--include", "listOrders", env=env)
    assert result.code == Exit.TARGET, result.stdout + result.stderr
    assert "merchant not accepted by the target" in result.stdout + result.stderr
    assert result.summary["totals"]["cases"] == 0  # not one case was sent


def test_the_second_target_is_checked_before_the_first_request(run_cli, tmp_path):
    env = {"ORDERMESH_TOKEN": TOKEN, "ORDERMESH_MERCHANT_ID": "m-1"}
    first, second = "http://127.0.0.1:9", "http://127.0.0.1:10"  # nothing listens on either
    result = run_cli("run", "--base-url", first, "--compare-with", second, env=env)
    assert result.code == Exit.TARGET, result.stdout + result.stderr
    assert f"--compare-with {second}: target {second} is unreachable" in result.stderr
    assert first not in result.stdout + result.stderr
    compared = run_cli("compare", "--base-url", first, "--compare-with", second, env=env)
    assert compared.code == Exit.TARGET
    assert f"--compare-with {second}" in compared.stderr and first not in compared.stderr
