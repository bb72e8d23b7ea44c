"""`ordermesh-conformance diff OLD NEW`: every change between two OpenAPI documents, classified
as breaking, warning or info, and an exit code CI can gate a release on."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import replace
from pathlib import Path

from conformance.commands.usage import Usage
from conformance.diff.bundle import Bundle
from conformance.diff.compare import compare_specs
from conformance.diff.ignore import apply_ignore, load_ignore
from conformance.diff.inputs import DiffSpec, InputError, load_bundle
from conformance.diff.model import Change, at_or_above
from conformance.diff.policy import DEFAULT_NOTICE_DAYS, Policy, parse_notice
from conformance.diff.render import FORMATS, Locator, render
from conformance.diff.source import exists, locate
from conformance.exit_codes import Exit
from spec.loader import SpecError
from spec.overlay import apply_overlays

FAIL_ON = ("breaking", "warning", "never")

USAGE = Usage(
    description="Compare two OpenAPI documents and classify every change as breaking, "
    "warning or info.",
    examples=(
        "diff spec/ordermesh.yaml new/ordermesh.yaml --fail-on breaking",
        "diff old.yaml new.yaml --format githubactions --notice stable=180,beta=30",
        "diff old.yaml new.yaml --ignore accepted-changes.yaml",
    ),
    exits={
        Exit.OK: "no change at or above --fail-on",
        Exit.FAILURES: "a change at or above --fail-on",
        Exit.USAGE: "bad input: a missing file, invalid YAML, not OpenAPI 3, a bad --ignore "
        "file, bad arguments",
    },
    codes=(Exit.OK, Exit.FAILURES, Exit.USAGE),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, help="the current (OLD) spec")
    parser.add_argument("new", type=Path, help="the candidate (NEW) spec")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument(
        "--overlay",
        action="append",
        default=[],
        metavar="FILE",
        dest="overlays",
        help="OpenAPI Overlay applied to OLD first: the spec as you hold it, with the "
        "corrections you accepted (repeatable, in order)",
    )
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="breaking",
        help="exit 1 when a change at or above this level exists (default: breaking)",
    )
    parser.add_argument(
        "--ignore",
        type=Path,
        metavar="FILE",
        help="YAML of accepted changes (rule id, JSON pointer, reason): listed as accepted, "
        "never failing; an entry that matches nothing is a warning",
    )
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="the date x-sunset dates are compared with (YYYY-MM-DD; default: today)",
    )
    parser.add_argument(
        "--notice",
        type=parse_notice,
        default=None,
        help="days of deprecation notice per stability level, e.g. stable=180,beta=30 "
        f"(default: {','.join(f'{k}={v}' for k, v in DEFAULT_NOTICE_DAYS.items())})",
    )


def handle(args: argparse.Namespace) -> int:
    try:
        entries = load_ignore(args.ignore) if args.ignore else None
        old, new = load_bundle(args.old), load_bundle(args.new)
        if args.overlays:
            old = replace(old, document=apply_overlays(old.document, tuple(args.overlays))[0])
        policy = Policy(args.today or dt.date.today(), args.notice or parse_notice(""))
        changes = compare_specs(
            DiffSpec(old.document, args.old), DiffSpec(new.document, args.new), policy
        )
    except InputError as exc:
        print(f"ordermesh-conformance diff: error: {exc}", file=sys.stderr)
        return Exit.USAGE
    except (SpecError, KeyError, TypeError, AttributeError, ValueError) as exc:
        print(
            f"ordermesh-conformance diff: error: cannot compare the documents "
            f"({type(exc).__name__}: {exc})",
            file=sys.stderr,
        )
        return Exit.USAGE
    ignored = None
    if entries is not None:
        changes, ignored = apply_ignore(changes, entries, args.ignore)
        for warning in ignored.warnings():
            print(f"ordermesh-conformance diff: warning: {warning}", file=sys.stderr)
    sys.stdout.write(render(changes, args.format, _locator(old, new), ignored))
    if args.fail_on != "never" and at_or_above(changes, args.fail_on):
        return Exit.FAILURES
    return Exit.OK


def _locator(old: Bundle, new: Bundle) -> Locator:
    def where(change: Change) -> tuple[Path, int]:
        side = new if exists(new, change.location) else old
        path, line = locate(side, change.location)
        # Annotations name files relative to the checkout, which is where CI runs the diff.
        return (path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path), line

    return where
