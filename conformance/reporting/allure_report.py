"""Allure results extras (environment, categories) and the HTML report (Allure 3 CLI)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from conformance.failures.categories import allure_categories
from conformance.node_tools import not_found, package_dir, tool_command


def write_results_extras(results_dir: Path, environment: Mapping[str, object]) -> None:
    """environment.properties; categories go to Allure 3's config (see HtmlReport.start)."""
    results_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"{key}={str(value).replace(chr(10), ' ')}" for key, value in environment.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")


# The tree follows the docs: section > sidebar title > operationId (see allure_steps.label).
TREE = ["epic", "feature", "story"]
HISTORY_LIMIT = 100  # runs Allure keeps in the history file


def allure_config(
    title: str, report_dir: Path, history: Path | None, attachments: list[Path]
) -> dict[str, Any]:
    """Allure 3's config: label-matched categories, the docs' tree, history, overview files."""
    config: dict[str, Any] = {
        "name": title,
        "output": str(report_dir),
        "categories": allure_categories(),
        "globalAttachments": [str(path.resolve()) for path in attachments],
        "plugins": {
            "awesome": {"options": {"singleFile": True, "reportName": title, "groupBy": TREE}}
        },
    }
    if history is not None:
        config["historyPath"], config["historyLimit"] = str(history.resolve()), HISTORY_LIMIT
    return config


ALLURE_CORE = "@allurereport/core"
# Loads Allure while the tests run and generates once told to (see the script's header).
EARLY_GENERATOR = Path(__file__).with_name("allure_generate.mjs")
NO_NODE = "skipped the HTML report (allure-results/ is still usable)"


def no_allure() -> str:
    return f"{not_found('allure')}: {NO_NODE}"


class HtmlReport:
    """A single-file Allure HTML report, built in two halves so that Node's start-up (about a
    second of loading Allure's modules) overlaps the test run: `start()` before the tests,
    `finish()` once the results are complete. Without Allure's modules in a node_modules (e.g.
    a global `allure` on PATH) it falls back to one `allure generate` in `finish()`."""

    def __init__(
        self,
        results_dir: Path,
        report_dir: Path,
        title: str,
        history: Path | None = None,
        attachments: tuple[Path, ...] = (),
    ) -> None:
        self.results_dir, self.report_dir, self.title = results_dir, report_dir, title
        self.history, self.attachments = history, list(attachments)
        self.config = report_dir.parent / "allurerc.json"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> HtmlReport:
        self.report_dir.parent.mkdir(parents=True, exist_ok=True)
        if self.history is not None:
            self.history.parent.mkdir(parents=True, exist_ok=True)
        config = allure_config(self.title, self.report_dir, self.history, self.attachments)
        self.config.write_text(json.dumps(config, indent=2), encoding="utf-8")
        if self.report_dir.exists():
            shutil.rmtree(self.report_dir)
        node_modules = package_dir(ALLURE_CORE)
        if node_modules is not None and shutil.which("node"):
            self.process = subprocess.Popen(
                [
                    "node",
                    str(EARLY_GENERATOR),
                    str(self.results_dir),
                    str(self.config),
                    str(node_modules),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        return self

    def finish(self) -> str | None:
        """Generate the report. Returns a problem description, or None on success."""
        if self.process is not None:
            _, stderr = self.process.communicate(b"go\n", timeout=300)
            code, message = self.process.returncode, stderr.decode(errors="replace")
        else:
            command = tool_command("allure")
            if command is None:
                return no_allure()
            result = subprocess.run(
                [
                    *command,
                    "generate",
                    str(self.results_dir),
                    "-o",
                    str(self.report_dir),
                    "-c",
                    str(self.config),
                ],
                capture_output=True,
                text=True,
                timeout=300,
            )
            code, message = result.returncode, result.stderr
        if code != 0:
            return f"allure generate failed ({code}): {message.strip()[:300]}"
        return None

    def cancel(self) -> None:
        """Stop an early start whose run went wrong; closing stdin without "go" ends it."""
        if self.process is not None and self.process.poll() is None:
            self.process.communicate(b"", timeout=30)


def build_html(
    results_dir: Path, report_dir: Path, title: str, attachments: tuple[Path, ...] = ()
) -> str | None:
    """Build the report from finished results. Returns a problem description, or None.
    No history: a rebuild is not a new run, so it adds no point to the trend."""
    return HtmlReport(results_dir, report_dir, title, attachments=attachments).start().finish()


def report_totals(report_dir: Path) -> dict[str, int]:
    """Totals as the generated report counts them (zero counts are left out by Allure)."""
    summary = json.loads((report_dir / "summary.json").read_text(encoding="utf-8"))
    stats = summary.get("stats", {})
    return {
        key: int(stats.get(key, 0)) for key in ("total", "passed", "failed", "broken", "skipped")
    }
