"""A dialect proxy: a target that differs from the spec's *inferred* elements, consistently.

A real staging may answer 200 where we inferred 201, spell an enum otherwise, or wrap its
errors in another shape; none of that is a bug, only a wrong guess in our spec. A `Dialect` is
a short table of rules, each naming one inferred spec element (a schema, a property, an
operation); everything else (the values, the status it replaces, the fields of an error body)
is read from the loaded spec. The proxy translates both ways, so the target stays consistent:
answers from the spec's form into the dialect, requests and query values back.

    ordermesh-conformance proxy --upstream http://127.0.0.1:8080 --dialect staging-like
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, TypeVar, cast

from conformance.drift.respell import CONVENTIONS
from conformance.errors import UsageError
from conformance.selftest import schema_walk
from conformance.selftest.proxy_faults import (
    Forward,
    Memory,
    ProxiedRequest,
    ProxiedResponse,
    ProxyFault,
)
from spec import Operation, Spec
from spec.vocabulary import vocabulary

INFERRED = "inferred"


class DialectError(UsageError, ValueError):
    """A dialect rule names no spec element, or one that is not inferred."""


def _component(spec: Spec, name: str) -> dict[str, Any]:
    schema = spec.document.get("components", {}).get("schemas", {}).get(name)
    if not isinstance(schema, dict):
        raise DialectError(f"dialect: no schema {name!r} in the spec")
    if schema.get("x-provenance") != INFERRED:
        raise DialectError(f"dialect: schema {name} is not x-provenance: {INFERRED}")
    return schema


# The spellings a dialect writes enums in: the same conventions drift recognises, so what the
# dialect writes is what a run's overlay proposes to read.
SPELLINGS = CONVENTIONS
upper_snake = CONVENTIONS["UPPER_SNAKE"]


@dataclass(frozen=True)
class SuccessCode:
    """The operation's one inferred success code is answered as `status`."""

    operation: str
    status: int

    def replaced(self, spec: Spec) -> int:
        operation = spec.operation(self.operation)
        codes = operation.success_statuses
        if operation.provenance != INFERRED or len(codes) != 1:
            raise DialectError(
                f"dialect: {self.operation} needs exactly one inferred success code, has {codes}"
            )
        return codes[0]

    def describe(self, spec: Spec) -> str:
        return f"{self.operation} answers {self.status}, not {self.replaced(spec)}"


@dataclass(frozen=True)
class EnumNames:
    """An integer enum travels as its `x-enum-varnames`."""

    schema: str

    def mapping(self, spec: Spec) -> dict[object, object]:
        if not _component(spec, self.schema).get("x-enum-varnames"):
            raise DialectError(f"dialect: {self.schema} has no x-enum-varnames for its enum")
        words = vocabulary(spec)  # the one reading of enum names and wire values
        return {words.wire(self.schema, name): name for name in words.names(self.schema)}

    def describe(self, spec: Spec) -> str:
        return f"{self.schema} as names: {self.mapping(spec)}"


@dataclass(frozen=True)
class EnumSpelling:
    """A string enum spelled another way (`spelling`: one of SPELLINGS)."""

    schema: str
    spelling: str

    def mapping(self, spec: Spec) -> dict[object, object]:
        values = _component(spec, self.schema).get("enum") or []
        if not values or self.spelling not in SPELLINGS:
            raise DialectError(f"dialect: {self.schema}: no enum, or no spelling {self.spelling}")
        return {v: SPELLINGS[self.spelling](v) for v in values}

    def describe(self, spec: Spec) -> str:
        return f"{self.schema} spelled {self.spelling}: {self.mapping(spec)}"


@dataclass(frozen=True)
class RenameProperty:
    """A property of an inferred schema travels under another name. Without `prop`: the
    schema's one array property (a list envelope such as `orders`)."""

    schema: str
    to: str
    prop: str | None = None

    def source(self, spec: Spec) -> str:
        _component(spec, self.schema)
        props = schema_walk.properties(spec, {"$ref": schema_walk.SCHEMAS + self.schema})
        if self.prop is not None:
            if self.prop not in props:
                raise DialectError(f"dialect: {self.schema} has no property {self.prop}")
            return self.prop
        lists = [k for k, v in props.items() if spec.resolve(v).get("type") == "array"]
        if len(lists) != 1:
            raise DialectError(f"dialect: {self.schema} has no single list property: {lists}")
        return lists[0]

    def describe(self, spec: Spec) -> str:
        return f"{self.schema}.{self.source(spec)} renamed {self.to}"


