"""`ordermesh-conformance lint`: openapi-spec-validator, then Spectral with spectral:oas."""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path
from typing import Any

from openapi_spec_validator import validate
from openapi_spec_validator.exceptions import OpenAPISpecValidatorError
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from conformance.commands.usage import Usage
from conformance.exit_codes import Exit
from conformance.node_tools import not_found, tool_command
from spec import SPEC_PATH
from spec.loader import SpecError, load_document

SPECTRAL_RULESET = SPEC_PATH.with_name("spectral.yaml")

USAGE = Usage(
    description="Validate the spec with openapi-spec-validator, then lint it with Spectral "
    "(the working directory's .spectral.yaml if any, else the packaged ruleset).",
    examples=("lint", "lint new/ordermesh.yaml"),
    exits={
        Exit.OK: "the spec is valid and has no Spectral errors",
        Exit.FAILURES: "the spec has errors",
        Exit.USAGE: "a linter could not run (Spectral missing or crashed): the spec was not judged",
    },
    codes=(Exit.OK, Exit.FAILURES, Exit.USAGE),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", nargs="?", help="spec file (default: spec/ordermesh.yaml)")


def handle(args: argparse.Namespace) -> int:
    return lint(args.spec)


def ruleset() -> Path:
    """The working directory's own `.spectral.yaml` if it has one, else the packaged ruleset."""
    local = Path.cwd() / ".spectral.yaml"
    return local if local.is_file() else SPECTRAL_RULESET


class SpectralUnavailable(RuntimeError):
    """Spectral could not judge the spec (not installed, or crashed): our side, not the spec's."""


def spectral_findings(spec_path: Path) -> list[dict[str, Any]]:
    """Spectral's findings on `spec_path` with the project's ruleset."""
    spectral = tool_command("spectral")
    if spectral is None:
        raise SpectralUnavailable(not_found("spectral"))
    result = subprocess.run(
        # -q: without it Spectral appends a "No results" line to the JSON on stdout.
        [
            *spectral,
            "lint",
            str(spec_path),
            "-f",
            "json",
            "-q",
            "--fail-severity",
            "error",
            "--ruleset",
            str(ruleset()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        findings: list[dict[str, Any]] = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        raise SpectralUnavailable(
            f"spectral failed ({result.returncode}): {result.stderr.strip()[:300]}"
        ) from None
    return findings


def lint(path: str | None) -> int:
    """0 clean; 1 the spec has errors; 2 a linter could not run (the spec was not judged)."""
    spec_path = Path(path) if path else SPEC_PATH
    try:
        document = load_document(spec_path)
        if not isinstance(document.get("openapi"), str):
            raise SpecError(f'{spec_path}: `openapi` must be a version string such as "3.1.0"')
        validate(document)
        print(f"openapi-spec-validator: {spec_path} is valid")
    except (SpecError, OpenAPISpecValidatorError, OpenAPIValidationError) as exc:
        print(f"openapi-spec-validator: {exc or type(exc).__name__}")
        return Exit.FAILURES
    try:
        findings = spectral_findings(spec_path)
    except SpectralUnavailable as exc:
        print(f"{exc}; only the validator ran")
        return Exit.USAGE
    names = {0: "error", 1: "warning", 2: "info", 3: "hint"}
    for f in findings:
        line = f["range"]["start"]["line"] + 1
        print(f"spectral {names[f['severity']]} {f['code']} line {line}: {f['message']}")
    errors = sum(1 for f in findings if f["severity"] == 0)
    print(f"spectral: {errors} errors, {len(findings) - errors} other findings")
    return Exit.FAILURES if errors else Exit.OK
