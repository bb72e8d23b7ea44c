"""Which sub-schemas of two compared schemas are compared with each other.

Properties pair by name; `items`, `additionalProperties` and the 2020-12 single-schema keywords
(`contains`, `if`/`then`/`else`, ...) pair with their namesake; `oneOf`/`anyOf` alternatives pair by
`$ref`, then by equal content, then by position, so that removing one alternative from the middle
does not make every later one look changed. `rules_composition` reports the unpaired ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from conformance.diff.context import Flat, SchemaPair, canonical, join, visible

Child = tuple[str, tuple[Any, str], tuple[Any, str], bool]

SINGLE = (
    ("items", "[]"),
    ("additionalProperties", "{*}"),
    ("not", "(not)"),
    ("contains", "(contains)"),
    ("propertyNames", "(propertyNames)"),
    ("if", "(if)"),
    ("then", "(then)"),
    ("else", "(else)"),
    ("unevaluatedProperties", "(unevaluatedProperties)"),
    ("unevaluatedItems", "(unevaluatedItems)"),
    ("contentSchema", "(contentSchema)"),
)
KEYED = ("patternProperties", "dependentSchemas")


def match_members(
    old: list[Any], new: list[Any]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pair alternatives: returns (pairs of indexes, unmatched old, unmatched new)."""
    left, right = list(range(len(old))), list(range(len(new)))
    pairs: list[tuple[int, int]] = []
    for key in (_ref, canonical):
        for i in list(left):
            mark = key(old[i])
            hit = next((j for j in right if mark is not None and key(new[j]) == mark), None)
            if hit is not None:
                pairs.append((i, hit))
                left.remove(i)
                right.remove(hit)
    # What is left pairs by position only when both sides lost nothing: a member edited in place.
    if len(left) == len(right):
        pairs += list(zip(left, right, strict=True))
        left, right = [], []
    return sorted(pairs), left, right


def _ref(node: Any) -> str | None:
    return node.get("$ref") if isinstance(node, dict) else None


def children(pair: SchemaPair) -> Iterator[Child]:
    """The sub-schemas present on both sides."""
    old, new = pair.old, pair.new
    base = pair.path or ""
    # A property outside the message on either side (readOnly in a request, writeOnly in a
    # response) is not compared inside: the property rules report it joining or leaving.
    old_props, new_props = visible(pair, old), visible(pair, new)
    for name, old_prop in old_props.items():
        new_prop = new_props.get(name)
        if new_prop is not None:
            yield (
                pair.child(name),
                (old_prop.node, old_prop.pointer),
                (new_prop.node, new_prop.pointer),
                old_prop.inferred,
            )
    for key, suffix in SINGLE:
        old_sub, new_sub = old.get(key), new.get(key)
        if isinstance(old_sub, dict) and isinstance(new_sub, dict):
            yield base + suffix, (old_sub, old.where(key)), (new_sub, new.where(key)), False
    yield from _keyed(old, new, base)
    yield from _listed(old, new, base)


def _keyed(old: Flat, new: Flat, base: str) -> Iterable[Child]:
    for key in KEYED:
        old_map, new_map = old.get(key), new.get(key)
        if not isinstance(old_map, dict) or not isinstance(new_map, dict):
            continue
        for name, old_sub in old_map.items():
            if isinstance(old_sub, dict) and isinstance(new_map.get(name), dict):
                yield (
                    f"{base}({key}[{name}])",
                    (old_sub, join(old.where(key), name)),
                    (new_map[name], join(new.where(key), name)),
                    False,
                )


def _listed(old: Flat, new: Flat, base: str) -> Iterable[Child]:
    for key in ("oneOf", "anyOf", "prefixItems"):
        old_members, new_members = old.get(key), new.get(key)
        if not isinstance(old_members, list) or not isinstance(new_members, list):
            continue
        if key == "prefixItems":
            pairs = [(i, i) for i in range(min(len(old_members), len(new_members)))]
        else:
            pairs = match_members(old_members, new_members)[0]
        for i, j in pairs:
            yield (
                f"{base}({key}[{i}])",
                (old_members[i], join(old.where(key), i)),
                (new_members[j], join(new.where(key), j)),
                False,
            )
