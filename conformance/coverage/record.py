"""Fold every request a process sends into hit counts keyed by the model's element ids.

The run's transports hand each exchange to `CoverageRecorder.observe` (transport/transports.py),
whoever sent it: a generated case, a scenario step, an oracle read, setup or cleanup. What the wire
cannot show (a link followed, a tenant probe) is noted by the code that knows (`note`).
A hit key is `<element id>|<side>`; build.py reads them back against the model.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections import Counter
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from conformance.coverage import model, walk
from conformance.coverage.values import coerce, keyword_side, valid
from conformance.transport.operations import OperationRouter
from spec import Lifecycle, Operation, Spec
from spec.lifecycle import BusinessRule, names_rule

UNDOCUMENTED = "undocumented"
TRIED = "tried: "  # the side of a hit that records an attempt, not a request that met a side
TRANSITION = re.compile(r"^(\S+) (\S+) -> \[(\w+)\] (.+?) -> ")


class CoverageRecorder:
    """One per process: the hits so far, and what it needs to name them."""

    def __init__(self, spec: Spec, lifecycle: Lifecycle, base_url: str) -> None:
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._router = OperationRouter(spec)
        self._prefix = urlsplit(base_url).path.rstrip("/")
        self._ops = {(op.method, op.path): op for op in spec.operations}
        self._rules = {
            op.operation_id: [
                r for r in lifecycle.rules.values() if r.operation in (op.operation_id, "*")
            ]
            for op in spec.operations
        }

    def note(self, element: str, side: str = "seen") -> None:
        with self._lock:
            self.hits[f"{element}|{side}"] += 1

    def tried(self, element: str, what: str) -> None:
        """A deliberate attempt at `element` and what came of it (suites/test_provocations.py):
        an element still not covered then says what was tried."""
        self.note(element, f"{TRIED}{what}")

    def followed(self, transition: str) -> None:
        """A spec link Schemathesis followed, by its transition id (`format_transition`:
        `METHOD /path -> [status] Name -> METHOD /target`)."""
        found = TRANSITION.match(transition)
        if not found:
            return
        method, path, status, name = found.groups()
        op = self._ops.get((method, path))
        if op is not None:
            self.note(model.key("link", op.operation_id, status, name))

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.hits)

    def observe(
        self,
        method: str,
        url: str,
        request_headers: Mapping[str, str],
        request_body: bytes | None,
        status: int,
        response_headers: Mapping[str, str],
        response_body: bytes,
    ) -> None:
        """One exchange, as the transport saw it."""
        parts = urlsplit(url)
        path = parts.path.removeprefix(self._prefix) if self._prefix else parts.path
        op, path_values = self._router.match(method, path)
        if op is None:
            return
        hits: Counter[str] = Counter()
        oid = op.operation_id
        hits[f"{model.key('operation', oid)}|seen"] += 1
        hits[f"{model.key('path', op.path)}|seen"] += 1
        query = parse_qs(parts.query, keep_blank_values=True)
        _parameters(hits, op, path_values, query, request_headers)
        _body(hits, op, request_headers, request_body)
        data = _response(hits, op, status, response_headers, response_body)
        _rules(hits, self._rules[oid], status, data)
        _audit(hits, data)
        with self._lock:
            self.hits.update(hits)


def _parameters(
    hits: Counter[str],
    op: Operation,
    path_values: dict[str, str],
    query: dict[str, list[str]],
    headers: Mapping[str, str],
) -> None:
    lower: dict[str, str] | None = None
    for param in op.parameters:
        element = model.key("parameter", op.operation_id, param.location, param.name)
        raw: object = None
        if param.location == "path":
            raw = path_values.get(param.name)
        elif param.location == "query" and param.name in query:
            values = query[param.name]
            raw = values if param.schema.get("type") == "array" else values[0]
        elif param.location == "header":
            lower = lower or {k.lower(): v for k, v in headers.items()}
            raw = lower.get(param.name.lower())
        if raw is None:
            hits[f"{element}|absent"] += 1
            continue
        value = coerce(param.schema, raw)
        hits[f"{element}|present"] += 1
        hits[f"{element}|{'valid' if valid(param.schema, value) else 'invalid'}"] += 1
        _values(hits, op, param.schema, value, f"{param.location}.{param.name}")


def _body(
    hits: Counter[str], op: Operation, headers: Mapping[str, str], body: bytes | None
) -> None:
    if op.request_schema is None:
        return
    element = model.key("parameter", op.operation_id, model.BODY, model.BODY)
    value = _json(body) if body else None
    if value is None:
        hits[f"{element}|absent"] += 1
        return
    hits[f"{element}|present"] += 1
    hits[f"{element}|{'valid' if valid(op.request_schema, value) else 'invalid'}"] += 1
    media = media_of(headers)
    if media:
        hits[f"{model.key('content-type', op.operation_id, 'request', media)}|seen"] += 1
    _values(hits, op, op.request_schema, value, model.BODY)


def _values(
    hits: Counter[str], op: Operation, schema: dict[str, object], value: object, where: str
) -> None:
    """Properties present and absent, enum and boolean values and keywords of a value sent."""
    oid, body = op.operation_id, where == model.BODY

    def visitor(pointer: str, node: dict[str, Any], found: object) -> None:
        if body and pointer:
            hits[_hit("property", oid, pointer, "present")] += 1
            met = "valid" if valid(node, found) else "invalid"
            hits[_hit("property", oid, pointer, met)] += 1
        if body and isinstance(found, dict):
            for name in (node.get("properties") or {}).keys() - found.keys():
                hits[_hit("property", oid, f"{pointer}/{name}", "absent")] += 1
        scalar = isinstance(found, bool | str | int | float)
        if scalar and ("enum" in node or node.get("type") == "boolean"):
            hits[f"{model.value_key(oid, where, pointer, found)}|seen"] += 1
        for keyword in KEYWORDS.intersection(node):
            side = keyword_side(keyword, node[keyword], found)
            if side:
                hits[_hit("keyword", oid, where, pointer, keyword, side)] += 1

    walk.visit(schema, value, visitor)


def _response(
    hits: Counter[str], op: Operation, status: int, headers: Mapping[str, str], body: bytes
) -> object:
    """Status, its class, content type, properties and enum values of one answer; its JSON."""
    oid, code = op.operation_id, str(status)
    if code not in op.responses:
        hits[f"{model.key(UNDOCUMENTED, oid, code)}|seen"] += 1
    hits[f"{model.key('status', oid, code)}|seen"] += 1
    hits[f"{model.key('class', oid, f'{code[:1]}xx')}|seen"] += 1
    media = media_of(headers)
    data = _json(body) if body else None
    if not media:
        return data
    hits[f"{model.key('content-type', oid, 'response', media)}|seen"] += 1
    shape = _shape(op, code, media)
    if shape is None or data is None:
        return data
    places: set[str] = set()
    values: set[tuple[str, object]] = set()
    shape.fill(data, places, values)
    for pointer in places:  # once per answer: the count is of requests
        hits[_response_key(oid, code, pointer)] += 1
    for pointer, value in values:
        hits[_response_value_key(oid, code, pointer, value)] += 1
    return data


KEYWORDS = frozenset((*model.BOUNDS, *model.CHECKED))


@functools.lru_cache(maxsize=65536)
def _hit(*parts: str) -> str:
    """`element|side` for the element id of all parts but the last, which is the side."""
    return f"{model.key(*parts[:-1])}|{parts[-1]}"


_SHAPES: dict[tuple[str, str, str], walk.Shape | None] = {}  # spec objects live all run long


def _shape(op: Operation, code: str, media: str) -> walk.Shape | None:
    key = (op.operation_id, code, media)
    if key not in _SHAPES:
        schema = (op.responses.get(code) or {}).get(media)
        _SHAPES[key] = walk.Shape([schema]) if schema is not None else None
    return _SHAPES[key]


@functools.lru_cache(maxsize=65536)
def _response_key(oid: str, code: str, pointer: str) -> str:
    return f"{model.key('response', oid, code, pointer)}|seen"


@functools.lru_cache(maxsize=65536)
def _response_value_key(oid: str, code: str, pointer: str, value: object) -> str:
    return f"{model.key('response-value', oid, code, pointer, model.value_text(value))}|seen"


def _rules(hits: Counter[str], rules: list[BusinessRule], status: int, data: object) -> None:
    """A business rule of the operation met on its pass side (a success) or its fail side (the
    refusal that names it)."""
    for rule in rules:
        element = model.key("rule", rule.rule)
        if 200 <= status < 300:
            hits[f"{element}|pass"] += 1
        elif status == rule.status and names_rule(data, {rule.rule}):
            hits[f"{element}|fail"] += 1


def _audit(hits: Counter[str], data: object) -> None:
    """Audit events read back: (resource kind, action) of each (checks/audit_rule.py reads them
    by the same names)."""
    if not isinstance(data, dict):
        return
    for events in data.values():
        if not isinstance(events, list):
            continue
        for event in events:
            if isinstance(event, dict) and "action" in event and "resourceType" in event:
                hits[f"{model.key('audit', event['resourceType'], event['action'])}|seen"] += 1


def media_of(headers: Mapping[str, str] | Mapping[str, list[str]]) -> str | None:
    """The media type an exchange's Content-Type names, lower case, without parameters."""
    for name, value in headers.items():
        if name.lower() == "content-type" and value:
            text = value[0] if isinstance(value, list) else value
            return text.split(";")[0].strip().lower()
    return None


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return None
