"""`run --compare-with URL` with explicit client credentials: the run's embedded mock against a
mock in next-version mode lists exactly the seeded changes (issue #8: the login operations used
to differ too, and credentials given as flags did not reach the comparison at all).

The credentials are the second target's own (its mock is started with them); the embedded mock
does not know them, so the run half must sign in with the mock's merchants instead."""

from __future__ import annotations

import json

import pytest

from conformance.cli import main
from conformance.config.settings import MOCK_MERCHANT_A, Credentials, mock_credentials_like
from ordermesh_mock.config import MockConfig
from ordermesh_mock.next_version import CHANGES
from ordermesh_mock.server import run_in_thread
from tests.support.summary_schema import read_summary


@pytest.fixture
def seeded_differences() -> set[tuple[str, str]]:
    """(operation, aspect) of every change in ordermesh_mock/next_version.py."""
    return {(op, c.aspect) for c in CHANGES for op in c.operations}


@pytest.fixture
def client_credentials() -> Credentials:
    """Client credentials only (no user), known to the next-version mock alone."""
    return Credentials(
        merchant_id=MOCK_MERCHANT_A.merchant_id,
        client_id="live-client",
        client_secret="live-secret-7f3a9c",
    )


@pytest.fixture
def next_version_mock(client_credentials):
    config = MockConfig(
        next_version=True,
        client_id=client_credentials.client_id,
        client_secret=client_credentials.client_secret,
    )
    url, stop = run_in_thread(config)
    yield url
    stop()


@pytest.fixture
def clean_environment(monkeypatch):
    for name in (
        "BASE_URL",
        "TOKEN",
        "CLIENT_ID",
        "CLIENT_SECRET",
        "USERNAME",
        "PASSWORD",
        "MERCHANT_ID",
        "SEED",
        "REPORTS_DIR",
        "PROFILE",
    ):
        monkeypatch.delenv(f"ORDERMESH_{name}", raising=False)
    return monkeypatch


@pytest.mark.slow
@pytest.mark.parametrize("given_as", ["flags", "env"])
def test_run_compare_with_explicit_credentials_lists_exactly_the_seeded_changes(
    tmp_path,
    capfd,
    clean_environment,
    next_version_mock,
    client_credentials,
    seeded_differences,
    given_as,
):
    c = client_credentials
    values = {
        "client_id": c.client_id,
        "client_secret": c.client_secret,
        "merchant_id": c.merchant_id,
    }
    argv = [
        "run",
        "--profile",
        "smoke",
        "--seed",
        "424242",
        "--include",
        "getClientToken",
        "--reports-dir",
        str(tmp_path),
        "--compare-with",
        next_version_mock,
    ]
    if given_as == "flags":
        argv += [item for k, v in values.items() for item in (f"--{k.replace('_', '-')}", v)]
    else:
        for key, value in values.items():
            clean_environment.setenv(f"ORDERMESH_{key.upper()}", value)

    code = main(argv)

    output = capfd.readouterr()
    summary = read_summary(tmp_path)
    assert summary["passed"], output.out + output.err  # the run itself is clean...
    assert code == 1, output.out + output.err  # ...so the 1 is the diff's "B differs from A"
    report = json.loads((tmp_path / "behaviour-diff.json").read_text())
    assert report["stopped_flows"] == []
    found = {(d["operation"], d["aspect"]) for d in report["differences"]}
    assert found == seeded_differences
    assert c.client_secret not in output.out + output.err
    assert c.client_secret not in (tmp_path / "behaviour-diff.md").read_text()


@pytest.mark.parametrize(
    "other",
    [
        Credentials(client_id="c", client_secret="s"),
        Credentials(username="u", password="p"),
        Credentials(token="t"),
        Credentials(client_id="c", client_secret="s", username="u", password="p"),
    ],
    ids=["client", "user", "token", "client+user"],
)
def test_embedded_mock_signs_in_only_the_ways_the_live_target_does(other):
    mine = mock_credentials_like(other)
    assert mine.kind == other.kind
    assert bool(mine.client_id) == bool(other.client_id)
    assert bool(mine.username) == bool(other.username)  # decides whether loginUser succeeds
    assert mine.merchant_id == MOCK_MERCHANT_A.merchant_id
    assert bool(mine.token) == bool(other.token)
    assert other.token is None or mine.token != other.token  # a fresh one, never the live one
