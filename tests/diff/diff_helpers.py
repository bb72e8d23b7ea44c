"""Helpers for the spec-diff tests: the v1 fixture spec and `diff`, which diffs a mutated copy."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.cli import main
from conformance.commands.diff import DiffSpec
from conformance.diff import Change, compare_specs
from spec.loader import load_document

FIXTURES = Path(__file__).resolve().parent / "fixtures"
V1 = load_document(FIXTURES / "v1.yaml")

Mutator = Callable[[dict[str, Any], dict[str, Any]], None]


def run_diff(argv: list[str]) -> int:
    """`ordermesh-conformance diff ARGV`, in this process."""
    return main(["diff", *argv])


def diff(mutate: Mutator) -> list[Change]:
    """Diff v1 against a copy changed by `mutate(old, new)` (it may change either side)."""
    old, new = copy.deepcopy(V1), copy.deepcopy(V1)
    mutate(old, new)
    return compare_specs(DiffSpec(old), DiffSpec(new))
