"""Rules about an operation's status codes, and about one parameter or one response: required
flags, style, media types, headers and links."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conformance.diff.context import OperationPair, ParameterPair, ParamRef, ResponsePair, join
from conformance.diff.model import Finding
from conformance.diff.registry import rule


def _param_label(param: ParamRef) -> str:
    return f"{param.key[1]} parameter `{param.name}`"


# ---------------------------------------------------------------------- status codes
def _statuses(op: dict[str, Any]) -> list[str]:
    return [str(code) for code in (op.get("responses") or {})]


def _success(code: str) -> bool:
    return code.startswith("2") or code.upper() == "2XX"


@rule(
    "success-status-changed",
    scope="operation",
    level="breaking",
    summary="The success status changed (a 2xx code was replaced by another, e.g. 200 -> 201).",
    oasdiff="response-success-status-removed + response-success-status-added",
)
def success_status_changed(pair: OperationPair) -> Iterator[Finding]:
    old = [c for c in _statuses(pair.old) if _success(c)]
    new = [c for c in _statuses(pair.new) if _success(c)]
    removed = [c for c in old if c not in new]
    added = [c for c in new if c not in old]
    if removed and added:
        yield Finding(
            f"success status changed from {', '.join(removed)} to {', '.join(added)}",
            join(pair.new_pointer, "responses", added[0]),
        )


@rule(
    "response-status-removed",
    scope="operation",
    level="breaking",
    summary="A success (2xx) response was removed without a replacement 2xx.",
    oasdiff="response-success-status-removed",
)
def response_status_removed(pair: OperationPair) -> Iterator[Finding]:
    old, new = _statuses(pair.old), _statuses(pair.new)
    if any(_success(c) and c not in old for c in new):
        return  # reported as success-status-changed
    for code in old:
        if _success(code) and code not in new:
            yield Finding(
                f"success response {code} removed", join(pair.old_pointer, "responses", code)
            )


@rule(
    "error-status-removed",
    scope="operation",
    level="warning",
    summary="A documented non-2xx response was removed.",
    oasdiff="response-non-success-status-removed",
)
def error_status_removed(pair: OperationPair) -> Iterator[Finding]:
    new = _statuses(pair.new)
    for code in _statuses(pair.old):
        if not _success(code) and code not in new:
            yield Finding(f"response {code} removed", join(pair.old_pointer, "responses", code))


@rule(
    "response-status-added",
    scope="operation",
    level="info",
    summary="A new documented status code (not replacing a success code).",
    oasdiff="response-success-status-added, response-non-success-status-added",
)
def response_status_added(pair: OperationPair) -> Iterator[Finding]:
    old, new = _statuses(pair.old), _statuses(pair.new)
    success_replaced = any(_success(c) and c not in new for c in old)
    for code in new:
        if code not in old and not (success_replaced and _success(code)):
            yield Finding(f"response {code} added", join(pair.new_pointer, "responses", code))


# ---------------------------------------------------------------------- parameters
@rule(
    "parameter-became-required",
    scope="parameter",
    level="breaking",
    summary="An optional parameter became required.",
    oasdiff="request-parameter-became-required",
)
def parameter_became_required(pair: ParameterPair) -> Iterator[Finding]:
    if pair.new.required and not pair.old.required:
        yield Finding(
            f"{_param_label(pair.new)} became required", join(pair.new.pointer, "required")
        )


@rule(
    "parameter-became-optional",
    scope="parameter",
    level="info",
    summary="A required parameter became optional.",
    oasdiff="request-parameter-became-optional",
)
def parameter_became_optional(pair: ParameterPair) -> Iterator[Finding]:
    if pair.old.required and not pair.new.required:
        yield Finding(
            f"{_param_label(pair.new)} became optional", join(pair.new.pointer, "required")
        )


@rule(
    "parameter-style-changed",
    scope="parameter",
    level="breaking",
    summary="A parameter's serialisation (style or explode) changed.",
    oasdiff="(none; oasdiff does not compare style/explode)",
)
def parameter_style_changed(pair: ParameterPair) -> Iterator[Finding]:
    for key in ("style", "explode"):
        if pair.old.node.get(key) != pair.new.node.get(key):
            yield Finding(
                f"{_param_label(pair.new)}: {key} changed from {pair.old.node.get(key)!r} to "
                f"{pair.new.node.get(key)!r}",
                join(pair.new.pointer, key),
            )


# ---------------------------------------------------------------------- responses
def _section(resolved: Any, key: str) -> dict[str, object]:
    value = resolved.node.get(key) if isinstance(resolved.node, dict) else None
    return value if isinstance(value, dict) else {}


@rule(
    "response-content-type-removed",
    scope="response",
    level="breaking",
    summary="A response media type is no longer produced.",
    oasdiff="response-media-type-removed",
)
def response_content_type_removed(pair: ResponsePair) -> Iterator[Finding]:
    new = _section(pair.new, "content")
    for media in _section(pair.old, "content"):
        if media not in new:
            yield Finding(
                f"response {pair.status}: media type {media} removed",
                join(pair.old.pointer, "content", media),
            )


@rule(
    "response-content-type-added",
    scope="response",
    level="info",
    summary="A new response media type.",
    oasdiff="response-media-type-added",
)
def response_content_type_added(pair: ResponsePair) -> Iterator[Finding]:
    old = _section(pair.old, "content")
    for media in _section(pair.new, "content"):
        if media not in old:
            yield Finding(
                f"response {pair.status}: media type {media} added",
                join(pair.new.pointer, "content", media),
            )


@rule(
    "response-header-removed",
    scope="response",
    level="warning",
    summary="A documented response header (e.g. Location) is gone.",
    oasdiff="required-response-header-removed, optional-response-header-removed",
)
def response_header_removed(pair: ResponsePair) -> Iterator[Finding]:
    new = {name.lower() for name in _section(pair.new, "headers")}
    for name, header in _section(pair.old, "headers").items():
        if name.lower() not in new:
            yield Finding(
                f"response {pair.status}: header {name} removed",
                join(pair.old.pointer, "headers", name),
                inferred=isinstance(header, dict) and header.get("x-provenance") == "inferred",
            )


@rule(
    "link-removed",
    scope="response",
    level="warning",
    summary="A response link is gone (link-following clients and stateful tests lose a step).",
    oasdiff="(none; oasdiff does not compare links)",
)
def link_removed(pair: ResponsePair) -> Iterator[Finding]:
    new = pair.new_links
    for name in pair.old_links:
        if name not in new:
            yield Finding(
                f"response {pair.status}: link {name} removed",
                join(pair.old.pointer, "links", name),
            )


@rule(
    "link-target-changed",
    scope="response",
    level="warning",
    summary="A response link now points at another operation or passes other parameters.",
    oasdiff="(none; oasdiff does not compare links)",
)
def link_target_changed(pair: ResponsePair) -> Iterator[Finding]:
    new = pair.new_links
    for name, link in pair.old_links.items():
        if name not in new or not isinstance(link, dict) or not isinstance(new[name], dict):
            continue
        after = new[name]
        for key in ("operationId", "operationRef", "parameters", "requestBody"):
            if link.get(key) != after.get(key):
                yield Finding(
                    f"response {pair.status}: link {name} {key} changed from {link.get(key)!r} "
                    f"to {after.get(key)!r}",
                    join(pair.new.pointer, "links", name, key),
                )


@rule(
    "link-added",
    scope="response",
    level="info",
    summary="A new response link.",
    oasdiff="(none)",
)
def link_added(pair: ResponsePair) -> Iterator[Finding]:
    old = pair.old_links
    for name in pair.new_links:
        if name not in old:
            yield Finding(
                f"response {pair.status}: link {name} added", join(pair.new.pointer, "links", name)
            )
