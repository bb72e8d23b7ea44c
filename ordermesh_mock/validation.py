"""Per-operation request validation with validators compiled once, at startup."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jsonschema_rs

from ordermesh_mock.errors import bad_request, field_error
from spec.implied import declared_only
from spec.loader import Operation, Parameter

_INT = re.compile(r"-?\d+")
_NUM = re.compile(r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?")
# Hostile-input limits (issue 21), each refused with a 400 before any handler runs:
# longer numbers in a path or query stay text and fail the type check (int() has a digit cap),
MAX_NUMBER_CHARS = 32
# and JSON nested deeper than this is refused (the parser and the validator recurse).
MAX_DEPTH = 64
# `\ud800`..`\udfff` escapes: only a body holding one can decode to a lone surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SECRET_FIELDS = {"client_secret", "password", "refresh_token"}

# relax(operation_id, property_name, error_kind) -> True drops the error (seeded faults only)
Relax = Callable[[str, str, str], bool]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"invalid JSON constant {name}")


def property_name(path: list[str | int], prefix: str = "") -> str:
    out = prefix
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _coerce(value: str, schema: Mapping[str, Any]) -> Any:
    kind = schema.get("type")
    if len(value) > MAX_NUMBER_CHARS:
        return value
    if kind == "integer" and _INT.fullmatch(value):
        return int(value)
    if kind == "number" and _NUM.fullmatch(value):
        return float(value) if any(c in value for c in ".eE") else int(value)
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    return value


_TOO_DEEP = object()


def depth(value: Any) -> int:
    """How deeply arrays and objects nest in `value` (iterative: no recursion limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict):
            node = list(node.values())
        if isinstance(node, list):
            deepest = max(deepest, level)
            if level <= MAX_DEPTH:  # deeper is refused anyway: stop counting
                stack.extend((child, level + 1) for child in node)
    return deepest


def _has_lone_surrogate(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode()
    except UnicodeEncodeError:
        return True
    return False


def hostile_json(raw: bytes, body: Any) -> str | None:
    """Why a parsed body is refused before validation, or None. The byte checks keep the
    common case cheap: fewer brackets than the limit cannot nest deeper than it."""
    if body is _TOO_DEEP or (
        raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and depth(body) > MAX_DEPTH
    ):
        return f"JSON nested deeper than {MAX_DEPTH} levels"
    if _SURROGATE_ESCAPE.search(raw) and _has_lone_surrogate(body):
        return "invalid text: a lone UTF-16 surrogate is not a character"
    return None


class OperationValidator:
    def __init__(self, op: Operation) -> None:
        self.op = op
        self.params: list[tuple[Parameter, Any]] = [
            (p, jsonschema_rs.validator_for(p.schema, validate_formats=True))
            for p in op.parameters
            if p.location in ("path", "query")
        ]
        self.body = (
            jsonschema_rs.validator_for(op.request_schema, validate_formats=True)
            if op.request_schema is not None
            else None
        )
        self.body_required = bool(op.raw.get("requestBody", {}).get("required", False)) or (
            self.body is not None
        )

    # ------------------------------------------------------------------ parameters
    def parameters(
        self,
        path_params: Mapping[str, str],
        query: Any,  # starlette QueryParams (multi-dict)
        relax: Relax | None = None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        errors: list[dict[str, Any]] = []
        path_out: dict[str, Any] = {}
        query_out: dict[str, Any] = {}
        for param, validator in self.params:
            if param.location == "path":
                raw: Any = path_params.get(param.name)
                present = raw is not None
            else:
                values = query.getlist(param.name)
                present = bool(values)
                if param.schema.get("type") == "array":
                    item_schema = param.schema.get("items", {})
                    if not param.explode and len(values) == 1:
                        values = values[0].split(",")
                    raw = [_coerce(v, item_schema) for v in values]
                else:
                    raw = _coerce(values[0], param.schema) if values else None
            if not present:
                if param.required:
                    errors.append(field_error(param.name, f"{param.name} is required", None))
                elif "default" in param.schema:
                    query_out[param.name] = param.schema["default"]
                continue
            for err in validator.iter_errors(raw):
                prop = property_name(list(err.instance_path), param.name)
                if relax and relax(self.op.operation_id, prop, err.kind.name):
                    continue
                errors.append(field_error(prop, err.message, err.instance))
            (path_out if param.location == "path" else query_out)[param.name] = raw
        if errors:
            raise bad_request(errors)
        return path_out, query_out

    # ------------------------------------------------------------------ body
    def parse_body(self, raw: bytes, content_type: str | None, relax: Relax | None = None) -> Any:
        if self.body is None:
            return None
        media = (content_type or "").split(";")[0].strip().lower()
        if not raw.strip():
            if self.body_required:
                raise bad_request([field_error("body", "a JSON request body is required", None)])
            return None
        if media != "application/json" and not media.endswith("+json"):
            raise bad_request(
                [field_error("body", f"unsupported content type {media or '(none)'!r}", media)]
            )
        try:
            # Strict UTF-8 (RFC 8259): json.loads(bytes) would let encoded surrogates through.
            body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, UnicodeDecodeError) as exc:
            raise bad_request([field_error("body", f"malformed JSON: {exc}", None)]) from None
        except RecursionError:
            body = _TOO_DEEP
        problem = hostile_json(raw, body)
        if problem:
            raise bad_request([field_error("body", problem, None)])
        errors = self.body_errors(body, relax)
        if errors:
            raise bad_request(errors)
        return declared_only(body, self.op.request_schema)

    def body_errors(self, body: Any, relax: Relax | None = None) -> list[dict[str, Any]]:
        assert self.body is not None
        errors: list[dict[str, Any]] = []
        for err in self.body.iter_errors(body):
            path = list(err.instance_path)
            kind = err.kind.name
            value: Any = err.instance
            if kind == "required":
                missing = err.kind.as_dict().get("property")
                path.append(str(missing))
                value = None
            prop = property_name(path) or "body"
            if relax and relax(self.op.operation_id, prop, kind):
                continue
            echo = not any(isinstance(p, str) and p in _SECRET_FIELDS for p in path)
            message = err.message if echo else f"{prop} is invalid"
            errors.append(field_error(prop, message, value, echo=echo))
        return errors


_CACHE: dict[int, dict[str, OperationValidator]] = {}


def build_validators(operations: Sequence[Operation]) -> dict[str, OperationValidator]:
    """Compile once per (cached, read-only) operation list; validators hold no state."""
    operations = tuple(operations)
    key = id(operations[0]) if operations else 0
    if key not in _CACHE:
        _CACHE[key] = {op.operation_id: OperationValidator(op) for op in operations}
    return _CACHE[key]
