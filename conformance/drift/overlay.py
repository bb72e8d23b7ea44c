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
import dataclasses
import re
from typing import Any, cast

import yaml

from conformance.drift.analyse import DriftFinding, DriftReport
from conformance.drift.judge import ResponseJudge
from conformance.drift.respell import pair_renames, respell_enums
from conformance.drift.walk import SchemaWalker, escape, json_type, resolve_pointer, unescape
from spec.overlay import OverlayError

OVERLAY_VERSION = "1.0.0"
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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


# ---------------------------------------------------------------------- JSONPath
def to_jsonpath(document: object, pointer: str) -> str:
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


# ---------------------------------------------------------------------- building
def infer_schema(value: Any, v31: bool = False) -> dict[str, object]:
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


def _observed(note: str, schema: dict[str, object]) -> dict[str, object]:
    return {**schema, "x-provenance": "inferred", "x-provenance-note": note}


def _convert_enum(values: list[Any], kind: str) -> list[object] | None:
    if kind == "string":
        return [str(v) for v in values]
    if kind in ("integer", "number"):
        try:
            return [int(v) if kind == "integer" else float(v) for v in values]
        except (TypeError, ValueError):
            return None
    return None


class OverlayBuilder:
    def __init__(self, document: dict[str, Any], target: str, note: str | None = None) -> None:
        self.document = document
        self.note = note or f"Observed by `ordermesh-conformance drift` against {target}; review."
        self.v31 = str(document.get("openapi", "")).startswith("3.1")
        self.actions: list[dict[str, object]] = []

    def path(self, pointer: str) -> str:
        return to_jsonpath(self.document, pointer)

    def replace(self, pointer: str, new_node: object, description: str) -> None:
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

    def update(self, pointer: str, update: object, description: str) -> None:
        self.actions.append(
            {"target": self.path(pointer), "description": description, "update": update}
        )

    def build(self, report: DriftReport) -> dict[str, object]:
        by_kind: dict[str, list[DriftFinding]] = {}
        for finding in report.findings:
            by_kind.setdefault(finding.kind, []).append(finding)
        pair_renames(self, by_kind)  # one change each, before the kinds one by one
        respell_enums(self, by_kind)
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
        response: dict[str, object] = {
            "description": f"{self.note} ({', '.join(finding.operations)})"
        }
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
        self, location: str, responses: dict[str, object], status: str, body: object
    ) -> dict[str, object] | None:
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
                return cast("dict[str, object]", response)
        return None


def propose_overlay(
    document: dict[str, object],
    report: DriftReport,
    note: str | None = None,
    documented: bool = False,
) -> dict[str, Any] | None:
    """The overlay that corrects what the target contradicted of the spec's *inferred* elements;
    None when there is nothing to correct. A documented element the target breaks is the API's
    defect and is patched only with `documented` (the target is a new version to adopt).
    `drift` and `run` both propose through this."""
    chosen = report.findings if documented else report.contradicted()
    if not chosen:
        return None
    return OverlayBuilder(document, report.target, note).build(
        dataclasses.replace(report, findings=chosen)
    )


def build_overlay(document: dict[str, object], report: DriftReport) -> dict[str, object]:
    return OverlayBuilder(document, report.target).build(report)


def dump_overlay(overlay: dict[str, object]) -> str:
    return yaml.safe_dump(overlay, sort_keys=False, allow_unicode=True, width=100)
