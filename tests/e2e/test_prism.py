"""Prism serving our own spec: a target whose answers are schema examples, not an OrderMesh.

Its createOrder answers an id ("string") that breaks the schema, so nothing can be set up. The
smoke run must say so once, as a schema failure at createOrder, and list the operations that
needed an order as blocked by it: no setup errors, no suite errors, and messages still readable
although Prism's token is the word "string".
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
from e2e_targets import run_conformance, summary_of

from conformance.transport.liveness import answers
from ordermesh_mock.server import free_port

MERCHANT = "0b6f2f9e-43a4-4a3e-9d7e-1f2a3b4c5d6e"
START_TIMEOUT = 60.0


@pytest.fixture
def prism(repo_root: Path):
    binary = repo_root / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        pytest.fail("Prism is not installed: run `npm ci` (it is pinned in package.json)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(binary), "mock", str(repo_root / "spec" / "ordermesh.yaml"), "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while not answers(url, timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("Prism did not start")
        time.sleep(0.2)
    yield url
    process.kill()
    process.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.long
def test_prism_reports_the_root_cause_and_what_it_blocked(prism, tmp_path):
    result = run_conformance(
        "--base-url",
        prism,
        "--client-id",
        "prism-client",
        "--client-secret",
        "prism-secret-value-0x5eed",
        "--merchant-id",
        MERCHANT,
        "--profile",
        "smoke",
        reports=tmp_path,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-3000:]
    summary = summary_of(tmp_path)
    failures = summary["failures"]
    assert not [f for f in failures if f["check"] in ("suite_error", "setup")], failures
    assert ("createOrder", "response_schema_conformance") in {
        (f["operation"], f["check"]) for f in failures
    }
    blocked = {op: e["blocked_by"] for op, e in summary["operations"].items() if "blocked_by" in e}
    assert len(blocked) >= 30, blocked
    assert {line.split(":")[0] for lines in blocked.values() for line in lines} == {
        "blocked by createOrder"
    }
    messages = "\n".join(f["message"] for f in failures)
    assert '"type": "string"' in messages and "[REDACTED]" not in messages
