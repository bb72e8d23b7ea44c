"""`ordermesh-conformance diff OLD NEW [--format text|markdown|json] [--fail-on ...]`.

Exit codes: 0 no change at or above --fail-on, 1 such a change exists, 2 bad input (missing
file, invalid YAML, not an OpenAPI 3 document, bad arguments).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from conformance.diff.compare import compare_specs
from conformance.diff.model import at_or_above
from conformance.diff.render import FORMATS, render
from spec.loader import Spec, SpecError, load_document

FAIL_ON = ("breaking", "warning", "never")


class InputError(Exception):
    """One line saying what is wrong with an input file."""


class DiffSpec(Spec):
    """The loader's `Spec` for `$ref` resolution (`pointer`, `resolve`), without building the
    operation table: that step insists on operationIds and rejects recursive schemas, neither of
    which stops a diff (the comparer has its own cycle protection)."""

    def __init__(self, document: dict[str, Any], path: Path | None = None) -> None:
        if not isinstance(document, dict) or not isinstance(document.get("paths"), dict):
            raise SpecError(f"{path or 'spec'}: not an OpenAPI document (no 'paths')")
        self.document = document
        self.path = path
        self._translated = {}
        self.operations = ()
        self._by_id = {}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ordermesh-conformance diff",
        description="Compare two OpenAPI documents and classify every change as breaking, "
        "warning or info.",
    )
    parser.add_argument("old", type=Path, help="the current (OLD) spec")
    parser.add_argument("new", type=Path, help="the candidate (NEW) spec")
    parser.add_argument("--format", choices=FORMATS, default="text")
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="breaking",
        help="exit 1 when a change at or above this level exists (default: breaking)",
    )
    return parser


def load(path: Path) -> Spec:
    """Load one side; raise InputError with a one-line reason on any problem."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        document = load_document(path)
    except SpecError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "cannot read"
        raise InputError(first) from None
    if not isinstance(document, dict):
        raise InputError(f"{path}: not an OpenAPI document (top level is not a mapping)")
    version = str(document.get("openapi", ""))
    if not version.startswith("3."):
        found = f"openapi: {version}" if version else "no 'openapi' field"
        if "swagger" in document:
            found = f"swagger: {document['swagger']}"
        raise InputError(f"{path}: not an OpenAPI 3 document ({found})")
    if not isinstance(document.get("paths"), dict):
        raise InputError(f"{path}: not an OpenAPI document (no 'paths' mapping)")
    return DiffSpec(document, path)


def run(argv: list[str]) -> int:
    if argv and argv[0] == "diff" and not Path("diff").exists():
        argv = argv[1:]
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage error
        return 0 if exc.code == 0 else 2
    try:
        old, new = load(args.old), load(args.new)
        changes = compare_specs(old, new)
    except InputError as exc:
        print(f"ordermesh-conformance diff: error: {exc}", file=sys.stderr)
        return 2
    except (SpecError, KeyError, TypeError, AttributeError, ValueError) as exc:
        print(
            f"ordermesh-conformance diff: error: cannot compare the documents "
            f"({type(exc).__name__}: {exc})",
            file=sys.stderr,
        )
        return 2
    sys.stdout.write(render(changes, args.format))
    if args.fail_on == "never":
        return 0
    return 1 if at_or_above(changes, args.fail_on) else 0


def main() -> None:  # pragma: no cover - convenience entry point
    raise SystemExit(run(sys.argv[1:]))
