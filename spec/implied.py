"""What the spec implies beyond its schemas, read from its `x-` extensions.

- `x-sort: key` on a query parameter: its values name the record property a list is sorted by
  (`x-sort-properties` maps a value to another property name); `x-sort: direction` with
  `x-sort-order` saying which value is ascending and which descending. An operation without a
  key parameter may name its fixed key in `x-sort-key`.
- `x-owner: merchant` on a record property: whose record it is.
- `x-timestamp-rules` at the root: the pairs of a record's creation and last-change timestamps.

The checks of conformance/checks read these through here, never as literals of their own.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from spec.loader import Spec, branches

ASCENDING, DESCENDING = "ascending", "descending"


@dataclass(frozen=True)
class SortParameters:
    """How one list or search operation is told its order."""

    key_parameter: str | None  # None: the operation sorts by `fixed_key` only
    keys: dict[str, str]  # parameter value -> record property
    default_key: str | None
    direction_parameter: str
    directions: dict[str, str]  # parameter value -> ASCENDING or DESCENDING
    default_direction: str | None

    def combinations(self) -> list[tuple[str | None, str]]:
        """Every (key value, direction value) pair the operation declares, interleaved so the
        first few already name every key and every direction once."""
        keys: list[str | None] = list(self.keys) if self.key_parameter else [None]
        directions = list(self.directions)
        count = math.lcm(len(keys), len(directions)) if directions else 0
        pairs = [(keys[i % len(keys)], directions[i % len(directions)]) for i in range(count)]
        rest = [(k, d) for k in keys for d in directions if (k, d) not in pairs]
        return pairs + rest


def _raw_parameters(spec: Spec, operation_id: str) -> list[dict[str, Any]]:
    raw = spec.operation(operation_id).raw
    resolved = [spec.resolve(p) for p in raw.get("parameters") or []]
    return [p for p in resolved if isinstance(p, dict)]


@functools.lru_cache(maxsize=256)
def sort_parameters(spec: Spec, operation_id: str) -> SortParameters | None:
    """The operation's declared sort, or None when it declares none."""
    params = _raw_parameters(spec, operation_id)
    key = next((p for p in params if p.get("x-sort") == "key"), None)
    direction = next((p for p in params if p.get("x-sort") == "direction"), None)
    fixed = spec.operation(operation_id).raw.get("x-sort-key")
    if direction is None or (key is None and fixed is None):
        return None
    order: dict[str, str] = direction.get("x-sort-order") or {}
    default_key: str | None
    if key is None:
        keys, default_key = {str(fixed): str(fixed)}, str(fixed)
    else:
        mapped: dict[str, str] = key.get("x-sort-properties") or {}
        values = (key.get("schema") or {}).get("enum") or []
        keys = {str(v): mapped.get(str(v), str(v)) for v in values}
        default_key = (key.get("schema") or {}).get("default")
    return SortParameters(
        key_parameter=None if key is None else key["name"],
        keys=keys,
        default_key=default_key,
        direction_parameter=direction["name"],
        directions=order,
        default_direction=(direction.get("schema") or {}).get("default"),
    )


def _merged_properties(spec: Spec, schema: Any) -> dict[str, Any]:
    """An object schema's raw properties, `allOf` branches merged and `$ref`s followed."""
    schema = spec.resolve(schema)
    if not isinstance(schema, dict):
        return {}
    properties: dict[str, Any] = {}
    for branch in schema.get("allOf") or []:
        properties.update(_merged_properties(spec, branch))
    for name, node in (schema.get("properties") or {}).items():
        properties[name] = spec.resolve(node)
    return properties


def _success_schema(spec: Spec, operation_id: str) -> Any:
    responses = spec.operation(operation_id).raw.get("responses") or {}
    for code in sorted(responses):
        if str(code).startswith("2"):
            content = spec.resolve(responses[code]).get("content") or {}
            media = content.get("application/json") or {}
            if "schema" in media:
                return media["schema"]
    return {}


@functools.lru_cache(maxsize=256)
def record_properties(
    spec: Spec, operation_id: str, key: str, single: bool = False
) -> dict[str, Any]:
    """The raw properties of one record of a success answer: an item of the list under `key`,
    or (`single`) the object under `key`."""
    node = _merged_properties(spec, _success_schema(spec, operation_id)).get(key) or {}
    return _merged_properties(spec, node if single else node.get("items") or {})


def owner_property(properties: dict[str, Any]) -> str | None:
    """The property that names a record's merchant (`x-owner: merchant`), if the record has one."""
    return next((n for n, node in properties.items() if node.get("x-owner") == "merchant"), None)


@functools.lru_cache(maxsize=256)
def derived_properties(spec: Spec, operation_id: str) -> frozenset[str]:
    """Request properties the answer derives rather than echoes (`x-answer: derived`)."""
    body = spec.operation(operation_id).raw.get("requestBody")
    if not body:
        return frozenset()
    media = (spec.resolve(body).get("content") or {}).get("application/json") or {}
    properties = _merged_properties(spec, media.get("schema") or {})
    return frozenset(n for n, node in properties.items() if node.get("x-answer") == "derived")


@dataclass(frozen=True)
class TimestampRule:
    created: str  # set once, by the create
    updated: str  # set by every change after it


@functools.lru_cache(maxsize=16)
def timestamp_rules(spec: Spec) -> tuple[TimestampRule, ...]:
    table = spec.document.get("x-timestamp-rules") or {}
    return tuple(TimestampRule(r["created"], r["updated"]) for r in table.get("pairs") or [])


def instant(value: Any) -> datetime | None:
    """A date-time as an aware instant; None when it is not one, or names no offset (a local
    time is comparable with its pair, not with our clock: see `naive`)."""
    parsed = _parse(value)
    return parsed if parsed is not None and parsed.tzinfo is not None else None


def naive(value: Any) -> datetime | None:
    """A date-time with its offset dropped: two of one record compare even without an offset."""
    parsed = _parse(value)
    return None if parsed is None else parsed.replace(tzinfo=None)


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo is not None else parsed


def declared_only(value: Any, schema: Any) -> Any:
    """`value` without the object properties its schema does not declare, at every depth.

    An API ignores an undeclared property rather than store it (else a write could set,
    unchecked, a property only the read model declares), so what a write sent is its declared
    part: the mock stores that, and the checks compare a read with that."""
    if not isinstance(schema, dict):
        return value
    nodes = list(branches(schema))
    if isinstance(value, dict):
        declared: dict[str, Any] = {}
        extra: Any = None
        for node in nodes:
            for name, sub in (node.get("properties") or {}).items():
                declared.setdefault(name, sub)
            if isinstance(node.get("additionalProperties"), dict):
                extra = node["additionalProperties"]
        if not declared and extra is None:
            return value  # a free-form object: every key is its data
        return {
            k: declared_only(v, declared.get(k, extra))
            for k, v in value.items()
            if k in declared or extra is not None
        }
    if isinstance(value, list):
        items = next((n["items"] for n in nodes if isinstance(n.get("items"), dict)), None)
        return [declared_only(v, items) for v in value]
    return value
