"""The elements a run can cover, read from the spec and the lifecycle table.

Each element has an id (what the recorder counts hits under), a dimension, the docs section and
operation it belongs to, the spec pointer it stands for, and the sides that make it fully covered
(a parameter is sent present and absent, valid and invalid; a business rule is met on its pass
and its fail side). Nothing here is a literal from the spec: every element is read from it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from conformance.coverage import walk
from spec import Lifecycle, Operation, Spec
from spec.loader import COVERAGE_EXCUSED, docs_sections
from spec.provoked import provoked, unprovokable

SEEN = ("seen",)
PRESENCE = ("present", "absent", "valid", "invalid")
BOUND_SIDES = ("at", "past")
CHECK_SIDES = ("valid", "invalid")
RULE_SIDES = ("pass", "fail")
# Bounds a value can sit at or go past; the other keywords are met or broken.
BOUNDS = (
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
)
CHECKED = ("pattern", "format", "multipleOf", "uniqueItems")
BODY = "body"  # the request body counts as one parameter, as in the paper
LIFECYCLE_FILE = "lifecycle.yaml"
# A documented server error is the target failing, which a conformance run cannot ask for.
SERVER_ERROR_REASON = "a server error: the target answers it only when it fails"
SECTION_LIFECYCLE = "Lifecycle"
SECTION_AUDIT = "Audit log"
SECTION_RULES = "Business rules"


@dataclass(frozen=True)
class Element:
    id: str
    dimension: str
    section: str
    operation: str | None
    pointer: str
    label: str
    sides: tuple[str, ...] = SEEN
    reason: str | None = None  # why it cannot be covered; such an element is left out of figures
    location: str | None = None  # a parameter's: path, query, header, cookie or body


def key(*parts: object) -> str:
    """An element id: its parts joined by `:` (values keep their own `:`)."""
    return ":".join(str(p) for p in parts)


def op_pointer(op: Operation) -> str:
    return f"#/paths/{walk.escape(op.path)}/{op.method.lower()}"


@functools.cache
def universe(spec: Spec, lifecycle: Lifecycle) -> dict[str, Element]:
    """Every element of `spec` and `lifecycle`, by id."""
    found: list[Element] = []
    for path in sorted({op.path for op in spec.operations}):
        ops = [op for op in spec.operations if op.path == path]
        found.append(
            Element(
                key("path", path), "paths", ops[0].tag, None, f"#/paths/{walk.escape(path)}", path
            )
        )
    for op in spec.operations:
        found += operation_elements(spec, op)
    found += lifecycle_elements(lifecycle)
    found += audit_elements(spec)
    found += rule_elements(spec, lifecycle)
    names = docs_sections(spec)  # a tag as the docs name its section
    return {e.id: replace(e, section=names.get(e.section, e.section)) for e in found}


def operation_elements(spec: Spec, op: Operation) -> list[Element]:
    base, oid = op_pointer(op), op.operation_id
    out = [
        Element(key("operation", oid), "operations", op.tag, oid, base, f"{op.method} {op.path}")
    ]
    out += list(parameter_elements(spec, op))
    if op.request_schema is not None:
        schema_base = f"{base}/requestBody/content/{walk.escape(request_media(op))}/schema"
        out.append(body_parameter(op, schema_base))
        out += list(schema_elements(op, op.request_schema, schema_base, BODY))
    out += list(response_elements(spec, op))
    if op.request_schema is not None:
        media = request_media(op)
        out.append(
            Element(
                key("content-type", oid, "request", media),
                "content-types",
                op.tag,
                oid,
                f"{base}/requestBody/content/{walk.escape(media)}",
                f"request {media}",
            )
        )
    out += list(tenant_elements(op))
    return out


def request_media(op: Operation) -> str:
    body = op.raw.get("requestBody") or {}
    return str(next(iter(body.get("content") or {"application/json": None})))


def body_parameter(op: Operation, pointer: str) -> Element:
    sides = PRESENCE if not (op.raw.get("requestBody") or {}).get("required") else _no_absent()
    return Element(
        key("parameter", op.operation_id, BODY, BODY),
        "parameters",
        op.tag,
        op.operation_id,
        pointer,
        "request body",
        sides,
        location=BODY,
    )


def _no_absent() -> tuple[str, ...]:
    return tuple(side for side in PRESENCE if side != "absent")


def parameter_elements(spec: Spec, op: Operation) -> Iterator[Element]:
    for param, pointer in parameter_pointers(spec, op):
        sides = PRESENCE if not param.required else _no_absent()
        yield Element(
            key("parameter", op.operation_id, param.location, param.name),
            "parameters",
            op.tag,
            op.operation_id,
            pointer,
            f"{param.location} {param.name}",
            sides,
            location=param.location,
        )
        schema_base = f"{pointer}/schema"
        where = f"{param.location}.{param.name}"
        yield from schema_elements(op, param.schema, schema_base, where)


def parameter_pointers(spec: Spec, op: Operation) -> Iterator[tuple[Any, str]]:
    """Each parameter with the pointer of its entry: on the operation, else on its path item."""
    item = spec.document["paths"][op.path]
    places = [(f"{op_pointer(op)}/parameters", op.raw.get("parameters") or [])]
    places.append((f"#/paths/{walk.escape(op.path)}/parameters", item.get("parameters") or []))
    for param in op.parameters:
        yield param, _pointer_of(spec, param, places)


def _pointer_of(spec: Spec, param: Any, places: list[tuple[str, list[Any]]]) -> str:
    for base, entries in places:
        for index, entry in enumerate(entries):
            resolved = spec.resolve(entry)
            if resolved.get("name") == param.name and resolved.get("in") == param.location:
                return f"{base}/{index}"
    return f"{places[0][0]}/{param.name}"


def schema_elements(
    op: Operation, schema: dict[str, object], base: str, where: str
) -> Iterator[Element]:
    """Body properties, enum and boolean values and keywords of a request schema or parameter."""
    oid, seen = op.operation_id, set[tuple[str, str]]()
    for pointer, node in walk.places(schema):
        spec_ptr = walk.spec_pointer(base, pointer)
        name = f"{where}{pointer}"
        if where == BODY and pointer and (pointer, "prop") not in seen:
            seen.add((pointer, "prop"))
            yield Element(
                key("property", oid, pointer),
                "body-properties",
                op.tag,
                oid,
                spec_ptr,
                name,
                PRESENCE,
            )
        yield from value_elements(op, node, spec_ptr, where, pointer, seen)
        for keyword in (*BOUNDS, *CHECKED):
            if keyword in node and (pointer, keyword) not in seen:
                seen.add((pointer, keyword))
                sides = BOUND_SIDES if keyword in BOUNDS else CHECK_SIDES
                yield Element(
                    key("keyword", oid, where, pointer, keyword),
                    "keywords",
                    op.tag,
                    oid,
                    f"{spec_ptr}/{keyword}",
                    f"{name} {keyword} {node[keyword]}",
                    sides,
                )


def value_elements(
    op: Operation,
    node: dict[str, Any],
    spec_ptr: str,
    where: str,
    pointer: str,
    seen: set[tuple[str, str]],
) -> Iterator[Element]:
    """One element per enum value and per boolean value of `node`."""
    oid, location = op.operation_id, where.split(".")[0]
    values: list[tuple[str, object]] = [("enum-values", v) for v in node.get("enum") or ()]
    if node.get("type") == "boolean" or "boolean" in (node.get("type") or ()):
        values += [("boolean-values", True), ("boolean-values", False)]
    for dimension, value in values:
        if (pointer, repr(value)) in seen:
            continue
        seen.add((pointer, repr(value)))
        yield Element(
            value_key(oid, where, pointer, value),
            dimension,
            op.tag,
            oid,
            spec_ptr,
            f"{where}{pointer} = {value_text(value)}",
            location=location,
        )


def value_key(oid: str, where: str, pointer: str, value: object) -> str:
    return key("value", oid, where, pointer, value_text(value))


def value_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def response_elements(spec: Spec, op: Operation) -> Iterator[Element]:
    base, oid = op_pointer(op), op.operation_id
    unreachable = {entry.status: unprovokable(entry) for entry in provoked(spec, op)}
    classes: set[str] = set()
    produced: dict[str, tuple[str, str | None]] = {}  # media type -> first pointer, reason
    for code, media_types in op.responses.items():
        pointer = f"{base}/responses/{code}"
        reason = SERVER_ERROR_REASON if code.startswith("5") else unreachable.get(code)
        yield Element(
            key("status", oid, code), "status-codes", op.tag, oid, pointer, code, reason=reason
        )
        if code[:1] in "24":
            classes.add(code[:1])
        for name in (op.raw.get("responses", {}).get(code) or {}).get("links") or {}:
            yield Element(
                key("link", oid, code, name), "links", op.tag, oid, f"{pointer}/links/{name}", name
            )
        for media, schema in media_types.items():
            media_ptr = f"{pointer}/content/{walk.escape(media)}"
            produced.setdefault(media, (media_ptr, reason))
            if reason is None:
                produced[media] = (produced[media][0], None)
            if schema is not None:
                yield from response_schema_elements(op, code, schema, f"{media_ptr}/schema", reason)
    for media, (media_ptr, reason) in produced.items():
        yield Element(
            key("content-type", oid, "response", media),
            "content-types",
            op.tag,
            oid,
            media_ptr,
            f"response {media}",
            reason=reason,
        )
    for digit in sorted(classes):
        yield Element(
            key("class", oid, f"{digit}xx"), "status-classes", op.tag, oid, base, f"{digit}xx"
        )


def response_schema_elements(
    op: Operation, code: str, schema: dict[str, object], base: str, reason: str | None
) -> Iterator[Element]:
    oid, seen = op.operation_id, set[tuple[str, str]]()
    excused: dict[str, str] = {}  # place -> why the spec says no request makes it
    for pointer, node in walk.places(schema):
        spec_ptr = walk.spec_pointer(base, pointer)
        if isinstance(node.get(COVERAGE_EXCUSED), str):
            excused.setdefault(pointer, node[COVERAGE_EXCUSED])
        why = next((why for place, why in excused.items() if is_at(pointer, place)), reason)
        if pointer and (pointer, "") not in seen:
            seen.add((pointer, ""))
            yield Element(
                key("response", oid, code, pointer),
                "response-properties",
                op.tag,
                oid,
                spec_ptr,
                f"{code} {pointer}",
                reason=why,
            )
        for value in node.get("enum") or ():
            if (pointer, repr(value)) not in seen:
                seen.add((pointer, repr(value)))
                yield Element(
                    key("response-value", oid, code, pointer, value_text(value)),
                    "response-enum-values",
                    op.tag,
                    oid,
                    spec_ptr,
                    f"{code} {pointer} = {value_text(value)}",
                    reason=why,
                )


def is_at(pointer: str, place: str) -> bool:
    """`pointer` is `place` or below it."""
    return pointer == place or pointer.startswith(f"{place}/")


def tenant_elements(op: Operation) -> Iterator[Element]:
    """What the tenant-isolation check probes: reads of one resource (checks/tenant.py)."""
    if op.is_safe and op.placeholders and op.needs_auth:
        yield Element(
            key("tenant", op.operation_id),
            "tenant-probes",
            op.tag,
            op.operation_id,
            op_pointer(op),
            f"merchant B reads {op.path}",
        )


def lifecycle_elements(lifecycle: Lifecycle) -> list[Element]:
    out = [
        Element(
            key("state", f"{entity}.{state}"),
            "states",
            SECTION_LIFECYCLE,
            None,
            f"{LIFECYCLE_FILE}#/entities/{entity}/states/{state}",
            f"{entity}.{state}",
        )
        for entity, state in lifecycle.all_states()
    ]
    out += [
        Element(
            key("transition", t.id),
            "transitions",
            SECTION_LIFECYCLE,
            None,
            f"{LIFECYCLE_FILE}#/transitions/{t.id}",
            t.id,
        )
        for t in lifecycle.transitions
    ]
    out += [
        Element(
            key("refusal", rule),
            "refusals",
            SECTION_LIFECYCLE,
            None,
            f"{LIFECYCLE_FILE}#/forbidden/{rule}",
            rule,
        )
        for rule in dict.fromkeys(r.rule for r in lifecycle.refusals)
    ]
    return out


def audit_elements(spec: Spec) -> list[Element]:
    """One element per (resource kind, action) an audited operation writes (x-audit)."""
    out = []
    for op in spec.operations:
        audit = op.raw.get("x-audit")
        if isinstance(audit, dict) and audit.get("resource"):
            out.append(
                Element(
                    key("audit", audit["resource"], op.operation_id),
                    "audit-actions",
                    SECTION_AUDIT,
                    op.operation_id,
                    f"{op_pointer(op)}/x-audit",
                    f"{audit['resource']} {op.operation_id}",
                )
            )
    return out


def rule_elements(spec: Spec, lifecycle: Lifecycle) -> list[Element]:
    return [
        Element(
            key("rule", rule.rule),
            "business-rules",
            SECTION_RULES,
            None if rule.operation == "*" else rule.operation,
            f"{LIFECYCLE_FILE}#/rules/{rule.rule}",
            rule.rule,
            RULE_SIDES,
        )
        for rule in lifecycle.rules.values()
    ]
