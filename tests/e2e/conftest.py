"""Fixtures for end-to-end tests: the real `ordermesh-conformance` command and a real browser."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

RUN_TIMEOUT = 300  # seconds; a smoke run of a few operations takes about 15


@dataclass
class Finished:
    """One finished `ordermesh-conformance` command and the reports it left."""

    returncode: int
    output: str
    reports: Path

    @property
    def summary(self) -> dict[str, Any]:
        return json.loads((self.reports / "summary.json").read_text(encoding="utf-8"))

    @property
    def allure_stats(self) -> dict[str, int]:
        """The totals Allure computed for the HTML report (allure-report/summary.json)."""
        data = json.loads((self.reports / "allure-report" / "summary.json").read_text("utf-8"))
        return {k: int(v) for k, v in data["stats"].items()}

    def result_statuses(self) -> list[str]:
        """The status of every test result allure-pytest wrote, one file per test."""
        return [
            json.loads(path.read_text(encoding="utf-8"))["status"]
            for path in (self.reports / "allure-results").glob("*-result.json")
        ]


@pytest.fixture(scope="session")
def conformance_cli(repo_root: Path) -> Callable[..., Finished]:
    def run(*args: str, reports: Path) -> Finished:
        command = [sys.executable, "-m", "conformance.cli", *args, "--reports-dir", str(reports)]
        done = subprocess.run(
            command, cwd=repo_root, capture_output=True, text=True, timeout=RUN_TIMEOUT
        )
        return Finished(done.returncode, done.stdout + done.stderr, reports)

    return run


def chromium_path() -> str:
    path = shutil.which("chromium")
    if not path:
        pytest.fail(
            "chromium is not installed: the report browser test needs Debian's `chromium` package "
            "(apt-get install chromium); .ci/run installs it"
        )
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from the system package, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--headless", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-extensions"],
        )  # fmt: skip
        yield chromium
        chromium.close()