@dataclass(frozen=True)
class ErrorBody:
    """An error schema's body nested as {wrapper: {"code": <its integer field>, "message": <its
    string field>, ...the rest}}."""

    schema: str
    wrapper: str = "error"
    code: str = "code"  # the dialect's names for the spec's integer and string fields
    message: str = "message"

    def fields(self, spec: Spec) -> tuple[str, str]:
        component = _component(spec, self.schema)
        props, required = component.get("properties") or {}, component.get("required") or []

        def one(kind: str) -> str:
            found = [k for k in required if (props.get(k) or {}).get("type") == kind]
            if len(found) != 1:
                raise DialectError(f"dialect: {self.schema} has no single required {kind}")
            return cast(str, found[0])

        return one("integer"), one("string")

    def describe(self, spec: Spec) -> str:
        code, message = self.fields(spec)
        return (
            f"{self.schema} as {{{self.wrapper}: {{{self.code}: {code}, "
            f"{self.message}: {message}}}}}"
        )


Rule = SuccessCode | EnumNames | EnumSpelling | RenameProperty | ErrorBody


@dataclass(frozen=True)
class Dialect:
    name: str
    rules: tuple[Rule, ...]
    # The schema of one audited change ({field, oldValue, newValue}): a consistent target also
    # writes an enum field's old and new values there as it answers them.
    audit_change: str | None = None

    def operations(self, spec: Spec) -> dict[Rule, frozenset[str]]:
        """Per rule, the operations whose answers it can change (where a run sees it)."""
        return {rule: frozenset(_answers(spec, rule)) for rule in self.rules}


def _answers(spec: Spec, rule: Rule) -> set[str]:
    if isinstance(rule, SuccessCode):
        return {rule.operation}
    found = set()
    for operation in spec:
        for answer in (operation.raw.get("responses") or {}).values():
            if rule.schema in schema_walk.reached(spec, schema_walk.media_schema(spec, answer)):
                found.add(operation.operation_id)
    return found


DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        Dialect(
            "staging-like",
            (
                SuccessCode("createShipment", 200),
                EnumNames("ShipmentStatus"),
                EnumSpelling("NoteResourceType", "UPPER_SNAKE"),
                RenameProperty("ListOrderModel", "itemsCount", "itemCount"),
                ErrorBody("NotFoundErrorResponse"),
                RenameProperty("ListOrdersResponse", "data"),
            ),
            audit_change="AuditFieldChange",
        ),
    )
}


class Translator:
    """The dialect's rules against one spec: JSON values both ways, requests, responses."""

    def __init__(self, spec: Spec, dialect: Dialect) -> None:
        self.spec, self.dialect = spec, dialect
        self.status = {r.operation: (r.replaced(spec), r.status) for r in _of(dialect, SuccessCode)}
        self.enums = {
            r.schema: r.mapping(spec)
            for r in dialect.rules
            if isinstance(r, EnumNames | EnumSpelling)
        }
        self.renames: dict[str, dict[str, str]] = {}
        for rule in _of(dialect, RenameProperty):
            self.renames.setdefault(rule.schema, {})[rule.source(spec)] = rule.to
        self.enum_fields = schema_walk.enum_properties(spec, set(self.enums))
        self.change = _change_keys(spec, dialect.audit_change) if dialect.audit_change else None
        self.errors: dict[str, tuple[ErrorBody, str, str]] = {
            r.schema: (r, *r.fields(spec)) for r in _of(dialect, ErrorBody)
        }

    # ------------------------------------------------------------------ values
    def forward(self, schema: object, value: object) -> object:
        """A value of `schema` as the spec has it -> as the dialect has it."""
        return schema_walk.walk(self.spec, schema, value, _same, self._to_dialect)

    def backward(self, schema: object, value: object) -> object:
        """A value in the dialect -> the spec's form; what is not in the dialect passes as is."""
        return schema_walk.walk(self.spec, schema, value, self._to_spec, _same)

    def _changed(self, names: frozenset[str], value: object, back: bool) -> object:
        """An audited change of an enum field: its values as the field travels."""
        if self.change is None or self.change[0] not in names or not isinstance(value, dict):
            return value
        _, field_key, value_keys = self.change
        enum = self.enums.get(self.enum_fields.get(str(value.get(field_key)), ""))
        if not enum:
            return value
        mapping = {v: k for k, v in enum.items()} if back else enum
        return {k: _mapped(mapping, v) if k in value_keys else v for k, v in value.items()}

    def _to_dialect(self, names: frozenset[str], value: object) -> object:
        value = self._changed(names, value, back=False)
        for name in sorted(names):
            value = _mapped(self.enums.get(name), value)
            if isinstance(value, dict):
                renames = self.renames.get(name, {})
                value = {renames.get(k, k): v for k, v in value.items()}
                if name in self.errors:
                    rule, code, message = self.errors[name]
                    value = {
                        rule.wrapper: {
                            rule.code: value.pop(code, None),
                            rule.message: value.pop(message, None),
                            **value,
                        }
                    }
        return value

    def _to_spec(self, names: frozenset[str], value: object) -> object:
        value = self._changed(names, value, back=True)
        for name in sorted(names):
            enum = self.enums.get(name)
            value = _mapped({v: k for k, v in enum.items()} if enum else None, value)
            if isinstance(value, dict):
                back = {v: k for k, v in self.renames.get(name, {}).items()}
                value = {back.get(k, k): v for k, v in value.items()}
                rule, code, message = self.errors.get(name) or (None, "", "")
                if rule is not None and isinstance(value.get(rule.wrapper), dict):
                    inner = dict(value[rule.wrapper])
                    value = {
                        code: inner.pop(rule.code, None),
                        message: inner.pop(rule.message, None),
                        **inner,
                    }
        return value

    # ------------------------------------------------------------------ traffic
    def request(self, request: ProxiedRequest) -> ProxiedRequest:
        """The client's request (in the dialect) as the upstream (the spec) takes it."""
        if request.operation_id is None:
            return request
        operation = self.spec.operation(request.operation_id)
        params = [(k, self._query_value(operation, k, v)) for k, v in request.params()]
        if params != request.params():
            request = request.with_params(params)
        body = request.json()
        schema = schema_walk.media_schema(self.spec, operation.raw.get("requestBody"))
        if body is None or schema is None:
            return request
        translated = self.backward(schema, body)
        if translated == body:
            return request
        return _with_body(request, translated)

    def _query_value(self, operation: Operation, name: str, text: str) -> str:
        schema = next(
            (
                p.get("schema")
                for p in schema_walk.raw_parameters(self.spec, operation)
                if p.get("name") == name and p.get("in") == "query"
            ),
            None,
        )
        if schema is None:
            return text
        item = schema_walk.items(self.spec, schema)
        value = self.backward(item if item is not None else schema, text)
        return text if value == text else str(value)

    def response(self, request: ProxiedRequest, response: ProxiedResponse) -> ProxiedResponse:
        """The upstream's answer (in the spec's form) as the dialect sends it."""
        if request.operation_id is None:
            return response
        operation = self.spec.operation(request.operation_id)
        answers = operation.raw.get("responses") or {}
        schema = schema_walk.media_schema(self.spec, answers.get(str(response.status)))
        body = response.json()
        status = response.status
        replaced = self.status.get(request.operation_id)
        if replaced and replaced[0] == status:
            status = replaced[1]
        if body is not None and schema is not None:
            translated = self.forward(schema, body)
            if translated != body or status != response.status:
                return response.with_json(translated, status=status)
        if status != response.status:
            return ProxiedResponse(status, response.headers, response.body)
        return response


