"""Differences that are one change, not many: an enum spelled another way, a field renamed.

A target that writes `SHIPPED` where the spec says `Shipped` (or `Shipped` where it says `4`)
breaks one enum, not five values; one that answers `data` where the spec says `orders` renamed a
field, it did not drop one and add another. Proposing them as what they are keeps the names the
lifecycle table uses (`x-enum-varnames`) and the schema of the renamed field, so the machinery
still reads the same states and records after the overlay.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from conformance.drift.analyse import DriftFinding
from conformance.drift.walk import escape, json_type, resolve_pointer

if TYPE_CHECKING:
    from conformance.drift.overlay import OverlayBuilder

_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def _words(name: str) -> list[str]:
    return _WORDS.findall(name)


# Spelling conventions a target may use for the same names, tried in this order.
CONVENTIONS: dict[str, Callable[[str], str]] = {
    "as documented": lambda n: n,
    "UPPER_SNAKE": lambda n: "_".join(w.upper() for w in _words(n)),
    "lower_snake": lambda n: "_".join(w.lower() for w in _words(n)),
    "kebab-case": lambda n: "-".join(w.lower() for w in _words(n)),
    "lowercase": lambda n: "".join(_words(n)).lower(),
    "UPPERCASE": lambda n: "".join(_words(n)).upper(),
    "camelCase": lambda n: n[:1].lower() + n[1:],
}


def convention_of(names: list[str], seen: list[object]) -> str | None:
    """The one convention that spells every value seen as one of `names`."""
    texts = [v for v in seen if isinstance(v, str)]
    if not texts or len(texts) != len(seen):
        return None
    for label, spell in CONVENTIONS.items():
        if all(text in {spell(n) for n in names} for text in texts):
            return label
    return None


def respell_enums(builder: OverlayBuilder, by_kind: dict[str, list[DriftFinding]]) -> None:
    """Enums the target spells by another convention, or by name where the spec has codes:
    one replacement of the enum each, keeping the names; the findings it explains are used."""
    candidates = by_kind.get("enum-value", []) + by_kind.get("type-mismatch", [])
    by_location: dict[str, list[DriftFinding]] = {}
    for finding in candidates:
        by_location.setdefault(finding.location, []).append(finding)
    for location, findings in by_location.items():
        node = resolve_pointer(builder.document, location)
        if not isinstance(node, dict) or not node.get("enum"):
            continue
        names = [str(n) for n in node.get("x-enum-varnames") or node["enum"]]
        seen = [value for f in findings for value in f.examples]
        label = convention_of(names, seen)
        if label is None:
            continue
        spell = CONVENTIONS[label]
        respelled = {**copy.deepcopy(node), "type": "string", "enum": [spell(n) for n in names]}
        respelled["x-enum-varnames"] = names
        respelled.pop("format", None)
        operations = sorted({op for f in findings for op in f.operations})
        description = (
            f"enum spelled {label} ({', '.join(map(repr, seen[:3]))}) by {', '.join(operations)}"
        )
        builder.replace(location, respelled, description)
        _consume(by_kind, findings)


def pair_renames(builder: OverlayBuilder, by_kind: dict[str, list[DriftFinding]]) -> None:
    """A required field missing where an undocumented one of the same shape stands in the same
    object: renamed. The property keeps its schema under the new name."""
    for missing in list(by_kind.get("missing-field", [])):
        schema = resolve_pointer(builder.document, missing.location)
        old = (
            (schema.get("properties") or {}).get(missing.name) if isinstance(schema, dict) else None
        )
        if not isinstance(old, dict):
            continue
        stand_in = _stand_in(builder, missing, old, by_kind.get("undocumented-field", []))
        if stand_in is None:
            continue
        properties = f"{missing.location}/properties"
        description = (
            f"`{missing.name}` answered as `{stand_in.name}` by {', '.join(missing.operations)}"
        )
        builder.actions.append(
            {
                "target": builder.path(f"{properties}/{escape(missing.name)}"),
                "description": description,
                "remove": True,
            }
        )
        builder.update(properties, {stand_in.name: copy.deepcopy(old)}, description)
        required = [stand_in.name if n == missing.name else n for n in schema.get("required", [])]
        builder.replace(f"{missing.location}/required", required, description)
        _consume(by_kind, [missing, stand_in])


def _stand_in(
    builder: OverlayBuilder,
    missing: DriftFinding,
    old: dict[str, object],
    extras: list[DriftFinding],
) -> DriftFinding | None:
    """The undocumented field, in the same object and operations, whose value looks like
    what the missing one documents."""
    for extra in extras:
        same_object = missing.location.startswith(extra.location)
        shared = set(extra.operations) & set(missing.operations)
        parents = {p.rpartition(".")[0] for p in extra.instance_paths}
        if not (same_object and shared and parents & set(missing.instance_paths)):
            continue
        if extra.examples and _looks_like(builder, extra.examples[0], old):
            return extra
    return None


def _looks_like(builder: OverlayBuilder, value: object, schema: dict[str, Any]) -> bool:
    """Same JSON type; for objects, most required keys present; for lists, the first item."""
    schema = _resolved(builder, schema)
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if (
        kinds != [None]
        and json_type(value) not in kinds
        and not (json_type(value) == "integer" and "number" in kinds)
    ):
        return False
    if isinstance(value, list):
        items = _resolved(builder, schema.get("items") or {})
        return not value or _looks_like(builder, value[0], items)
    if isinstance(value, dict):
        required = _required(builder, schema)
        return not required or len(required & set(value)) * 2 >= len(required)
    return True


def _required(builder: OverlayBuilder, schema: dict[str, Any]) -> set[str]:
    found = set(schema.get("required") or [])
    for branch in schema.get("allOf") or []:
        found |= _required(builder, _resolved(builder, branch))
    return found


def _resolved(builder: OverlayBuilder, schema: dict[str, Any]) -> dict[str, Any]:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = resolve_pointer(builder.document, schema["$ref"])
    if isinstance(schema, dict) and "type" not in schema and schema.get("allOf"):
        return {**schema, "type": "object"}
    return schema if isinstance(schema, dict) else {}


def _consume(by_kind: dict[str, list[DriftFinding]], used: list[DriftFinding]) -> None:
    for kind, findings in by_kind.items():
        by_kind[kind] = [f for f in findings if all(f is not u for u in used)]
