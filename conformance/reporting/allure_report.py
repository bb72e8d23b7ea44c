"""Allure results extras (environment, categories) and the HTML report (Allure 3 CLI)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from conformance.reporting.categories import allure_categories

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def write_results_extras(results_dir: Path, environment: dict[str, str]) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    lines = [f"{key}={str(value).replace(chr(10), ' ')}" for key, value in environment.items()]
    (results_dir / "environment.properties").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (results_dir / "categories.json").write_text(
        json.dumps(allure_categories(), indent=2), encoding="utf-8"
    )


def allure_command() -> list[str] | None:
    local = PROJECT_ROOT / "node_modules" / ".bin" / "allure"
    if local.exists() and shutil.which("node"):
        return [str(local)]
    if shutil.which("npx"):
        return ["npx", "--no-install", "allure"]
    return None


def build_html(results_dir: Path, report_dir: Path, title: str) -> str | None:
    """Build a single-file HTML report. Returns a problem description, or None on success."""
    command = allure_command()
    if command is None:
        return "Node.js is not installed: skipped the HTML report (allure-results/ is still usable)"
    # Allure 3 ignores categories.json in the results; it takes categories from its config.
    config = report_dir.parent / "allurerc.json"
    config.write_text(
        json.dumps(
            {
                "name": title,
                "output": str(report_dir),
                "categories": allure_categories(),
                "plugins": {"awesome": {"options": {"singleFile": True, "reportName": title}}},
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    if report_dir.exists():
        shutil.rmtree(report_dir)
    result = subprocess.run(
        [*command, "generate", str(results_dir), "-o", str(report_dir), "-c", str(config)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if result.returncode != 0:
        return f"allure generate failed ({result.returncode}): {result.stderr.strip()[:300]}"
    return None


def report_totals(report_dir: Path) -> dict[str, int]:
    """Totals as the generated report counts them (zero counts are left out by Allure)."""
    summary = json.loads((report_dir / "summary.json").read_text(encoding="utf-8"))
    stats = summary.get("stats", {})
    return {
        key: int(stats.get(key, 0)) for key in ("total", "passed", "failed", "broken", "skipped")
    }
