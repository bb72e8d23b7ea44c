"""Rules for the OpenAPI 3.1 (JSON Schema 2020-12) content keywords of a string:
`contentMediaType`, `contentEncoding` and `contentSchema`.

They say how a string's content is encoded and what it holds (a base64 PNG, a JSON document).
Validators treat them as annotations, but clients encode and decode by them, so the levels are
oasdiff's: any change of the media type or the encoding breaks both ways (the bytes mean something
else), and a `contentSchema` narrows like any schema. `contentSchema` is also walked as a
sub-schema (`children`), so the ordinary rules run inside it.
"""

from __future__ import annotations

from collections.abc import Iterator

from conformance.diff.context import SchemaPair
from conformance.diff.model import Finding
from conformance.diff.registry import rule
from conformance.diff.rules_schema import LOOSER, TIGHTER, where


def _changed(pair: SchemaPair, key: str) -> Iterator[Finding]:
    old, new = pair.old.get(key), pair.new.get(key)
    if old == new:
        return
    if old is None:
        text = f"{key} {new!r} added"
    elif new is None:
        text = f"{key} {old!r} removed"
    else:
        text = f"{key} changed from {old!r} to {new!r}"
    yield Finding(f"{pair.label()}: {text}", where(pair, key))


@rule(
    "content-media-type-changed",
    scope="schema",
    request="breaking",
    response="breaking",
    summary="contentMediaType was added, removed or changed: the string holds another kind of "
    "document.",
    oasdiff="request-body-content-media-type-changed, request-property-content-media-type-"
    "changed, response-body-content-media-type-changed, response-property-content-media-type-"
    "changed",
)
def content_media_type_changed(pair: SchemaPair) -> Iterator[Finding]:
    yield from _changed(pair, "contentMediaType")


@rule(
    "content-encoding-changed",
    scope="schema",
    request="breaking",
    response="breaking",
    summary="contentEncoding was added, removed or changed (e.g. base64 -> base64url): the same "
    "bytes are written differently.",
    oasdiff="request-body-content-encoding-changed, request-property-content-encoding-changed, "
    "response-body-content-encoding-changed, response-property-content-encoding-changed",
)
def content_encoding_changed(pair: SchemaPair) -> Iterator[Finding]:
    yield from _changed(pair, "contentEncoding")


@rule(
    "content-schema-added",
    scope="schema",
    **TIGHTER,
    summary="A contentSchema was set: the string's decoded content must now match a schema.",
    oasdiff="request-body-content-schema-added, request-property-content-schema-added",
)
def content_schema_added(pair: SchemaPair) -> Iterator[Finding]:
    if pair.new.has("contentSchema") and not pair.old.has("contentSchema"):
        yield Finding(f"{pair.label()}: contentSchema added", where(pair, "contentSchema"))


@rule(
    "content-schema-removed",
    scope="schema",
    **LOOSER,
    summary="The contentSchema was dropped: the decoded content may be anything.",
    oasdiff="response-body-content-schema-removed, response-property-content-schema-removed",
)
def content_schema_removed(pair: SchemaPair) -> Iterator[Finding]:
    if pair.old.has("contentSchema") and not pair.new.has("contentSchema"):
        yield Finding(f"{pair.label()}: contentSchema removed", where(pair, "contentSchema"))
