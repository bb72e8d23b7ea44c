"""The corpus: hand-written base/revision pairs in tests/diff/pairs/*.yaml, each with the exact
set of (rule id, level) it must produce. One parametrised test runs them all; another checks that
together they hit every registered rule in every direction it has.

A pair gives whole documents (`base`, `revision`) or a shorthand for one operation `POST /x`:
`req` (request body schema), `res` (200 response schema), `both` (one schema used as both),
`params` (parameter list) and `op` (more operation keys); the revision's keys end in `2` and
default to the base's. `components` is shared unless `components2` is given. `openapi` picks the
version (default 3.0.3); `today` the date sunset dates are judged on (default 2026-06-01).
"""

from __future__ import annotations

import copy
import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from conformance.commands.diff import DiffSpec
from conformance.diff import RULES, Change, compare_specs
from conformance.diff.policy import Policy
from conformance.diff.registry import ANY
from spec.loader import load_yaml

PAIRS_DIR = Path(__file__).resolve().parent / "pairs"
TODAY = dt.date(2026, 6, 1)
SHORTHAND = ("req", "res", "both", "params", "op", "components")


def _load() -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = []
    for path in sorted(PAIRS_DIR.glob("*.yaml")):
        for pair in load_yaml(path.read_text(encoding="utf-8")):
            pairs.append({**pair, "file": path.stem})
    return pairs


PAIRS = _load()


def _side(pair: dict[str, Any], revision: bool) -> dict[str, Any]:
    version = str(pair.get("openapi", "3.0.3"))
    head = {"openapi": version, "info": {"title": pair["name"], "version": "1"}}
    whole = pair.get("revision" if revision else "base")
    if whole is not None or not any(k in pair or k + "2" in pair for k in SHORTHAND):
        return {**head, **({"paths": {}} if whole is None else {}), **copy.deepcopy(whole or {})}

    def get(key: str) -> Any:
        value = pair.get(key + "2", pair.get(key)) if revision else pair.get(key)
        return copy.deepcopy(value)

    req = get("req") if _given(pair, "req") else get("both")
    res = get("res") if _given(pair, "res") else get("both")
    op: dict[str, Any] = {"operationId": "x", "responses": {"200": {"description": "ok"}}}
    if get("params") is not None:
        op["parameters"] = get("params")
    if req is not None:
        op["requestBody"] = {"content": {"application/json": {"schema": req}}}
    if res is not None:
        op["responses"]["200"]["content"] = {"application/json": {"schema": res}}
    op.update(get("op") or {})
    document = {**head, "paths": {"/x": {"post": op}}}
    if get("components") is not None:
        document["components"] = get("components")
    return document


def _given(pair: dict[str, Any], key: str) -> bool:
    """`req: null` (as in a pair that inherits keys with `<<:`) means "not given"."""
    return pair.get(key) is not None or pair.get(key + "2") is not None


@cache
def changes_of(name: str) -> tuple[Change, ...]:
    pair = next(p for p in PAIRS if p["name"] == name)
    today = pair.get("today", TODAY)
    old, new = DiffSpec(_side(pair, False)), DiffSpec(_side(pair, True))
    return tuple(compare_specs(old, new, Policy(today)))


def _expected(pair: dict[str, Any]) -> set[tuple[str, str]]:
    return {tuple(entry.split()) for entry in pair.get("expect") or []}  # type: ignore[misc]


def test_the_corpus_is_big_and_names_are_unique() -> None:
    names = [pair["name"] for pair in PAIRS]
    assert len(names) >= 150
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{p['file']}:{p['name']}" for p in PAIRS])
def test_pair_gives_exactly_its_expected_changes(pair: dict[str, Any]) -> None:
    for rule_id, level in _expected(pair):
        assert rule_id in RULES, f"unknown rule {rule_id}"
        assert level in ("breaking", "warning", "info")
    found = {(change.id, change.level) for change in changes_of(pair["name"])}
    assert found == _expected(pair), [c.as_dict() for c in changes_of(pair["name"])]


def test_every_rule_is_hit_in_each_of_its_directions() -> None:
    hit = {(c.id, c.direction) for pair in PAIRS for c in changes_of(pair["name"])}
    missing = [
        (rule.id, direction)
        for rule in RULES.values()
        for direction in rule.levels
        if (rule.id, None if direction == ANY else direction) not in hit
    ]
    assert missing == []
