"""Drift findings as an OpenAPI Overlay 1.0 document, and a small applier for it.

Each action targets one node with a plain JSONPath (`$.components.schemas.Order` or
`$.paths['/v1/orders'].post`): no wildcards or filters, so any Overlay tool selects exactly what
we mean. Changes are written as `remove` on the node plus `update` on its parent, never as a
merge into an existing array, because Overlay 1.0 leaves array merging to the tool. The one
exception is a new enum value: `update` on the enum array itself, which the standard defines
as an append.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

from conformance.drift.analyse import DriftFinding, DriftReport
from conformance.drift.judge import ResponseJudge
from conformance.drift.walk import SchemaWalker, escape, json_type, resolve_pointer, unescape
from conformance.errors import OrderMeshError

OVERLAY_VERSION = "1.0.0"
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TOKEN = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\]")


# Keywords whose failure the overlay answers by removing them, each with the OpenAPI 3.0 flag
# that only means something next to it.
LOOSENED: dict[str, tuple[str, ...]] = {
    "pattern": (),
    "format": (),
    "minimum": ("exclusiveMinimum",),
    "maximum": ("exclusiveMaximum",),
    "minLength": (),
    "maxLength": (),
    "minItems": (),
    "maxItems": (),
    "uniqueItems": (),
    "multipleOf": (),
    "minProperties": (),
    "maxProperties": (),
}


class OverlayError(OrderMeshError, ValueError):
    """The overlay is malformed or uses JSONPath this applier does not support."""


# ---------------------------------------------------------------------- JSONPath
def to_jsonpath(document: Any, pointer: str) -> str:
    out, node = "$", document
    for raw in pointer.removeprefix("#").split("/")[1:]:
        token = unescape(raw)
        if isinstance(node, list):
            out += f"[{int(token)}]"
            node = node[int(token)]
            continue
        if IDENTIFIER.fullmatch(token):
            out += f".{token}"
        else:
            out += "['" + token.replace("\\", "\\\\").replace("'", "\\'") + "']"
        node = node.get(token) if isinstance(node, dict) else None
    return out


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
def _merge(target: dict, update: dict) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)


def apply_overlay(document: dict[str, Any], overlay: dict[str, Any]) -> tuple[dict, list[str]]:
    """Apply the actions in order to a copy of `document`; returns it and the targets that
    selected nothing (Overlay 1.0: such an action changes nothing)."""
    if not isinstance(overlay, dict) or "overlay" not in overlay:
        raise OverlayError("not an Overlay document (no 'overlay' version field)")
    if not str(overlay["overlay"]).startswith("1."):
        raise OverlayError(f"unsupported Overlay version {overlay['overlay']!r} (1.x only)")
    result = copy.deepcopy(document)
    unmatched: list[str] = []
    for index, action in enumerate(overlay.get("actions") or []):
        if not isinstance(action, dict) or "target" not in action:
            raise OverlayError(f"action {index}: no 'target'")
        parent, node, key = _select(result, parse_jsonpath(action["target"]))
        if node is None and key is None:
            unmatched.append(action["target"])
            continue
        if action.get("remove"):
            if parent is None:
                raise OverlayError(f"action {index}: cannot remove the document root")
            del parent[key]
        elif "update" in action:
            if isinstance(node, list):
                node.append(copy.deepcopy(action["update"]))
            elif isinstance(node, dict) and isinstance(action["update"], dict):
                _merge(node, action["update"])
            else:
                raise OverlayError(f"action {index}: update of a scalar at {action['target']}")
    return result, unmatched


def apply_overlay_file(spec_in: Path, overlay_path: Path, spec_out: Path) -> list[str]:
    try:
        document = yaml.safe_load(Path(spec_in).read_text(encoding="utf-8"))
        overlay = yaml.safe_load(Path(overlay_path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise OverlayError(f"cannot read {exc.filename}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise OverlayError(f"not valid YAML: {exc}") from exc
    patched, unmatched = apply_overlay(document, overlay)
    text = yaml.safe_dump(patched, sort_keys=False, allow_unicode=True, width=100)
    Path(spec_out).write_text(text, encoding="utf-8")
    return unmatched


# ---------------------------------------------------------------------- building
def infer_schema(value: Any, v31: bool = False) -> dict[str, Any]:
    """A schema for an observed value; `v31`: OpenAPI 3.1 (`type: "null"`, no `nullable`)."""
    kind = json_type(value)
    if kind == "null":
        return {"type": "null"} if v31 else {"nullable": True}
    if kind == "array":
        return {"type": "array", "items": infer_schema(value[0], v31) if value else {}}
    if kind == "object":
        props = {k: infer_schema(v, v31) for k, v in value.items()}
        return {"type": "object", "properties": props}
    return {"type": kind}


def _observed(note: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {**schema, "x-provenance": "inferred", "x-provenance-note": note}


def _convert_enum(values: list[Any], kind: str) -> list[Any] | None:
    if kind == "string":
        return [str(v) for v in values]
    if kind in ("integer", "number"):
        try:
            return [int(v) if kind == "integer" else float(v) for v in values]
        except (TypeError, ValueError):
            return None
    return None


class OverlayBuilder:
    def __init__(self, document: dict[str, Any], target: str) -> None:
        self.document = document
        self.note = f"Observed by `ordermesh-conformance drift` against {target}; review."
        self.v31 = str(document.get("openapi", "")).startswith("3.1")
        self.actions: list[dict[str, Any]] = []

    def path(self, pointer: str) -> str:
        return to_jsonpath(self.document, pointer)

    def replace(self, pointer: str, new_node: Any, description: str) -> None:
        """Remove the node, then set it again on its parent (no array merging involved)."""
        parent, _, key = pointer.rpartition("/")
        key = unescape(key)
        if isinstance(resolve_pointer(self.document, parent), list):
            raise OverlayError(f"{pointer}: replacing an array element is not supported")
        self.actions.append(
            {"target": self.path(pointer), "description": description, "remove": True}
        )
        self.actions.append(
            {"target": self.path(parent), "description": description, "update": {key: new_node}}
        )

    def update(self, pointer: str, update: Any, description: str) -> None:
        self.actions.append(
            {"target": self.path(pointer), "description": description, "update": update}
        )

    def build(self, report: DriftReport) -> dict[str, Any]:
        by_kind: dict[str, list[DriftFinding]] = {}
        for finding in report.findings:
            by_kind.setdefault(finding.kind, []).append(finding)
        self._missing_fields(by_kind.get("missing-field", []))
        for finding in by_kind.get("undocumented-field", []):
            schema = _observed(
                self.note, infer_schema(finding.examples[0] if finding.examples else None, self.v31)
            )
            self.update(
                finding.location,
                {"properties": {finding.name: schema}},
                f"undocumented field `{finding.name}` returned by {', '.join(finding.operations)}",
            )
        for finding in by_kind.get("type-mismatch", []):
            self._type(finding)
        for finding in by_kind.get("nullable", []):
            self._admit_null(finding.location, f"null returned by {', '.join(finding.operations)}")
        for kind in sorted(set(by_kind) & set(LOOSENED)):
            for finding in by_kind[kind]:
                self._loosen(finding)
        for finding in by_kind.get("enum-value", []):
            for value in finding.examples:
                self.update(
                    f"{finding.location}/enum",
                    value,
                    f"enum value {value!r} returned by {', '.join(finding.operations)}",
                )
        for finding in by_kind.get("undocumented-status", []):
            self._status(finding)
        for finding in by_kind.get("missing-operation", []):
            self.actions.append(
                {
                    "target": self.path(finding.location),
                    "remove": True,
                    "description": f"{finding.name} answered only 404/405: not served",
                }
            )
        title = self.document.get("info", {}).get("title", "the spec")
        return {
            "overlay": OVERLAY_VERSION,
            "info": {
                "title": f"Drift of {report.target} against {title} {report.spec_version}",
                "version": "1",
            },
            "actions": self.actions,
        }

    def _missing_fields(self, findings: list[DriftFinding]) -> None:
        missing: dict[str, list[DriftFinding]] = {}
        for finding in findings:
            missing.setdefault(finding.location, []).append(finding)
        for location, group in missing.items():
            names = {f.name for f in group}
            required = resolve_pointer(self.document, location).get("required", [])
            kept = [name for name in required if name not in names]
            operations = sorted({op for f in group for op in f.operations})
            self.replace(
                f"{location}/required",
                kept,
                f"{', '.join(sorted(names))} absent in responses of {', '.join(operations)}",
            )
            if not kept:
                self.actions.pop()  # nothing left to require: the removal alone is the change

    def _loosen(self, finding: DriftFinding) -> None:
        """A keyword the observed values break (a pattern, a format, a bound): drop it, and with
        a bound its OpenAPI 3.0 exclusive flag, so a reviewer decides what to put instead."""
        node = resolve_pointer(self.document, finding.location)
        seen = ", ".join(repr(v) for v in finding.examples)
        description = (
            f"{finding.kind} {finding.name} broken by {seen} in {', '.join(finding.operations)}"
        )
        for keyword in (finding.kind, *LOOSENED[finding.kind]):
            if keyword in node:
                self.actions.append(
                    {
                        "target": self.path(f"{finding.location}/{keyword}"),
                        "remove": True,
                        "description": description,
                    }
                )

    def _type(self, finding: DriftFinding) -> None:
        description = (
            f"{finding.name} where the spec says otherwise, in {', '.join(finding.operations)}"
        )
        if finding.name == "null":
            self._admit_null(finding.location, description)
            return
        node = copy.deepcopy(resolve_pointer(self.document, finding.location))
        for keyword in ("oneOf", "anyOf", "format"):
            node.pop(keyword, None)
        node["type"] = finding.name
        if "enum" in node:
            enum = _convert_enum(node["enum"], finding.name)
            if enum is None:
                del node["enum"]
            else:
                node["enum"] = enum
        self.replace(finding.location, _observed(self.note, node), description)

    def _admit_null(self, pointer: str, description: str) -> None:
        """3.0 says `nullable: true`; 3.1 adds "null" to the type, or a `{type: "null"}` branch."""
        if not self.v31:
            self.update(pointer, {"nullable": True}, description)
            return
        node = copy.deepcopy(resolve_pointer(self.document, pointer))
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
            if "enum" in node:  # JSON Schema: an enum admits null only by listing it
                node["enum"] = [*node["enum"], None]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
        self.replace(pointer, _observed(self.note, node), description)

    def _status(self, finding: DriftFinding) -> None:
        """A new response: the documented response of the same class whose schema the observed
        body fits, or one with a schema inferred from the body."""
        body = finding.examples[0] if finding.examples else None
        response: dict[str, Any] = {"description": f"{self.note} ({', '.join(finding.operations)})"}
        documented = resolve_pointer(self.document, finding.location)
        template = self._matching_response(finding.location, documented, finding.name, body)
        if template is not None:
            response = copy.deepcopy(template)
        elif body is not None:
            response["content"] = {
                "application/json": {"schema": _observed(self.note, infer_schema(body, self.v31))}
            }
        self.update(
            finding.location,
            {finding.name: response},
            f"status {finding.name} returned by {', '.join(finding.operations)}",
        )

    def _matching_response(
        self, location: str, responses: dict, status: str, body: Any
    ) -> dict | None:
        judge = ResponseJudge(self.document)
        walker = SchemaWalker(self.document, judge)
        for code, response in responses.items():
            if code[:1] != status[:1] or body is None:
                continue
            resolved, pointer = walker.resolve(response, f"{location}/{escape(code)}")
            content = (resolved.get("content") or {}).get("application/json") or {}
            schema = f"{pointer}/content/application~1json/schema"
            if "schema" not in content or not judge.is_valid(body, schema):
                continue
            if not walker.walk(body, schema, "", "").mismatches:  # and no field it does not list
                return response
        return None


def build_overlay(document: dict[str, Any], report: DriftReport) -> dict[str, Any]:
    return OverlayBuilder(document, report.target).build(report)


def dump_overlay(overlay: dict[str, Any]) -> str:
    return yaml.safe_dump(overlay, sort_keys=False, allow_unicode=True, width=100)
