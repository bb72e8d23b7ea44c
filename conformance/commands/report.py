"""`ordermesh-conformance report`: rebuild the HTML report from existing results, or merge the
reports of several `run --shard K/N` machines into one (`--merge DIR`, repeatable)."""

from __future__ import annotations

from pathlib import Path

from conformance.reporting.allure_report import build_html
from conformance.reporting.run_outputs import LIFECYCLE_SVG, finish_summary, write_picture
from conformance.reporting.summary import render_table
from conformance.settings import ConfigError
from spec import SPEC_PATH, load_lifecycle, load_spec


def report(reports_dir: Path, merge: list[Path] | None = None, spec_path: str | None = None) -> int:
    status = 0
    if merge:
        from conformance.reporting.shards import merge_shards

        summary = merge_shards(merge, reports_dir, spec_path)
        picture_problem = write_picture(reports_dir, load_lifecycle(), summary)
        finish_summary(reports_dir, summary, load_spec(spec_path or SPEC_PATH), None)
        print(render_table(summary))
        if picture_problem:
            print(picture_problem)
        if summary["error"]:
            print(f"error: {summary['error']}")
        status = 0 if summary["passed"] else 1
    results = reports_dir / "allure-results"
    if not results.is_dir():
        raise ConfigError(
            f"--reports-dir {reports_dir}: no allure-results/ inside; run `ordermesh-conformance run` first"
        )
    problem = build_html(
        results,
        reports_dir / "allure-report",
        "OrderMesh conformance",
        attachments=(reports_dir / LIFECYCLE_SVG,),
    )
    print(problem or f"report: {reports_dir / 'allure-report' / 'index.html'}")
    return status
