"""The toolkit works as a wheel installed outside the checkout, the way tox and users install it:
data files ship with the package, and the Node tools are found through ORDERMESH_NODE_MODULES."""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.versions import versions
from spec import load_spec
from tests.support.summary_schema import read_summary
from tests.support.wheel import build_wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory, repo_root) -> Path:
    """A fresh venv outside the checkout holding our wheel. Its dependencies are this
    environment's (a .pth line), so the test exercises our package's layout, not PyPI."""
    work = tmp_path_factory.mktemp("wheel")
    wheel = build_wheel(repo_root, work)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    purelib = next(venv.glob("lib/python*/site-packages"))
    (purelib / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(purelib)]
    subprocess.run([*install, str(wheel)], check=True, timeout=300)
    return venv


def run(venv: Path, *args: str, cwd: Path, repo_root: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORDERMESH_", "PYTHON"))}
    env["ORDERMESH_NODE_MODULES"] = str(repo_root / "node_modules")
    # -P, as the `ordermesh-conformance` script runs: the working directory is not on sys.path.
    command = [str(venv / "bin" / "python"), "-P", "-m", "conformance.cli", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_installed_copy_is_imported_not_the_checkout(installed, tmp_path, repo_root):
    probe = "import conformance, spec; print(conformance.__file__); print(spec.SPEC_PATH)"
    command = [str(installed / "bin" / "python"), "-c", probe]
    out = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=True).stdout
    assert str(installed) in out and str(repo_root) not in out


def test_lint_finds_spectral_and_its_ruleset(installed, tmp_path, repo_root):
    result = run(installed, "lint", cwd=tmp_path, repo_root=repo_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "openapi-spec-validator:" in result.stdout and "spectral: 0 errors" in result.stdout


def test_version_names_the_toolkit_spec_and_tools(installed, tmp_path, repo_root):
    result = run(installed, "--version", cwd=tmp_path, repo_root=repo_root)
    assert result.returncode == 0, result.stderr
    expected = versions(load_spec().version)
    printed = dict(line.split(" ", 1) for line in result.stdout.splitlines())
    assert printed == expected
    assert "not installed" not in printed.values()


def test_a_one_operation_run_builds_the_html_report(installed, tmp_path, repo_root):
    """Run from the checkout's root, as tox runs it: the checkout's `conformance/` must not
    shadow the installed suites the run hands to pytest."""
    reports = tmp_path / "reports"
    args = ("run", "--profile", "smoke", "--include", "getOrderById", "--reports-dir", str(reports))
    result = run(installed, *args, cwd=repo_root, repo_root=repo_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (reports / "allure-report" / "index.html").stat().st_size > 0
    summary = read_summary(reports)
    assert summary["git_revision"] == f"v{summary['versions']['ordermesh-conformance']}"
    assert summary["versions"]["allure"] == versions("")["allure"]
    environment = (reports / "allure-results" / "environment.properties").read_text()
    assert f"schemathesis={summary['versions']['schemathesis']}" in environment
