"""Which path items of the two documents are compared with each other.

Paths match by their template, placeholders unnamed: `/books/{bookId}` and `/books/{id}` name the
same URLs, so renaming a placeholder is no change. When one document splits a template over
several path items (`/v1/notes/{noteId}` for GET, `/v1/notes/{id}` for PUT), they are merged into
one item under the first path, with path parameters renamed to its placeholders, so merging or
splitting such items is no change either.
"""

from __future__ import annotations

import copy
import re

from conformance.diff.rules_api import METHODS
from spec.loader import Spec

Group = tuple[str, object]  # (path, path item: raw, or merged when the template had several)


def template(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def placeholders(path: str) -> list[str]:
    return re.findall(r"\{([^}]+)\}", path)


def grouped(spec: Spec, paths: dict[str, object]) -> dict[str, Group]:
    """Template -> the path item (merged when several paths share the template)."""
    members: dict[str, list[str]] = {}
    for path in paths:
        members.setdefault(template(path), []).append(path)
    return {
        key: (names[0], paths[names[0]] if len(names) == 1 else _merge(spec, paths, names))
        for key, names in members.items()
    }


def _merge(spec: Spec, paths: dict[str, object], names: list[str]) -> dict[str, object]:
    first = names[0]
    merged: dict[str, object] = {}
    for name in names:
        item = spec.resolve(paths[name])
        if not isinstance(item, dict):
            continue
        rename = dict(zip(placeholders(name), placeholders(first), strict=False))
        shared = [_renamed(spec, p, rename) for p in item.get("parameters") or []]
        for method in METHODS:
            op = item.get(method)
            if isinstance(op, dict) and method not in merged:
                own = [_renamed(spec, p, rename) for p in op.get("parameters") or []]
                merged[method] = {**op, "parameters": _overlay(shared, own)}
    return merged


def _renamed(spec: Spec, raw: object, rename: dict[str, str]) -> object:
    param = spec.resolve(raw)
    if isinstance(param, dict) and param.get("in") == "path" and param.get("name") in rename:
        param = {**copy.copy(param), "name": rename[param["name"]]}
    return param


def _overlay(shared: list[object], own: list[object]) -> list[object]:
    """Path-level parameters with the operation's own ones overriding by (name, in)."""
    keys = {(p.get("name"), p.get("in")) for p in own if isinstance(p, dict)}
    kept = [
        p for p in shared if not isinstance(p, dict) or (p.get("name"), p.get("in")) not in keys
    ]
    return kept + own


def matched(
    old: dict[str, Group], new: dict[str, Group]
) -> list[tuple[Group | None, Group | None]]:
    """(old, new) pairs: same template on both sides, or only on one."""
    pairs: list[tuple[Group | None, Group | None]] = [
        (group, new.get(key)) for key, group in old.items()
    ]
    return pairs + [(None, group) for key, group in new.items() if key not in old]
