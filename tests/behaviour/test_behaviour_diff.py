"""Behavioural diff: the mock against its next version lists exactly the seeded changes; the mock
against itself lists none."""

from __future__ import annotations

import json

import pytest

from conformance.behaviour.compare import compare, shape
from conformance.cli import main as cli_main
from conformance.config.settings import MOCK_MERCHANT_A
from conformance.drift.observe import Observation
from ordermesh_mock.config import MockConfig
from ordermesh_mock.next_version import CHANGES, HOLD_AUDIT_ACTION
from ordermesh_mock.server import run_in_thread
from spec import load_spec

SEED = ["--seed", "424242", "--max-examples", "1"]


def main(argv: list[str]) -> int:
    return cli_main(["compare", *argv])


def run(tmp_path, *argv: str) -> tuple[int, dict]:
    code = main([*SEED, "--reports-dir", str(tmp_path), *argv])
    assert (tmp_path / "behaviour-diff.md").is_file()
    return code, json.loads((tmp_path / "behaviour-diff.json").read_text())


@pytest.mark.slow
def test_next_version_shows_exactly_the_seeded_changes(tmp_path):
    code, report = run(tmp_path)
    assert code == 1
    assert report["stopped_flows"] == []
    found = {(d["operation"], d["aspect"]) for d in report["differences"]}
    assert found == {(op, c.aspect) for c in CHANGES for op in c.operations}
    by = {(d["operation"], d["aspect"]): d for d in report["differences"]}
    assert by[("deleteNote", "status")]["a"] == ["204"]
    assert by[("deleteNote", "status")]["b"] == ["200"]
    assert by[("getOrderById", "shape")] | {"keys": []} == {
        "operation": "getOrderById",
        "aspect": "shape",
        "a": [],
        "b": ["$.order.priority: string"],
        "keys": [],
    }
    assert any(HOLD_AUDIT_ACTION in line for line in by[("holdOrder", "audit")]["b"])
    assert by[("getOrderBySafeId", "enum")]["b"] == ["$.order.status = 'Canceled'"]


@pytest.mark.slow
def test_mock_against_itself_shows_nothing(tmp_path):
    url, stop = run_in_thread(MockConfig())
    creds = MOCK_MERCHANT_A
    try:
        flags = {
            "client-id": creds.client_id,
            "client-secret": creds.client_secret,
            "username": creds.username,
            "password": creds.password,
            "merchant-id": creds.merchant_id,
        }
        argv = [item for name, value in flags.items() for item in (f"--{name}", str(value))]
        code, report = run(tmp_path, "--compare-with", url, *argv)
    finally:
        stop()
    assert report["differences"] == []
    assert report["stopped_flows"] == []
    assert report["pairs"] > 49
    assert code == 0


def test_compare_needs_credentials_for_a_live_b(tmp_path, capsys, monkeypatch):
    for name in ("TOKEN", "CLIENT_ID", "CLIENT_SECRET", "USERNAME", "PASSWORD"):
        monkeypatch.delenv(f"ORDERMESH_{name}", raising=False)
    assert main(["--compare-with", "http://127.0.0.1:9", "--reports-dir", str(tmp_path)]) == 2
    assert "no credentials" in capsys.readouterr().err


def test_compare_needs_the_merchant_of_a_live_b(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("ORDERMESH_MERCHANT_ID", raising=False)
    monkeypatch.setenv("ORDERMESH_TOKEN", "t")
    argv = ["--compare-with", "http://127.0.0.1:9", "--reports-dir", str(tmp_path)]
    assert main(argv) == 2
    assert "ORDERMESH_MERCHANT_ID" in capsys.readouterr().err


def test_shape_and_pairing_rules():
    assert shape({"a": [{"b": 1}, {"b": None}]}) == {
        "$: object",
        "$.a: array",
        "$.a[*]: object",
        "$.a[*].b: integer",
        "$.a[*].b: null",
    }
    spec = load_spec()
    a = [
        Observation("deleteNote#0", "deleteNote", "case", 204),
        Observation("listNotes#0", "listNotes", "case", 200, "application/json", {"x": 1}),
        Observation("flow:x:1:getNoteById", "getNoteById", "flow", 404),
    ]
    b = [
        Observation("deleteNote#0", "deleteNote", "case", 500, "application/json", {"m": "x"}),
        Observation("listNotes#0", "listNotes", "case", 200, "application/json", {"x": "1"}),
    ]
    diffs = {(d.operation, d.aspect): d for d in compare(spec, a, b)}
    assert set(diffs) == {
        ("deleteNote", "status"),
        ("listNotes", "shape"),
        ("getNoteById", "status"),
    }
    assert diffs[("listNotes", "shape")].a == ["$.x: integer"]
    assert diffs[("getNoteById", "status")].a == ["flow:x:1:getNoteById ran only here"]
    assert compare(spec, a, a) == []
