"""The versions a run depends on, recorded in one place for `--version`, `summary.json` and
the Allure environment, so a report can be matched to the code and tools that produced it."""

from __future__ import annotations

import json
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from conformance.node_tools import package_dir

DISTRIBUTION = "ordermesh-conformance"
CHECKOUT = Path(__file__).resolve().parent.parent


def python_package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def allure_version() -> str:
    """The Allure 3 report generator's version, from the node_modules the report build uses."""
    folder = package_dir("allure")
    if folder is None:
        return "not installed"
    return str(json.loads((folder / "allure" / "package.json").read_text())["version"])


def git_revision() -> str:
    """The checkout's commit; an installed copy, which has no checkout, names its version."""
    if (CHECKOUT / ".git").exists():
        try:
            command = ["git", "rev-parse", "--short", "HEAD"]
            out = subprocess.run(command, capture_output=True, text=True, timeout=10, cwd=CHECKOUT)
            if out.stdout.strip():
                return out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    return f"v{python_package_version(DISTRIBUTION)}"


def versions(spec_version: str) -> dict[str, str]:
    return {
        DISTRIBUTION: python_package_version(DISTRIBUTION),
        "spec": spec_version,
        "schemathesis": python_package_version("schemathesis"),
        "hypothesis": python_package_version("hypothesis"),
        "allure-pytest": python_package_version("allure-pytest"),
        "allure": allure_version(),
    }


def version_text(spec_version: str) -> str:
    """What `ordermesh-conformance --version` prints: one `name version` pair per line."""
    return "\n".join(f"{name} {value}" for name, value in versions(spec_version).items())
