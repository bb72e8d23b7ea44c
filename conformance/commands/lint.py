"""`ordermesh-conformance lint`: openapi-spec-validator, then Spectral with spectral:oas."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from conformance.node_tools import not_found, tool_command
from spec import SPEC_PATH
from spec.loader import SpecError, load_document

SPECTRAL_RULESET = SPEC_PATH.with_name("spectral.yaml")


def ruleset() -> Path:
    """The working directory's own `.spectral.yaml` if it has one, else the packaged ruleset."""
    local = Path.cwd() / ".spectral.yaml"
    return local if local.is_file() else SPECTRAL_RULESET


def lint(path: str | None) -> int:
    spec_path = Path(path) if path else SPEC_PATH
    try:
        validate(load_document(spec_path))
        print(f"openapi-spec-validator: {spec_path} is valid")
    except (SpecError, OpenAPIValidationError) as exc:
        print(f"openapi-spec-validator: {exc}")
        return 1
    spectral = tool_command("spectral")
    if spectral is None:
        print(f"{not_found('spectral')}; only the validator ran")
        return 1
    result = subprocess.run(
        # -q: without it Spectral appends a "No results" line to the JSON on stdout.
        [*spectral, "lint", str(spec_path), "-f", "json", "-q", "--fail-severity", "error",
         "--ruleset", str(ruleset())],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    try:
        findings = json.loads(result.stdout or "[]")
    except json.JSONDecodeError:
        print(f"spectral failed ({result.returncode}): {result.stderr.strip()[:300]}")
        return 1
    names = {0: "error", 1: "warning", 2: "info", 3: "hint"}
    for f in findings:
        line = f["range"]["start"]["line"] + 1
        print(f"spectral {names[f['severity']]} {f['code']} line {line}: {f['message']}")
    errors = sum(1 for f in findings if f["severity"] == 0)
    print(f"spectral: {errors} errors, {len(findings) - errors} other findings")
    return 1 if errors else 0
