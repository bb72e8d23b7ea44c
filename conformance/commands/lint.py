"""`ordermesh-conformance lint`: openapi-spec-validator, then Spectral with spectral:oas."""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

from openapi_spec_validator import validate
from openapi_spec_validator.exceptions import OpenAPISpecValidatorError
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from conformance.commands.lint_findings import (
    FORMATS,
    SPECTRAL,
    VALIDATOR,
    LintFinding,
    display_path,
    line_of,
    render,
    spectral_finding,
)
from conformance.commands.usage import Usage
from conformance.errors import UsageError
from conformance.exit_codes import Exit
from conformance.node_tools import not_found, tool_command
from spec import SPEC_PATH
from spec.loader import SpecError, load_document

SPECTRAL_RULESET = SPEC_PATH.with_name("spectral.yaml")

USAGE = Usage(
    description="Validate the spec with openapi-spec-validator, then lint it with Spectral "
    "(the working directory's .spectral.yaml if any, else the packaged ruleset).",
    examples=("lint", "lint new/ordermesh.yaml", "lint --format github"),
    exits={
        Exit.OK: "the spec is valid and has no Spectral errors",
        Exit.FAILURES: "the spec has errors",
        Exit.USAGE: "a linter could not run (Spectral missing or crashed): the spec was not judged",
    },
    codes=(Exit.OK, Exit.FAILURES, Exit.USAGE),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("spec", nargs="?", help="spec file (default: spec/ordermesh.yaml)")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="text: one `file:line` line per finding; json; junit: a JUnit XML document; "
        "github: workflow commands that annotate the file in a pull request",
    )


def handle(args: argparse.Namespace) -> int:
    return lint(args.spec, args.format)


def ruleset() -> Path:
    """The working directory's own `.spectral.yaml` if it has one, else the packaged ruleset."""
    local = Path.cwd() / ".spectral.yaml"
    return local if local.is_file() else SPECTRAL_RULESET


class SpectralUnavailable(UsageError):
    """Spectral could not judge the spec (not installed, or crashed): our side, not the spec's."""

    def __str__(self) -> str:
        return f"{super().__str__()}; only the validator ran"


def spectral_findings(spec_path: Path) -> list[dict[str, object]]:
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
        findings: list[dict[str, object]] = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        raise SpectralUnavailable(
            f"spectral failed ({result.returncode}): {result.stderr.strip()[:300]}"
        ) from None
    return findings


def validator_finding(spec_path: Path, shown: str) -> LintFinding | None:
    """openapi-spec-validator's first error, at the line of the element it is about."""
    try:
        document = load_document(spec_path)
        if not isinstance(document.get("openapi"), str):
            raise SpecError(f'{spec_path}: `openapi` must be a version string such as "3.1.0"')
        validate(document)
    except SpecError as exc:
        return LintFinding(VALIDATOR, "error", "invalid", shown, line_of(spec_path, exc), str(exc))
    except (OpenAPISpecValidatorError, OpenAPIValidationError) as exc:
        message = (str(exc) or type(exc).__name__).split("\n", 1)[0]
        line = line_of(spec_path, exc, list(getattr(exc, "absolute_path", ())))
        return LintFinding(VALIDATOR, "error", type(exc).__name__, shown, line, message)
    return None


def lint(path: str | None, form: str = "text") -> int:
    """0 clean; 1 the spec has errors; 2 a linter could not run (the spec was not judged)."""
    spec_path = Path(path) if path else SPEC_PATH
    shown = display_path(spec_path)
    invalid = validator_finding(spec_path, shown)
    if invalid:
        print(render(form, [invalid], [VALIDATOR]))
        return Exit.FAILURES
    if form == "text":
        print(f"{VALIDATOR}: {spec_path} is valid")
    try:
        findings = [spectral_finding(f, shown) for f in spectral_findings(spec_path)]
    except SpectralUnavailable:
        if form != "text":  # what the validator found, in the format CI reads; cli.main says why
            print(render(form, [], [VALIDATOR]))
        raise
    print(render(form, findings, [VALIDATOR, SPECTRAL]))
    errors = sum(1 for f in findings if f.severity == "error")
    return Exit.FAILURES if errors else Exit.OK
