"""`run --changes DIFF.json`: every change of a spec diff is listed, tested or not touched."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import jsonschema_rs
import pytest

from conformance.coverage.changes import MAX_ELEMENTS, changes_coverage
from ordermesh_mock.next_version import CHANGES
from spec import load_spec
from tests.support.cli import live_env

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "schemas" / "coverage.schema.json"
SPEC = str(ROOT / "spec" / "ordermesh.yaml")
# next_version.py's changes a response schema can show; drift cannot see the others (a renamed
# audit action is a free string, and no drift case reads a cancelled order): see the doc's Limits.
SCHEMA_ASPECTS = ("shape", "status")


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


@contextmanager
def next_version_mock() -> Iterator[str]:
    """`ordermesh-conformance mock --next-version` on a loopback port, until the block ends."""
    port = free_port()
    command = [sys.executable, "-m", "conformance.cli", "mock", "--next-version", "--port"]
    server = subprocess.Popen([*command, str(port)], stdout=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and server.poll() is None:
            with suppress(httpx.TransportError):
                if httpx.get(f"{base_url}/__mock__/health", timeout=2).json()["next_version"]:
                    break
            time.sleep(0.2)
        else:
            pytest.fail(f"mock --next-version did not come up (exit {server.poll()})")
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=30)


def element(op: str, dimension: str, pointer: str, label: str, requests: int) -> dict:
    return {
        "id": f"{dimension}:{op}:{label}",
        "operation": op,
        "dimension": dimension,
        "pointer": pointer,
        "label": label,
        "requests": requests,
    }


def test_a_change_maps_to_its_element_else_to_its_operation():
    spec = load_spec()
    op = spec.operation("deleteNote")
    base = f"#/paths/{op.path.replace('/', '~1')}/{op.method.lower()}"
    elements = [
        element(op.operation_id, "operations", base, op.path, 3),
        element(op.operation_id, "status-codes", f"{base}/responses/404", "404", 0),
    ]
    changes = [
        {"id": "a", "operation": f"{op.method} {op.path}", "location": f"{base[1:]}/responses/404"},
        {"id": "b", "operation": f"{op.method} {op.path}", "location": f"{base[1:]}/responses/299"},
    ]
    found = changes_coverage(spec, changes, elements, "d.json")
    assert (found["total"], found["tested"]) == (2, 1)
    exact, new = found["changes"]
    assert (exact["match"], exact["tested"], exact["elements"]) == (
        "element",
        False,
        ["status-codes:deleteNote:404"],
    )
    assert (new["match"], new["tested"], new["requests"]) == ("operation", True, 3)


def test_a_file_that_is_not_a_diff_is_a_usage_error(run_cli, tmp_path):
    bad = tmp_path / "d.json"
    bad.write_text('{"findings": []}', encoding="utf-8")
    done = run_cli("run", "--changes", str(bad))
    assert done.code == 2 and "--changes" in done.stderr and "diff --format json" in done.stderr
    by_variable = run_cli("run", env={"ORDERMESH_CHANGES": str(tmp_path / "missing.json")})
    assert by_variable.code == 2 and "cannot read it" in by_variable.stderr


def derive_next_version(run_cli, tmp_path: Path, base_url: str) -> list[dict]:
    """docs/validating-a-new-version.md, section 4: drift against the next version, apply the
    overlay, diff; returns the diff's changes (tmp_path/diff.json, the spec tmp_path/next.yaml)."""
    reports = tmp_path / "drift"
    drift = run_cli(
        "drift", "--base-url", base_url, "--seed", "7", "--patch-documented",
        "--reports-dir", str(reports), env=live_env(),
    )  # fmt: skip
    assert drift.code == 1, drift.stdout + drift.stderr  # the next version drifts
    overlay, next_spec = reports / "drift.overlay.yaml", tmp_path / "next.yaml"
    applied = run_cli(
        "drift", "--apply-overlay", str(overlay), "--spec", SPEC, "--out", str(next_spec)
    )
    assert applied.code == 0, applied.stderr
    diff = run_cli("diff", SPEC, str(next_spec), "--format", "json", "--fail-on", "never")
    assert diff.code == 0, diff.stderr
    (tmp_path / "diff.json").write_text(diff.stdout, encoding="utf-8")
    return json.loads(diff.stdout)["changes"]


@pytest.mark.slow
def test_a_run_lists_every_change_of_the_next_version(run_cli, tmp_path):
    with next_version_mock() as base_url:
        changed = derive_next_version(run_cli, tmp_path, base_url)
        done = run_cli(
            "run", "--base-url", base_url, "--spec", str(tmp_path / "next.yaml"),
            "--profile", "smoke", "--seed", "2", "--suite", "properties", "--include", "Notes",
            "--changes", str(tmp_path / "diff.json"), env=live_env(),
        )  # fmt: skip
    assert done.code == 0, done.stdout[-2000:]
    sections = {c["section"] for c in changed}
    assert "Notes" in sections and len(sections) > 1  # the narrow run misses some
    coverage = done.summary["coverage"]
    listed = coverage["changes"]
    assert listed["total"] == len(changed)
    assert [(c["id"], c["location"]) for c in listed["changes"]] == [
        (c["id"], c["location"]) for c in changed
    ]
    operations = {c["operation"] for c in listed["changes"]}
    for change in CHANGES:  # drift saw every schema-visible change of the mock
        if change.aspect in SCHEMA_ASPECTS:
            assert set(change.operations) <= operations, change.name
    requests = {e["id"]: e["requests"] for e in coverage["elements"]}
    for change, diffed in zip(listed["changes"], changed, strict=True):
        assert change["match"] == "element", change  # the run's spec has every changed element
        assert change["tested"] is (change["requests"] > 0)
        shown = sum(requests[e] for e in change["elements"])  # the map's own count
        assert change["requests"] == shown or len(change["elements"]) == MAX_ELEMENTS
        if diffed["section"] == "Notes":
            assert change["tested"] is True, change  # the run's own section
    assert 0 < listed["tested"] < listed["total"]  # both sides of the list are exercised
    assert listed["tested"] == sum(c["tested"] for c in listed["changes"])
    validator = jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(coverage)] == []
    markdown = (done.reports / "summary.md").read_text(encoding="utf-8")
    assert f"changed {len(changed)} things, and this run tested {listed['tested']}" in markdown
    page = (done.reports / "coverage.html").read_text(encoding="utf-8")
    assert page.count("<tr class='change ") == len(changed)
