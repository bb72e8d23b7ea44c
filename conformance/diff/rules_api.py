"""Rules about the API surface: paths, operations, security, parameters, bodies, responses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance.diff.context import (
    DocumentPair,
    OperationPair,
    ParamRef,
    PathPair,
    join,
)
from conformance.diff.model import Finding
from conformance.diff.registry import rule

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def _methods(item: dict[str, Any] | None) -> list[str]:
    return [m for m in METHODS if isinstance(item, dict) and isinstance(item.get(m), dict)]


# ---------------------------------------------------------------------- document
@rule(
    "security-scheme-changed",
    scope="document",
    level="breaking",
    summary=(
        "A security scheme used by the API changed its type, scheme or location, or was removed."
    ),
    oasdiff="api-security-component-type-changed, api-security-component-removed",
)
def security_scheme_changed(pair: DocumentPair) -> Iterator[Finding]:
    old = pair.old.document.get("components", {}).get("securitySchemes", {}) or {}
    new = pair.new.document.get("components", {}).get("securitySchemes", {}) or {}
    used = _used_schemes(pair.old.document)
    for name, scheme in old.items():
        if name not in used:
            continue  # no operation sends it, so no client can depend on it
        where = join("/components/securitySchemes", name)
        if name not in new:
            yield Finding(f"security scheme `{name}` removed", where)
            continue
        before, after = pair.old.resolve(scheme), pair.new.resolve(new[name])
        for key in ("type", "scheme", "in", "name", "bearerFormat"):
            if before.get(key) != after.get(key):
                yield Finding(
                    f"security scheme `{name}`: {key} changed from {before.get(key)!r} to "
                    f"{after.get(key)!r}",
                    join(where, key),
                )


def _used_schemes(document: dict[str, Any]) -> set[str]:
    """Names of the security schemes that the document-wide or any operation's security uses."""
    lists = [document.get("security") or []]
    for root in ("paths", "webhooks"):
        for item in (document.get(root) or {}).values():
            for method in _methods(item):
                lists.append(item[method].get("security") or [])
    return {name for security in lists for req in security for name in (req or {})}


# ---------------------------------------------------------------------- paths
@rule(
    "path-added",
    scope="path",
    level="info",
    summary="A new path.",
    oasdiff="endpoint-added",
)
def path_added(pair: PathPair) -> Iterator[Finding]:
    if pair.root == "paths" and pair.old is None and pair.new is not None:
        methods = ", ".join(m.upper() for m in _methods(pair.new)) or "no operations"
        yield Finding(f"path {pair.path} added ({methods})", pair.new_pointer)


@rule(
    "operation-added",
    scope="path",
    level="info",
    summary="A new method on an existing path.",
    oasdiff="endpoint-added",
)
def operation_added(pair: PathPair) -> Iterator[Finding]:
    if pair.old is None or pair.new is None:
        return
    for method in _methods(pair.new):
        if method not in _methods(pair.old):
            yield Finding(
                f"operation {method.upper()} {pair.path} "
                f"({pair.new[method].get('operationId', '?')}) added",
                join(pair.new_pointer, method),
                operation=f"{method.upper()} {pair.path}",
            )


# ---------------------------------------------------------------------- operations
@rule(
    "operation-deprecated",
    scope="operation",
    level="warning",
    summary="The operation became deprecated.",
    oasdiff="endpoint-deprecated, endpoint-deprecated-with-sunset",
)
def operation_deprecated(pair: OperationPair) -> Iterator[Finding]:
    if pair.new.get("deprecated") and not pair.old.get("deprecated"):
        yield Finding("operation deprecated", join(pair.new_pointer, "deprecated"))


@rule(
    "operation-id-changed",
    scope="operation",
    level="warning",
    summary="The operationId changed (generated clients rename the method; links break).",
    oasdiff="api-operation-id-removed",
)
def operation_id_changed(pair: OperationPair) -> Iterator[Finding]:
    before, after = pair.old.get("operationId"), pair.new.get("operationId")
    if before is not None and before != after:
        yield Finding(
            f"operationId changed from {before!r} to {after!r}",
            join(pair.new_pointer, "operationId"),
        )


def _alternatives(
    security: list[dict[str, list[str]]],
) -> set[frozenset[tuple[str, tuple[str, ...]]]]:
    return {
        frozenset((name, tuple(sorted(scopes or []))) for name, scopes in (req or {}).items())
        for req in security
    }


Alternative = frozenset[tuple[str, tuple[str, ...]]]


def _still_met(old: Alternative, new: set[Alternative]) -> bool:
    """A client holding `old`'s credentials satisfies some NEW alternative (same schemes, and
    no scope it lacks)."""
    held = dict(old)
    for alt in new:
        wanted = dict(alt)
        if wanted.keys() == held.keys() and all(set(wanted[n]) <= set(held[n]) for n in wanted):
            return True
    return False


@rule(
    "security-scope-removed",
    scope="operation",
    level="info",
    summary="A security requirement asks for fewer scopes (clients hold more than they need).",
    oasdiff="api-security-scope-removed, api-global-security-scope-removed",
)
def security_scope_removed(pair: OperationPair) -> Iterator[Finding]:
    old, new = _alternatives(pair.old_security), _alternatives(pair.new_security)
    for alt in old - new:
        if _still_met(alt, new):
            names = ", ".join(sorted(name for name, _ in alt))
            yield Finding(f"security {names}: scopes reduced", _security_pointer(pair))


def _open(security: list[dict[str, list[str]]]) -> bool:
    """No security, or an empty alternative (`- {}`) that lets anonymous callers in."""
    return not security or any(not req for req in security)


