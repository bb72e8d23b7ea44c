"""Spec diff: compare two OpenAPI documents and classify each change by a registered rule.

from conformance.diff import diff_files
changes = diff_files("v1.yaml", "v2.yaml")
"""

from __future__ import annotations

from pathlib import Path

from conformance.diff.compare import compare_specs
from conformance.diff.model import Change, Finding
from conformance.diff.registry import RULES, Rule, rule

__all__ = ["RULES", "Change", "Finding", "Rule", "compare_specs", "diff_files", "rule"]


def diff_files(old: Path | str, new: Path | str) -> list[Change]:
    """Load two spec files and return their changes (raises `inputs.InputError` on bad input)."""
    from conformance.diff.inputs import load

    return compare_specs(load(Path(old)), load(Path(new)))
