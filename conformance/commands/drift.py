"""`ordermesh-conformance drift`: what the target really returns, against the spec.

    ordermesh-conformance drift [--base-url URL] [--spec FILE] [--fault NAME ...] [--seed N]
                                [--max-examples N] [--reports-dir DIR] [auth flags]
    ordermesh-conformance drift --apply-overlay OVERLAY --spec IN --out OUT

Without --base-url it observes the embedded mock (merchant A). Writes drift.md, drift.json and
drift.overlay.yaml to --reports-dir. Exit 0 when the target matches the spec, 1 when it drifts,
2 on a usage error, 3 when the target is unreachable or refuses the credentials.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from conformance.commands.options import add_auth_arguments, secret_flags
from conformance.commands.run import TargetError, preflight
from conformance.config_file import find_config, validate
from conformance.drift.analyse import DriftReport, analyse
from conformance.drift.observe import (
    ObservedApi,
    load_schema,
    observe_cases,
    open_target,
    probe_refusals,
)
from conformance.drift.overlay import OverlayError, apply_overlay_file, build_overlay, dump_overlay
from conformance.drift.render import dumps, markdown
from conformance.settings import (
    ConfigError,
    RunSettings,
    credentials_from,
    new_run_id,
)
from spec import SPEC_PATH, load_spec
from spec.loader import SpecError

EXIT_OK, EXIT_DRIFT, EXIT_USAGE, EXIT_TARGET = 0, 1, 2, 3
DEFAULT_EXAMPLES = 2
OVERLAY_FILE = "drift.overlay.yaml"


def add_target_arguments(parser: argparse.ArgumentParser, seed_help: str) -> None:
    """The target, budget and auth flags drift and compare share (auth as in `run`)."""
    target = parser.add_argument_group("target")
    target.add_argument("--spec", dest="spec_path", default=str(SPEC_PATH), help="OpenAPI file")
    target.add_argument(
        "--allow-production", action="store_true", help="allow writes against api.ordermesh.io"
    )
    budget = parser.add_argument_group("budget")
    budget.add_argument("--seed", type=int, help=seed_help)
    budget.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_EXAMPLES,
        metavar="N",
        help=f"positive cases per operation (default {DEFAULT_EXAMPLES})",
    )
    budget.add_argument(
        "--rate-limit",
        type=float,
        metavar="RPS",
        help="max requests per second, every request of the command",
    )
    parser.add_argument("--reports-dir", default="reports", help="where reports go")
    add_auth_arguments(parser)


def settings_for(args: argparse.Namespace, base_url: str | None) -> RunSettings:
    if args.max_examples < 1:
        raise ConfigError(f"--max-examples must be at least 1, got {args.max_examples}")
    if not Path(args.spec_path).is_file():
        raise ConfigError(f"--spec {args.spec_path}: no such file")
    config, source = find_config(args.config)
    validate(config, source)
    flags = secret_flags(args)
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(3), "big")
    settings = RunSettings(
        base_url=base_url,
        spec_path=args.spec_path,
        seed=seed,
        reports_dir=args.reports_dir,
        allow_production=args.allow_production,
        rate_limit=args.rate_limit,
        run_id=new_run_id(),  # compare shares it between its targets: same setup payloads
        credentials=credentials_from(flags, dict(os.environ), config.get("auth", {}), "ORDERMESH_"),
    )
    return settings.check()


def observe(target: ObservedApi, max_examples: int, echo: Callable[[str], None]) -> None:
    """Seeded positive cases for every operation, then one call per probeable refusal."""
    settings = target.settings
    preflight(settings, target.harness.redactor)
    schema = load_schema(target.harness.spec.document, settings.seed)
    started = time.monotonic()
    observe_cases(target, schema, max_examples, settings.seed)
    probe_refusals(target, schema, settings.seed)
    echo(
        f"{target.label}: {len(target.observations)} responses in {time.monotonic() - started:.1f}s"
    )


def run_drift(
    settings: RunSettings, faults: tuple[str, ...], max_examples: int, echo=print
) -> DriftReport:
    with open_target(settings, "target", faults=faults) as target:
        label = settings.base_url or "embedded mock" + (
            f" (faults: {', '.join(faults)})" if faults else ""
        )
        echo(f"drift: seed {settings.seed}, spec {settings.spec_path}, target {label}")
        observe(target, max_examples, echo)
        return analyse(load_spec(settings.spec_path), label, target.observations)


def write_reports(report: DriftReport, reports: Path) -> Path:
    reports.mkdir(parents=True, exist_ok=True)
    overlay_path = reports / OVERLAY_FILE
    document = load_spec(report.spec_path).document
    overlay_path.write_text(dump_overlay(build_overlay(document, report)), encoding="utf-8")
    (reports / "drift.json").write_text(dumps(report, str(overlay_path)), encoding="utf-8")
    (reports / "drift.md").write_text(markdown(report, str(overlay_path)), encoding="utf-8")
    return overlay_path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ordermesh-conformance drift",
        description="Record what the target returns against the spec; write a report and an "
        "OpenAPI Overlay that patches the spec to match.",
    )
    parser.add_argument("--base-url", help="live API base URL (default: start the embedded mock)")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="start the embedded mock with this seeded fault (repeatable)",
    )
    patch = parser.add_argument_group("apply a patch instead of observing")
    patch.add_argument("--apply-overlay", metavar="OVERLAY", help="Overlay file to apply to --spec")
    patch.add_argument("--out", metavar="FILE", help="where the patched spec goes")
    add_target_arguments(parser, "Hypothesis seed (default: random, printed)")
    return parser


def apply_command(args: argparse.Namespace) -> int:
    if not args.out:
        raise ConfigError("--apply-overlay needs --out FILE (the patched spec)")
    unmatched = apply_overlay_file(Path(args.spec_path), Path(args.apply_overlay), Path(args.out))
    for target in unmatched:
        print(f"warning: target selects nothing, skipped: {target}", file=sys.stderr)
    print(f"patched spec written to {args.out}")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.apply_overlay:
            return apply_command(args)
        if args.base_url and args.fault:
            raise ConfigError("--fault applies to the embedded mock only; drop it or --base-url")
        settings = settings_for(args, args.base_url)
        report = run_drift(settings, tuple(args.fault), args.max_examples)
        overlay_path = write_reports(report, Path(args.reports_dir))
    except (ConfigError, OverlayError, SpecError) as exc:
        print(f"ordermesh-conformance drift: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TargetError as exc:
        print(f"ordermesh-conformance drift: error: {exc}", file=sys.stderr)
        return EXIT_TARGET
    print(
        f"{len(report.findings)} finding(s): {len(report.violated())} documented element(s) "
        f"violated, {len(report.contradicted())} inferred contradicted, "
        f"{len(report.confirmed)} inferred confirmed"
    )
    for finding in report.findings:
        print(
            f"  {finding.kind}: {finding.location} {finding.name} ({', '.join(finding.operations)})"
        )
    print(f"report: {Path(args.reports_dir) / 'drift.md'}; patch: {overlay_path}")
    return EXIT_DRIFT if report.findings else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
