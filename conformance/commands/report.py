"""`ordermesh-conformance report`: rebuild the HTML report from existing results, or merge the
reports of several `run --shard K/N` machines into one (`--merge DIR`, repeatable)."""

from __future__ import annotations

import argparse
from pathlib import Path

from conformance.commands.usage import Usage
from conformance.config.settings import ConfigError
from conformance.exit_codes import Exit
from conformance.reporting.allure_report import build_html
from conformance.reporting.run_outputs import PICTURES, finish_summary, write_picture
from conformance.reporting.summary import render_table
from spec import SPEC_PATH, load_lifecycle, load_spec

USAGE = Usage(
    description="Rebuild the HTML report from a run's allure-results, or merge the reports dirs "
    "of several `run --shard K/N` machines into one.",
    examples=(
        "report --reports-dir reports",
        "report --merge shard-1/reports --merge shard-2/reports --reports-dir merged",
    ),
    exits={
        Exit.OK: "report built (and the merged runs passed)",
        Exit.FAILURES: "the merged runs had failures",
    },
    codes=(Exit.OK, Exit.FAILURES, Exit.USAGE),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reports-dir", default="reports", help="where the report goes")
    parser.add_argument(
        "--merge",
        action="append",
        type=Path,
        default=[],
        metavar="SHARD_DIR",
        help="merge this shard's reports dir into --reports-dir (repeatable)",
    )
    parser.add_argument(
        "--spec", dest="spec_path", help="the shards' --spec (default: spec/ordermesh.yaml)"
    )


def handle(args: argparse.Namespace) -> int:
    return report(Path(args.reports_dir), args.merge, args.spec_path)


def report(reports_dir: Path, merge: list[Path] | None = None, spec_path: str | None = None) -> int:
    status = Exit.OK
    if merge:
        from conformance.reporting.shards import merge_shards
        from conformance.stateful.scenarios import scenario_operations

        summary = merge_shards(merge, reports_dir, scenario_operations(), spec_path)
        picture_problem = write_picture(reports_dir, load_lifecycle(), summary)
        summary = finish_summary(reports_dir, summary, load_spec(spec_path or SPEC_PATH), None)
        print(render_table(summary))
        if picture_problem:
            print(picture_problem)
        if summary["error"]:
            print(f"error: {summary['error']}")
        status = Exit.OK if summary["passed"] else Exit.FAILURES
    results = reports_dir / "allure-results"
    if not results.is_dir():
        raise ConfigError(
            f"--reports-dir {reports_dir}: no allure-results/ inside; "
            "run `ordermesh-conformance run` first"
        )
    problem = build_html(
        results,
        reports_dir / "allure-report",
        "OrderMesh conformance",
        attachments=tuple(reports_dir / name for name in PICTURES),
    )
    print(problem or f"report: {reports_dir / 'allure-report' / 'index.html'}")
    return status