def _change_keys(spec: Spec, name: str) -> tuple[str, str, frozenset[str]]:
    """(schema, the key naming the field, the keys holding its values) of an audited change:
    its one required string property names the field; its untyped properties hold values."""
    props = (_component(spec, name).get("properties")) or {}
    required = _component(spec, name).get("required") or []
    keys = [k for k in required if (props.get(k) or {}).get("type") == "string"]
    values = frozenset(k for k, sub in props.items() if "type" not in (sub or {}))
    if len(keys) != 1 or not values:
        raise DialectError(f"dialect: {name} is not shaped as a field and its values")
    return name, keys[0], values


def _same(names: frozenset[str], value: object) -> object:
    return value


def _mapped(mapping: dict[object, object] | None, value: object) -> object:
    """`value` through `mapping`; a query string matches the mapping's keys by their text."""
    if not mapping or isinstance(value, (dict, list, bool)):
        return value
    if value in mapping:
        return mapping[value]
    if isinstance(value, str):
        by_text = {str(k): v for k, v in mapping.items()}
        return by_text.get(value, value)
    return value


R = TypeVar("R")


def _of(dialect: Dialect, kind: type[R]) -> list[R]:
    return [rule for rule in dialect.rules if isinstance(rule, kind)]


def _with_body(request: ProxiedRequest, data: object) -> ProxiedRequest:
    return replace(request, body=json.dumps(data).encode())


class UnknownDialectError(DialectError):
    """A name that is not in `DIALECTS`."""


def dialect_fault(spec: Spec, name: str) -> ProxyFault:
    """The dialect as one proxy "fault" over every operation, for conformance.selftest.proxy."""
    if name not in DIALECTS:
        raise UnknownDialectError(f"unknown dialect {name!r}; valid: {', '.join(DIALECTS)}")
    translator = Translator(spec, DIALECTS[name])

    async def rewrite(request: ProxiedRequest, forward: Forward, memory: Memory) -> ProxiedResponse:
        response = await forward(translator.request(request))
        return translator.response(request, response)

    return ProxyFault(
        f"dialect-{name}",
        "dialect",
        f"the {name} dialect of the spec's inferred elements",
        tuple(op.operation_id for op in spec),
        rewrite,
    )
