"""OpenAPI Overlay 1.0 documents, applied to the spec when it is loaded.

A team that accepts what its staging API does (a `run` or `drift` proposes the changes) keeps them
as an overlay beside the spec: `load_spec(path, overlays)` applies each in order, and every part
of the toolkit reads the result. An element an overlay changed says so: `x-provenance: observed`
and the action's description as its `x-provenance-note`. Where an action changes an element the
docs show (`docs`, `seed`), `applied.overrode` names it: the user chose to trust the API over the
docs, and the report says so.

The applier takes plain JSONPath targets (`$.components.schemas.Order`, `$.paths['/v1/orders']`),
no wildcards or filters. `update` merges into an object and appends to an array (the standard's
meaning); `remove` deletes the node.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from spec.loader import SpecError

_TOKEN = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]")
DOCUMENTED = ("docs", "seed")
OBSERVED = "observed"


class OverlayError(SpecError):
    """The overlay is malformed or uses JSONPath this applier does not support."""


@dataclass
class Applied:
    """What applying overlays did: targets that selected nothing, documented elements changed."""

    unmatched: list[str] = field(default_factory=list)
    overrode: list[str] = field(default_factory=list)  # "target: description"


def parse_jsonpath(path: str) -> list[str | int]:
    if not path.startswith("$"):
        raise OverlayError(f"target {path!r}: a JSONPath starts with '$'")
    tokens: list[str | int] = []
    position = 1
    while position < len(path):
        match = _TOKEN.match(path, position)
        if match is None:
            raise OverlayError(
                f"target {path!r}: unsupported JSONPath at {path[position:]!r} "
                "(this applier takes .name, ['name'] and [index] only)"
            )
        name, quoted, index = match.groups()
        if index is not None:
            tokens.append(int(index))
        else:
            tokens.append(name if name is not None else re.sub(r"\\(.)", r"\1", quoted))
        position = match.end()
    return tokens


def _select(document: Any, tokens: list[str | int]) -> tuple[Any, Any, str | int | None]:
    """(parent, node, key) for the target, or (None, None, None) when it selects nothing."""
    parent, node, key = None, document, None
    for token in tokens:
        in_list = isinstance(token, int) and isinstance(node, list) and token < len(node)
        in_dict = isinstance(token, str) and isinstance(node, dict) and token in node
        if in_list or in_dict:
            parent, node, key = node, node[token], token
        else:
            return None, None, None
    return parent, node, key


# ---------------------------------------------------------------------- applying
def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def apply_overlay(
    document: dict[str, Any], overlay: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Apply the actions in order to a copy of `document`; returns it and the targets that
    selected nothing (Overlay 1.0: such an action changes nothing)."""
    result, applied = apply_marked(document, overlay, mark=False)
    return result, applied.unmatched


def apply_marked(
    document: dict[str, Any], overlay: dict[str, Any], mark: bool = True
) -> tuple[dict[str, Any], Applied]:
    """Apply an overlay to a copy of `document`; with `mark`, each changed element carries
    `x-provenance: observed` and the action's description."""
    if not isinstance(overlay, dict) or "overlay" not in overlay:
        raise OverlayError("not an Overlay document (no 'overlay' version field)")
    if not str(overlay["overlay"]).startswith("1."):
        raise OverlayError(f"unsupported Overlay version {overlay['overlay']!r} (1.x only)")
    result = copy.deepcopy(document)
    applied = Applied()
    for index, action in enumerate(overlay.get("actions") or []):
        if not isinstance(action, dict) or "target" not in action:
            raise OverlayError(f"action {index}: no 'target'")
        tokens = parse_jsonpath(action["target"])
        provenance = _provenance(result, tokens)
        if not _act(result, tokens, action, index, mark):
            applied.unmatched.append(action["target"])
        elif provenance in DOCUMENTED:
            applied.overrode.append(f"{action['target']}: {action.get('description', '')}")
    return result, applied


def _act(
    document: dict[str, Any],
    tokens: list[str | int],
    action: dict[str, Any],
    index: int,
    mark: bool,
) -> bool:
    parent, node, key = _select(document, tokens)
    if node is None and key is None:
        return False
    note = str(action.get("description") or "changed by an overlay")
    if action.get("remove"):
        if parent is None:
            raise OverlayError(f"action {index}: cannot remove the document root")
        del parent[key]
    elif "update" in action:
        update = action["update"]
        if isinstance(node, list):
            node.append(copy.deepcopy(update))
            if mark and isinstance(parent, dict):
                _mark(parent, note)
        elif isinstance(node, dict) and isinstance(update, dict):
            _merge(node, update)
            if mark:
                _mark_update(node, update, note)
        else:
            raise OverlayError(f"action {index}: update of a scalar at {action['target']}")
    return True


def _mark_update(node: dict[str, Any], update: dict[str, Any], note: str) -> None:
    """Mark what an update changed: each object it set. Where it set entries of a map (the
    properties of a schema, the responses of an operation) each entry is marked, never the map
    itself, whose keys are names; with no object set, the node it merged into is marked."""
    marked = False
    for key, value in update.items():
        if not isinstance(value, dict) or not isinstance(node.get(key), dict):
            continue
        if value and all(isinstance(entry, dict) for entry in value.values()):
            for name in value:
                if isinstance(node[key].get(name), dict):
                    _mark(node[key][name], note)
        else:
            _mark(node[key], note)
        marked = True
    if not marked:
        _mark(node, note)


def _mark(node: dict[str, Any], note: str) -> None:
    node["x-provenance"] = OBSERVED
    node["x-provenance-note"] = note


def _provenance(document: Any, tokens: list[str | int]) -> str | None:
    """The provenance of the nearest element at or above the target."""
    found, node = None, document
    for token in tokens:
        if isinstance(node, dict) and "x-provenance" in node:
            found = node["x-provenance"]
        in_list = isinstance(token, int) and isinstance(node, list) and token < len(node)
        in_dict = isinstance(token, str) and isinstance(node, dict) and token in node
        if not (in_list or in_dict):
            return found
        node = node[token]
    if isinstance(node, dict) and "x-provenance" in node:
        found = node["x-provenance"]
    return str(found) if found is not None else None


def apply_overlays(
    document: dict[str, Any], paths: tuple[str, ...]
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The document with each overlay file applied and marked; and the documented elements
    they changed. A target that selects nothing is an error here: the overlay was written for
    another spec (or version) and would silently change less than it says."""
    overrode: list[str] = []
    for path in paths:
        document, applied = apply_marked(document, read_overlay(path))
        if applied.unmatched:
            raise OverlayError(
                f"overlay {path}: {len(applied.unmatched)} target(s) select nothing in the spec,"
                f" first {applied.unmatched[0]}"
            )
        overrode += applied.overrode
    return document, tuple(overrode)


def read_overlay(path: Path | str) -> dict[str, Any]:
    overlay = _read_yaml(path, "overlay")
    if not isinstance(overlay, dict):
        raise OverlayError(f"overlay {path}: not an Overlay document")
    return overlay


def apply_overlay_file(spec_in: Path, overlay_path: Path, spec_out: Path) -> list[str]:
    patched, unmatched = apply_overlay(_read_yaml(spec_in, "spec"), read_overlay(overlay_path))
    text = yaml.safe_dump(patched, sort_keys=False, allow_unicode=True, width=100)
    Path(spec_out).write_text(text, encoding="utf-8")
    return unmatched


def _read_yaml(path: Path | str, what: str) -> Any:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise OverlayError(f"cannot read {what} {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise OverlayError(f"{what} {path}: not valid YAML: {exc}") from exc
