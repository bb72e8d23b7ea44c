"""Which side of a schema a value sent falls on: valid or invalid, at or past a keyword's bound."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

import jsonschema_rs

LENGTHS = {"minLength": -1, "maxLength": 1, "minItems": -1, "maxItems": 1}
NUMBERS = {"minimum": -1, "maximum": 1, "exclusiveMinimum": -1, "exclusiveMaximum": 1}


def coerce(schema: dict[str, object], raw: Any) -> object:
    """A query, path or header value (text) as the type its schema names, where it reads as one."""
    if isinstance(raw, list):
        items = schema.get("items")
        items = items if isinstance(items, dict) else {}
        return [coerce(items, entry) for entry in raw]
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


@functools.lru_cache(maxsize=4096)
def _validator(text: str) -> Any:
    return jsonschema_rs.validator_for(json.loads(text), validate_formats=True)


# The spec's schemas live as long as the run: each is compiled once, found by identity.
_COMPILED: dict[int, tuple[dict[str, Any], Any]] = {}


def valid(schema: dict[str, object], value: Any) -> bool:
    """Whether `value` meets `schema` (formats included)."""
    entry = _COMPILED.get(id(schema))
    if entry is None or entry[0] is not schema:
        entry = (schema, _validator(json.dumps(schema, sort_keys=True)))
        _COMPILED[id(schema)] = entry
    try:
        return bool(entry[1].is_valid(value))
    except (ValueError, TypeError):
        return False


def keyword_side(keyword: str, bound: Any, value: object) -> str | None:
    """`at`/`past` for a bound keyword, `valid`/`invalid` for the others, None when the keyword
    does not apply to a value of this type."""
    if keyword in LENGTHS:
        size = _size(keyword, value)
        return None if size is None else _side(size, bound, LENGTHS[keyword])
    if keyword in NUMBERS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        return _side(value, bound, NUMBERS[keyword])
    if keyword == "pattern":
        if not isinstance(value, str):
            return None
        return "valid" if _regex(bound).search(value) else "invalid"
    if keyword == "format":
        if not isinstance(value, str):
            return None
        return "valid" if _validator(json.dumps({"format": bound})).is_valid(value) else "invalid"
    if keyword == "multipleOf":
        if isinstance(value, bool) or not isinstance(value, int | float) or not bound:
            return None
        return "valid" if (value / bound).is_integer() else "invalid"
    if keyword == "uniqueItems" and isinstance(value, list) and bound:
        return "valid" if _validator('{"uniqueItems": true}').is_valid(value) else "invalid"
    return None


def _size(keyword: str, value: object) -> int | None:
    if keyword.endswith("Length"):
        return len(value) if isinstance(value, str) else None
    return len(value) if isinstance(value, list) else None


def _side(value: float, bound: object, direction: int) -> str | None:
    """`at` on the bound, `past` beyond it (below a minimum, above a maximum), else None."""
    if not isinstance(bound, int | float):
        return None
    if value == bound:
        return "at"
    return "past" if (value - bound) * direction > 0 else None


@functools.lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error:
        return re.compile(re.escape(pattern))
