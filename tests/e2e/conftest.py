"""Fixtures for end-to-end tests: the real `ordermesh-conformance` command and a real browser."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.summary_schema import read_summary

RUN_TIMEOUT = 300  # seconds; a smoke run of a few operations takes about 15


@dataclass
class Finished:
    """One finished `ordermesh-conformance` command and the reports it left."""

    returncode: int
    output: str
    reports: Path

    @property
    def summary(self) -> dict[str, Any]:
        """summary.json, validated against docs/schemas/summary.schema.json."""
        return read_summary(self.reports)

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
            "(apt-get install chromium); scripts/setup.py installs it"
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
            args=[
                "--no-sandbox",
                "--headless",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-extensions",
            ],
        )
        yield chromium
        chromium.close()


RENDERED = '[data-testid="metadata-item-total"]'


def open_report_page(context: Any, report: Path, timeout_ms: int = 30_000) -> Any:
    """Open a single-file Allure report in `context` and wait until it has rendered.

    Under full CI load the page has now and then not rendered at all (never when run alone):
    it is reloaded once, with a warning in the test summary so a recurring stall stays visible;
    if it still does not render, the test fails with the page's console and a screenshot."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context.route("http*://**/*", lambda route: route.abort())  # the report must be self-contained
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(report.resolve().as_uri())
    try:
        page.wait_for_selector(RENDERED, timeout=timeout_ms)
    except PlaywrightTimeout:
        warnings.warn(f"report page did not render; reloading (console: {console})", stacklevel=2)
        page.reload()
        try:
            page.wait_for_selector(RENDERED, timeout=timeout_ms)
        except PlaywrightTimeout:
            shot = report.parent / "render-timeout.png"
            page.screenshot(path=str(shot))
            raise AssertionError(f"report did not render; console {console}; {shot}") from None
    return page
