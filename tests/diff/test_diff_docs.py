"""docs/spec-diff.md lists every registered rule with its current level."""

from __future__ import annotations

from pathlib import Path

from conformance.diff import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "spec-diff.md"


def test_every_rule_is_documented_with_its_level() -> None:
    text = DOC.read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"| `{rule.id}` | {rule.describe_level()} |" in text, rule.id
