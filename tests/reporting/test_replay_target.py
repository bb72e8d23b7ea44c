"""A replay line aims at the run's own target, and a curl reproduction gets its own token.

The replay flags come from the settings a run ran with; the token line is run with bash against
a real mock, with each kind of credentials the run can have.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import replace

import httpx
import pytest

from conformance.config.selection import replay_links, replay_operation, replay_scenario
from conformance.config.settings import MOCK_MERCHANT_A, RunSettings
from conformance.transport.auth import KIND_FIELDS, token_operation
from conformance.transport.curl_auth import token_line
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread

LIVE = RunSettings(base_url="https://staging.example", seed=42, profile="smoke")


def flags(line: str) -> list[str]:
    words = shlex.split(line)
    assert words[:2] == ["ordermesh-conformance", "run"], line
    return words[2:]


def value(words: list[str], flag: str) -> str:
    return words[words.index(flag) + 1]


def test_a_live_target_is_named_with_the_seed_profile_and_selection():
    words = flags(replay_operation(LIVE, "createOrder"))
    assert value(words, "--base-url") == "https://staging.example"
    assert (value(words, "--seed"), value(words, "--profile")) == ("42", "smoke")
    assert (value(words, "--suite"), value(words, "--include")) == ("properties", "createOrder")
    assert "--spec" not in words and "--config" not in words and "--fault" not in words


def test_the_embedded_mock_is_not_named_but_its_faults_are():
    embedded = replace(
        LIVE, base_url="http://127.0.0.1:5555", embedded=True, mock_faults=("create-order-200",)
    )
    words = flags(replay_scenario(embedded, "notes"))
    assert "--base-url" not in words
    assert value(words, "--fault") == "create-order-200"
    assert value(words, "--scenario") == "notes"


def test_a_spec_config_file_and_overlay_given_are_named(tmp_path):
    spec, config = tmp_path / "v2 spec.yaml", tmp_path / "om.toml"
    settings = replace(
        LIVE,
        spec_path=str(spec),
        config_path=str(config),
        overlays=("accepted.yaml",),
        read_only=True,
    )
    words = flags(replay_links(replace(settings, include=("Orders",))))
    assert (value(words, "--spec"), value(words, "--config")) == (str(spec), str(config))
    assert value(words, "--overlay") == "accepted.yaml"
    assert value(words, "--include") == "Orders" and "--read-only" in words


def test_no_credential_value_is_in_a_replay_line():
    settings = replace(LIVE, credentials=MOCK_MERCHANT_A)
    line = replay_operation(settings, "createOrder")
    assert MOCK_MERCHANT_A.client_id not in line
    assert MOCK_MERCHANT_A.client_secret not in line


@pytest.mark.parametrize("kind", sorted(KIND_FIELDS))
def test_the_token_operation_is_the_spec_s_and_takes_the_kind_s_fields(spec, kind):
    operation = token_operation(spec, kind)
    assert not operation.needs_auth
    assert set(operation.request_schema["required"]) == set(KIND_FIELDS[kind])
    assert operation.path in token_line(spec, kind, "http://x")


@pytest.fixture(scope="module")
def mock():
    base_url, stop = run_in_thread(MockConfig(token="static-replay-token"))
    yield base_url
    stop()


def shell(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ORDERMESH_")}
    return subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, env={**clean, **env}, timeout=30
    )


CREDENTIALS = {
    "client": {"ORDERMESH_CLIENT_ID": "om-client-a", "ORDERMESH_CLIENT_SECRET": "om-secret-a"},
    "user": {"ORDERMESH_USERNAME": "qa-a@ordermesh.test", "ORDERMESH_PASSWORD": "password-a"},
}


@pytest.mark.parametrize("kind", sorted(CREDENTIALS))
def test_the_token_line_fetches_a_token_the_target_accepts(spec, mock, kind):
    done = shell(f'{token_line(spec, kind, mock)}\necho "$ORDERMESH_TOKEN"', CREDENTIALS[kind])
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    path = spec.operation("listNotes").url({})  # any operation that needs a token
    answer = httpx.get(mock + path, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code != 401, (token, answer.text)
    rejected = httpx.get(mock + path, headers={"Authorization": "Bearer not-a-token"})
    assert rejected.status_code == 401


def test_the_token_line_names_the_variable_it_misses(spec, mock):
    done = shell(token_line(spec, "client", mock), {"ORDERMESH_CLIENT_ID": "om-client-a"})
    assert done.returncode != 0 and "ORDERMESH_CLIENT_SECRET" in done.stderr
    static = shell(token_line(spec, "token", mock), {})
    assert static.returncode != 0 and "set ORDERMESH_TOKEN" in static.stderr
    given = shell(token_line(spec, "token", mock), {"ORDERMESH_TOKEN": "t"})
    assert given.returncode == 0, given.stderr
