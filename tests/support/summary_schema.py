"""summary.json against its published JSON Schema (docs/schemas/summary.schema.json): every run
a test reads goes through `read_summary`, so a key the schema does not describe fails there."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "schemas" / "summary.schema.json"


@cache
def validator() -> Any:
    return jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")))


def problems(summary: Any) -> list[str]:
    """Where `summary` breaks the schema, one line each (empty when it conforms)."""
    return [f"{list(e.instance_path)}: {e.message[:300]}" for e in validator().iter_errors(summary)]


@cache
def failure_validator() -> Any:
    document = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema_rs.validator_for({"$ref": "#/$defs/failure", "$defs": document["$defs"]})


def failure_problems(record: Any) -> list[str]:
    """Where one failure record breaks the schema's `failure` (empty when it conforms)."""
    return [
        f"{list(e.instance_path)}: {e.message[:300]}"
        for e in failure_validator().iter_errors(record)
    ]


def read_summary(reports: Path) -> dict[str, Any]:
    """REPORTS_DIR/summary.json, checked against the schema CI pipelines are given."""
    summary: dict[str, Any] = json.loads((reports / "summary.json").read_text(encoding="utf-8"))
    found = problems(summary)
    assert found == [], f"{reports / 'summary.json'} breaks {SCHEMA.name}: {found}"
    return summary
