"""`ordermesh-conformance drift`: what the target really returns, against the spec.

Without --base-url it observes the embedded mock (merchant A). Writes drift.md, drift.json and
drift.overlay.yaml to --reports-dir; `--apply-overlay` patches a spec with such an overlay instead.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from conformance.commands.observing import observe
from conformance.commands.options import (
    add_fault_option,
    add_observe_options,
    add_target_options,
    settings_from,
)
from conformance.commands.usage import Usage
from conformance.config.settings import ConfigError, RunSettings
from conformance.drift.analyse import DriftReport, analyse
from conformance.drift.observe import open_target
from conformance.drift.overlay import dump_overlay, propose_overlay
from conformance.drift.render import dumps, markdown
from conformance.exit_codes import Exit
from spec import SPEC_PATH, Spec
from spec.overlay import apply_overlay_file

OVERLAY_FILE = "drift.overlay.yaml"

USAGE = Usage(
    description="Record what the target returns against the spec; write a report and an OpenAPI "
    "Overlay that patches the spec to match. With --apply-overlay, apply such an overlay instead.",
    examples=(
        "drift --base-url https://staging-v2.ordermesh.example",
        "drift --fault order-missing-status --seed 7",
        "drift --base-url http://127.0.0.1:8081 --patch-documented  # mock --next-version",
        (
            "drift --apply-overlay reports/drift.overlay.yaml "
            "--spec spec/ordermesh.yaml --out new.yaml"
        ),
    ),
    exits={Exit.OK: "the target matches the spec", Exit.FAILURES: "the target drifts from it"},
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_fault_option(add_target_options(parser))
    patch = parser.add_argument_group("apply a patch instead of observing")
    patch.add_argument("--apply-overlay", metavar="OVERLAY", help="Overlay file to apply to --spec")
    patch.add_argument("--out", metavar="FILE", help="where the patched spec goes")
    parser.add_argument_group("the patch drift writes").add_argument(
        "--patch-documented",
        action="store_true",
        help="let drift.overlay.yaml also patch the documented elements the target violates, "
        "for a target that is a new version to adopt (default: only inferred elements)",
    )
    add_observe_options(parser, "Hypothesis seed (default: random, printed)")


def run_drift(
    settings: RunSettings, max_examples: int, echo: Callable[[str], None] = print
) -> DriftReport:
    faults = settings.mock_faults
    with open_target(settings, "target", faults=faults) as target:
        label = settings.base_url or "embedded mock" + (
            f" (faults: {', '.join(faults)})" if faults else ""
        )
        echo(f"drift: seed {settings.seed}, spec {settings.spec_path}, target {label}")
        observe(target, max_examples, echo)
        return analyse(settings.load_spec(), label, target.observations)


def write_reports(
    report: DriftReport, reports: Path, spec: Spec, documented: bool = False
) -> Path | None:
    """drift.json, drift.md, and the overlay that corrects the contradicted inferences (none
    when there are none: a documented element the target breaks is the API's defect, patched
    only with `documented`, when the target is a new version to adopt)."""
    reports.mkdir(parents=True, exist_ok=True)
    overlay_path: Path | None = reports / OVERLAY_FILE
    overlay = propose_overlay(spec.document, report, documented=documented)
    if overlay is None:
        (reports / OVERLAY_FILE).unlink(missing_ok=True)
        overlay_path = None
    else:
        (reports / OVERLAY_FILE).write_text(dump_overlay(overlay), encoding="utf-8")
    shown = str(overlay_path) if overlay_path else None
    (reports / "drift.json").write_text(dumps(report, shown), encoding="utf-8")
    (reports / "drift.md").write_text(markdown(report, shown), encoding="utf-8")
    return overlay_path


def apply_command(args: argparse.Namespace) -> int:
    if not args.out:
        raise ConfigError("--apply-overlay needs --out FILE (the patched spec)")
    spec = Path(args.spec_path or SPEC_PATH)
    unmatched = apply_overlay_file(spec, Path(args.apply_overlay), Path(args.out))
    for target in unmatched:
        print(f"warning: target selects nothing, skipped: {target}", file=sys.stderr)
    print(f"patched spec written to {args.out}")
    return Exit.OK


def handle(args: argparse.Namespace) -> int:
    if args.apply_overlay:
        return apply_command(args)
    settings = settings_from(args).check_can_create_data()  # preparers create orders
    report = run_drift(settings, args.max_examples)
    reports = Path(settings.reports_dir)
    overlay_path = write_reports(report, reports, settings.load_spec(), args.patch_documented)
    summarise(report)
    print(f"report: {reports / 'drift.md'}; patch: {overlay_path}")
    if overlay_path is None and report.violated():
        print("documented elements violated are not patched; --patch-documented patches them too")
    return Exit.FAILURES if report.findings else Exit.OK


def summarise(report: DriftReport) -> None:
    print(
        f"{len(report.findings)} finding(s): {len(report.violated())} documented element(s) "
        f"violated, {len(report.contradicted())} inferred contradicted, "
        f"{len(report.confirmed)} inferred confirmed"
    )
    for finding in report.findings:
        print(
            f"  {finding.kind}: {finding.location} {finding.name} ({', '.join(finding.operations)})"
        )