def _security_pointer(pair: OperationPair) -> str:
    return join(pair.new_pointer, "security") if "security" in pair.new else "/security"


@rule(
    "security-added",
    scope="operation",
    level="breaking",
    summary="An operation that was open now requires authentication.",
    oasdiff="api-security-added, api-global-security-added",
)
def security_added(pair: OperationPair) -> Iterator[Finding]:
    if _open(pair.old_security) and not _open(pair.new_security):
        names = sorted({name for req in pair.new_security for name in req})
        yield Finding(f"operation now requires security {names}", _security_pointer(pair))


@rule(
    "security-removed",
    scope="operation",
    level="info",
    summary="An operation that required authentication is now open.",
    oasdiff="api-security-removed, api-global-security-removed",
)
def security_removed(pair: OperationPair) -> Iterator[Finding]:
    if not _open(pair.old_security) and _open(pair.new_security):
        yield Finding("operation no longer requires security", _security_pointer(pair))


@rule(
    "security-changed",
    scope="operation",
    level="breaking",
    summary="A security alternative that clients used is gone (scheme swapped or scopes added).",
    oasdiff="api-security-updated, api-security-scope-added, api-global-security-scope-added",
)
def security_changed(pair: OperationPair) -> Iterator[Finding]:
    if _open(pair.old_security) or _open(pair.new_security):
        return
    new = _alternatives(pair.new_security)
    lost = [alt for alt in _alternatives(pair.old_security) if not _still_met(alt, new)]
    if lost:
        yield Finding(
            f"security changed from {pair.old_security} to {pair.new_security}",
            _security_pointer(pair),
        )


def _param_label(param: ParamRef) -> str:
    return f"{param.key[1]} parameter `{param.name}`"


@rule(
    "parameter-location-changed",
    scope="operation",
    level="breaking",
    summary="A parameter moved (e.g. from query to header).",
    oasdiff="request-parameter-removed + new-required-request-parameter",
)
def parameter_location_changed(pair: OperationPair) -> Iterator[Finding]:
    for key, param in pair.old_params.items():
        if key in pair.new_params:
            continue
        moved = [k for k in pair.new_params if k[0] == key[0] and k not in pair.old_params]
        for new_key in moved:
            yield Finding(
                f"parameter `{key[0]}` moved from {key[1]} to {new_key[1]}",
                pair.new_params[new_key].pointer,
                inferred=param.inferred,
            )


def _added_params(pair: OperationPair, required: bool) -> Iterator[Finding]:
    old_names = {name for name, _ in pair.old_params}
    for key, param in pair.new_params.items():
        if key in pair.old_params or key[0] in old_names or param.required != required:
            continue
        kind = "required" if required else "optional"
        yield Finding(f"new {kind} {_param_label(param)}", param.pointer)


@rule(
    "request-parameter-required-added",
    scope="operation",
    level="breaking",
    summary="A new required parameter.",
    oasdiff="new-required-request-parameter, new-request-path-parameter",
)
def request_parameter_required_added(pair: OperationPair) -> Iterator[Finding]:
    yield from _added_params(pair, required=True)


@rule(
    "optional-parameter-added",
    scope="operation",
    level="info",
    summary="A new optional parameter.",
    oasdiff="new-optional-request-parameter",
)
def optional_parameter_added(pair: OperationPair) -> Iterator[Finding]:
    yield from _added_params(pair, required=False)


def _body_required(body: Any) -> bool:
    return body is not None and bool(body.node.get("required", False))


@rule(
    "request-body-became-required",
    scope="operation",
    level="breaking",
    summary="A request body is now required (newly added as required, or made required).",
    oasdiff="request-body-became-required, request-body-added-required",
)
def request_body_became_required(pair: OperationPair) -> Iterator[Finding]:
    if _body_required(pair.new_body) and not _body_required(pair.old_body):
        assert pair.new_body is not None
        yield Finding("request body became required", join(pair.new_body.pointer, "required"))


@rule(
    "request-body-removed",
    scope="operation",
    level="breaking",
    summary="The request body is gone: clients still send one, and a server may now refuse it.",
    oasdiff="request-body-media-type-removed (one per media type)",
)
def request_body_removed(pair: OperationPair) -> Iterator[Finding]:
    if pair.old_body is not None and pair.new_body is None:
        yield Finding(
            "request body removed", pair.old_body.pointer, inferred=pair.old_body.inferred
        )


def _media(body: Any) -> dict[str, Any]:
    content = body.node.get("content") if body is not None else None
    return content if isinstance(content, dict) else {}


@rule(
    "request-content-type-removed",
    scope="operation",
    level="breaking",
    summary="A request media type is no longer accepted.",
    oasdiff="request-body-media-type-removed",
)
def request_content_type_removed(pair: OperationPair) -> Iterator[Finding]:
    if pair.old_body is None or pair.new_body is None:
        return
    for media in _media(pair.old_body):
        if media not in _media(pair.new_body):
            yield Finding(
                f"request media type {media} removed", join(pair.old_body.pointer, "content", media)
            )


@rule(
    "request-content-type-added",
    scope="operation",
    level="info",
    summary="A new request media type is accepted.",
    oasdiff="request-body-media-type-added",
)
def request_content_type_added(pair: OperationPair) -> Iterator[Finding]:
    if pair.old_body is None or pair.new_body is None:
        return
    for media in _media(pair.new_body):
        if media not in _media(pair.old_body):
            yield Finding(
                f"request media type {media} added", join(pair.new_body.pointer, "content", media)
            )
