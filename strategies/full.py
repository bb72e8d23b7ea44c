"""Fill every property a JSON Schema declares: the factory's "full-bodied" resources.

A resource made with its required fields only never brings its optional fields back in a read,
so a run cannot see the documented response properties. `filled` walks a (resolved) request
schema and gives every declared property a valid value, keeping whatever the caller already
set (the realistic values of `samples.py`). Values come from the schema alone: its examples and
enums, the domain tables behind its formats, a string its pattern matches, its bounds. Like
`samples.py` it draws with a seeded `random.Random`: Hypothesis may not draw inside a running
test, and setup data should be reproducible from the run's seed.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from strategies import domain, samples

BRANCHES = ("anyOf", "oneOf")
# Strings of the spec's formats, drawn from the same tables as the format strategies (formats.py).
FORMATS: dict[str, Callable[[random.Random], str]] = {
    "iso3166-alpha2": lambda rng: rng.choice(domain.COUNTRIES),
    "iso4217": lambda rng: rng.choice(domain.CURRENCIES),
    "iso639-1": lambda rng: rng.choice(domain.LANGUAGES),
    "sku": samples.sku,
    "objectid": lambda rng: "".join(rng.choice(domain.HEX) for _ in range(24)),
    "uuid": lambda rng: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    "email": lambda rng: f"{rng.choice(domain.FIRST_NAMES[:3]).lower()}@example.com",
    "uri": lambda rng: f"https://example.com/{rng.randint(0, 9999)}.png",
    "date-time": lambda rng: f"2026-01-{rng.randint(10, 28)}T10:00:00Z",
    "date": lambda rng: f"2026-01-{rng.randint(10, 28)}",
}
NEAR = 100  # numbers are drawn within this of their lower bound
STRING_MAP_KEYS = 1  # entries given to a map (additionalProperties) that declares no names


class Unfillable(ValueError):
    """A schema the filler cannot satisfy (a pattern it cannot read); the spec needs a look."""


def filled(schema: Any, value: Any, rng: random.Random) -> Any:
    """`value` with every property `schema` declares present, recursively; `None` is absent.

    A value the caller set is kept (a dict or list is completed in place and returned), and only
    its missing properties, and those of its entries, are added. A nullable schema gets its
    non-null alternative, so nested properties show too."""
    if not isinstance(schema, dict):
        return value
    node = _concrete(schema)
    if value is None:
        return _new(node, rng)
    if isinstance(value, dict):
        properties = node.get("properties") or {}
        for name, sub in properties.items():
            value[name] = filled(sub, value.get(name), rng)
    elif isinstance(value, list):
        value[:] = [filled(node.get("items"), entry, rng) for entry in value]
    return value


def _concrete(schema: dict[str, Any]) -> dict[str, Any]:
    """One schema for the place: allOf merged, the first non-null anyOf/oneOf branch taken."""
    node = {k: v for k, v in schema.items() if k not in ("allOf", *BRANCHES)}
    for part in schema.get("allOf", ()):
        part = _concrete(part)
        node["properties"] = {**node.get("properties", {}), **part.get("properties", {})}
        node.update({k: v for k, v in part.items() if k != "properties"})
    for key in BRANCHES:
        options = [o for o in schema.get(key, ()) if isinstance(o, dict) and not _is_null(o)]
        if options:
            chosen = _concrete(options[0])
            node["properties"] = {**node.get("properties", {}), **chosen.get("properties", {})}
            node.update({k: v for k, v in chosen.items() if k != "properties"})
    return node


def _is_null(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null"


def _type(node: dict[str, Any]) -> str | None:
    declared = node.get("type")
    if isinstance(declared, list):
        return next((t for t in declared if t != "null"), None)
    if declared is None and "properties" in node:
        return "object"
    return declared if isinstance(declared, str) else None


def _new(node: dict[str, Any], rng: random.Random) -> Any:
    if "const" in node:
        return node["const"]
    enum = [v for v in node.get("enum") or () if v is not None]
    if enum:
        return rng.choice(enum)
    if "example" in node:
        return filled(node, _copy(node["example"]), rng)
    kind = _type(node)
    if kind == "object":
        return _object(node, rng)
    if kind == "array":
        count = max(1, node.get("minItems", 0))
        return [_new(_concrete(node.get("items") or {}), rng) for _ in range(count)]
    if kind == "string":
        return _string(node, rng)
    if kind in ("integer", "number"):
        return _number(node, kind, rng)
    if kind == "boolean":
        return rng.choice((True, False))
    return None


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _object(node: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    properties = node.get("properties") or {}
    if properties:
        return {name: filled(sub, None, rng) for name, sub in properties.items()}
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        return {f"key{n}": filled(extra, None, rng) for n in range(STRING_MAP_KEYS)}
    return {}


def _string(node: dict[str, Any], rng: random.Random) -> str:
    draw = FORMATS.get(node.get("format", ""))
    if draw is not None:
        text = draw(rng)
    elif "pattern" in node:
        text = matching(node["pattern"])
    else:
        text = f"{rng.choice(domain.PRODUCTS).title()} {rng.randint(1, 99)}"
    low, high = node.get("minLength", 0), node.get("maxLength")
    text = text.ljust(low, text[-1:] or "x")
    return text if high is None else text[:high]


def _number(node: dict[str, Any], kind: str, rng: random.Random) -> int | float:
    low = node.get("minimum", node.get("exclusiveMinimum", 0))
    # Near the lower bound: a realistic amount, not a random one up to the schema's maximum.
    high = min(node.get("maximum", node.get("exclusiveMaximum", low + NEAR)), low + NEAR)
    if kind == "integer":
        return rng.randint(int(low) + 1, max(int(low) + 1, int(high) - 1))
    return round(rng.uniform(low, high), 2) or round((low + high) / 2, 2)


def matching(pattern: str) -> str:
    """The shortest string `pattern` matches, from its parsed form (anchors, classes, repeats)."""
    text = "".join(_emit(_parse(pattern)))
    if re.search(pattern, text) is None:
        raise Unfillable(f"no string built for the pattern {pattern!r}")
    return text


def _parse(pattern: str) -> Any:
    from re import _parser  # the standard library's own regex parser

    return _parser.parse(pattern)


def _emit(parsed: Any) -> Iterator[str]:
    from re import _constants as c

    for op, arg in parsed:
        if op is c.LITERAL:
            yield chr(arg)
        elif op is c.IN:
            yield _one_of(arg, c)
        elif op is c.ANY:
            yield "a"
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, _, sub = arg
            for _ in range(low):
                yield from _emit(sub)
        elif op is c.SUBPATTERN:
            yield from _emit(arg[-1])
        elif op is c.BRANCH:
            yield from _emit(arg[1][0])
        elif op is not c.AT:  # anchors match no character
            raise Unfillable(f"pattern element {op} is not supported")


def _one_of(items: Any, c: Any) -> str:
    categories = {c.CATEGORY_DIGIT: "0", c.CATEGORY_WORD: "a", c.CATEGORY_SPACE: " "}
    op, arg = items[0]
    if op is c.LITERAL:
        return chr(arg)
    if op is c.RANGE:
        return chr(arg[0])
    if op is c.CATEGORY and arg in categories:
        return categories[arg]
    raise Unfillable(f"character class {items} is not supported")
