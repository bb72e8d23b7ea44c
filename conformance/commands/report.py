"""`ordermesh-conformance report`: rebuild the HTML report from existing results."""

from __future__ import annotations

from pathlib import Path

from conformance.reporting.allure_report import build_html
from conformance.settings import ConfigError


def report(reports_dir: Path) -> int:
    results = reports_dir / "allure-results"
    if not results.is_dir():
        raise ConfigError(
            f"--reports-dir {reports_dir}: no allure-results/ inside; run `ordermesh-conformance run` first"
        )
    problem = build_html(results, reports_dir / "allure-report", "OrderMesh conformance")
    print(problem or f"report: {reports_dir / 'allure-report' / 'index.html'}")
    return 0
