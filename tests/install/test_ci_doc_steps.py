"""docs/ci.md's pipelines work on every outcome: their steps, run as written, on a green, a red
and a target-down run.

The GitHub Actions job and the GitLab CI job are read from the page's YAML. Their shell steps
run with bash as the runners do (`-eo pipefail`), with the step's `env:` filled in for a mock:
a clean one (exit 0), one with a seeded fault (exit 1), and a port nobody listens on (exit 3).
The steps that publish (`cat reports/summary.md >> "$GITHUB_STEP_SUMMARY"`, the JUnit report
actions, GitLab's `reports: junit`) must find their files on all three. The install step is the
environment these tests already run in, and is not repeated. The documented command runs as it
is; ORDERMESH_INCLUDE and ORDERMESH_SUITE, which a pipeline may set like any variable, keep it
to one property test so the three outcomes take seconds.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from junitparser import Error, Failure, JUnitXml

from conformance.config.settings import MOCK_MERCHANT_A
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import free_port, run_in_thread

INSTALL = re.compile(r"^(pip install|npm ci)\b")
CREDENTIALS = {
    "ORDERMESH_CLIENT_ID": MOCK_MERCHANT_A.client_id or "",
    "ORDERMESH_CLIENT_SECRET": MOCK_MERCHANT_A.client_secret or "",
    "ORDERMESH_MERCHANT_ID": MOCK_MERCHANT_A.merchant_id or "",
}
NARROW = {"ORDERMESH_INCLUDE": "createOrder", "ORDERMESH_SUITE": "properties"}
OUTCOMES = {"green": (0, "PASSED"), "red": (1, "FAILED"), "down": (3, "TARGET NOT JUDGED")}


def yaml_job(page: str, heading: str) -> dict[str, Any]:
    """The job of the first YAML block under the first `## heading`."""
    section = page.split(f"\n## {heading}\n", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, flags=re.S)
    assert block, heading
    [job] = yaml.safe_load(block.group(1)).values()
    return job


@pytest.fixture(scope="module")
def page(repo_root: Path) -> str:
    return (repo_root / "docs" / "ci.md").read_text(encoding="utf-8")


@pytest.fixture(params=list(OUTCOMES))
def target(request) -> Iterator[tuple[str, str]]:
    if request.param == "down":
        yield request.param, f"http://127.0.0.1:{free_port()}"  # nothing listens there
        return
    faults = ("create-order-200",) if request.param == "red" else ()
    base_url, stop = run_in_thread(MockConfig(faults=faults))
    yield request.param, base_url
    stop()


def shell(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ORDERMESH_")}
    path = os.pathsep.join([str(Path(sys.executable).parent), clean.get("PATH", "")])
    return subprocess.run(
        ["bash", "-eo", "pipefail", "-c", command],
        cwd=cwd,
        env={**clean, "PATH": path, **NARROW, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def step_env(declared: dict[str, str], url: str) -> dict[str, str]:
    """The step's `env:` with a value for each name: the target URL, or the mock's merchant."""
    values = {}
    for name in declared:
        values[name] = url if name.endswith("STAGING_URL") else CREDENTIALS[name]
    return values


def check_junit(path: Path, outcome: str) -> None:
    results = [r for suite in JUnitXml.fromfile(str(path)) for case in suite for r in case.result]
    kinds = {type(r) for r in results} & {Error, Failure}
    assert kinds == {"green": set(), "red": {Failure}, "down": {Error}}[outcome], results


@pytest.mark.slow
def test_the_github_job_runs_and_publishes_on_every_outcome(page, target, tmp_path):
    outcome, url = target
    expected_exit, verdict = OUTCOMES[outcome]
    step_summary = tmp_path / "step-summary.md"
    published = []
    for step in yaml_job(page, "GitHub Actions")["steps"]:
        inputs = step.get("with") or {}
        if "run" in step and not INSTALL.match(step["run"]):
            env = {**step_env(step.get("env") or {}, url), "GITHUB_STEP_SUMMARY": str(step_summary)}
            done = shell(step["run"], tmp_path, env)
            wanted = expected_exit if "ordermesh-conformance run" in step["run"] else 0
            assert done.returncode == wanted, (step["run"], done.stdout, done.stderr)
        elif "report_paths" in inputs:
            check_junit(tmp_path / inputs["report_paths"], outcome)
            published.append(inputs["report_paths"])
    assert published, "no JUnit report step"
    assert verdict in step_summary.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_gitlab_job_runs_and_publishes_on_every_outcome(page, target, tmp_path):
    outcome, url = target
    expected_exit, _ = OUTCOMES[outcome]
    job = yaml_job(page, "GitLab CI")
    env = {**CREDENTIALS, "ORDERMESH_STAGING_URL": url}
    for line in job["script"]:
        if not INSTALL.match(line):
            done = shell(line, tmp_path, env)
            assert done.returncode == expected_exit, (line, done.stdout, done.stderr)
    artifacts = job["artifacts"]
    assert artifacts["when"] == "always"
    check_junit(tmp_path / artifacts["reports"]["junit"], outcome)
    for path in artifacts["paths"]:
        if path.endswith((".json", ".md")):  # what a run writes on every exit
            assert (tmp_path / path).is_file(), path
