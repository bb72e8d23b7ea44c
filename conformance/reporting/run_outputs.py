"""The run's outputs for people, written around the HTML report: lifecycle.svg and
coverage.html before it (the report shows them on its overview), then summary.json's history
fields and summary.md after it (the history gains this run's point only when Allure builds
the report)."""

from __future__ import annotations

from pathlib import Path

from conformance.config.settings import RunSettings
from conformance.coverage.page import PAGE, write_page
from conformance.reporting.history import changes_since_last, read_points
from conformance.reporting.lifecycle_diagram import write_lifecycle_svg
from conformance.reporting.markdown import render_markdown
from conformance.reporting.outcome import RunOutcome, with_history
from conformance.reporting.summary import write_summary
from spec import Lifecycle, Spec

LIFECYCLE_SVG = "lifecycle.svg"
# What the Allure overview shows among its global attachments, written before the report.
PICTURES = (LIFECYCLE_SVG, PAGE)
HISTORY_FILE = "history.jsonl"


def history_file(settings: RunSettings) -> Path:
    """Outside the outputs a run clears, so the trend survives the next run."""
    return Path(settings.history_path or Path(settings.reports_dir) / HISTORY_FILE)


def write_picture(reports: Path, lifecycle: Lifecycle, summary: RunOutcome) -> str | None:
    """lifecycle.svg (returns why it could not be drawn, or None) and coverage.html."""
    if summary.get("coverage"):
        write_page(reports / PAGE, summary["coverage"])
    return write_lifecycle_svg(reports / LIFECYCLE_SVG, lifecycle, summary["lifecycle"])


def finish_summary(
    reports: Path, summary: RunOutcome, spec: Spec, history: Path | None
) -> RunOutcome:
    """Add what changed since the previous run (None without a history point for this run, as
    when the report was not built), then write both summaries."""
    changes = changes_since_last(read_points(history)) if history else {}
    summary = with_history(summary, changes)
    write_summary(reports / "summary.json", summary)
    (reports / "summary.md").write_text(render_markdown(summary, spec), encoding="utf-8")
    return summary
