"""Load `ordermesh.yaml`, resolve its `$ref`s and expose operations with JSON Schemas.

The spec is OpenAPI 3.1, whose schemas are JSON Schema: `json_schema()` resolves `$ref`s and
drops the `x-` extensions and documentation-only keys, once, so every consumer validates the same
way. Older 3.0 documents (the diff tool compares them) still get their `nullable` and boolean
`exclusiveMinimum` translated.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from spec.pointer import PointerError
from spec.pointer import resolve as resolve_pointer

# The C parser reads the spec about 3x faster; the CLI, pytest and the mock each load it.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)


SPEC_DIR = Path(__file__).resolve().parent
SPEC_PATH = SPEC_DIR / "ordermesh.yaml"
LIFECYCLE_PATH = SPEC_DIR / "lifecycle.yaml"

DEFAULT_MAX_BODY = 1 << 20  # bytes, for a spec that documents no limit
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Methods that change nothing: a read-only run sends only these, and they write no audit events.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Keys that carry documentation only; a validator must not see them.
# Why no request can make a place of a response: kept through translation for the coverage map.
COVERAGE_EXCUSED = "x-coverage-excused"
_NON_VALIDATING_KEYS = {"example", "examples", "discriminator", "xml", "externalDocs", "deprecated"}
PLACEHOLDER = re.compile(r"\{([^}]+)\}")


class SpecError(ValueError):
    """The spec file is missing, unreadable or not shaped like an OpenAPI document."""


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path | query | header | cookie
    required: bool
    schema: dict[str, Any]  # JSON Schema (translated)
    provenance: str
    explode: bool = True


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str
    tag: str
    docs_title: str
    provenance: str
    provenance_note: str | None
    parameters: tuple[Parameter, ...]
    request_schema: dict[str, Any] | None
    # status code -> media type -> JSON Schema (None when the response has no body)
    responses: dict[str, dict[str, dict[str, Any] | None]]
    needs_auth: bool
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def docs_path(self) -> str:
        """The path as the docs write it (`x-docs-path`), where the spec must name it otherwise:
        the docs call the note parameter `noteId` on GET and `id` on PUT and DELETE."""
        return str(self.raw.get("x-docs-path", self.path))

    @property
    def is_safe(self) -> bool:
        return self.method in SAFE_METHODS

    @property
    def success_statuses(self) -> tuple[int, ...]:
        return tuple(sorted(int(code) for code in self.responses if code.startswith("2")))

    @property
    def documented_statuses(self) -> tuple[int, ...]:
        return tuple(sorted(int(code) for code in self.responses if code.isdigit()))

    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == "path")

    @property
    def placeholders(self) -> tuple[str, ...]:
        """The path parameters' names, in the order the path template names them."""
        return tuple(PLACEHOLDER.findall(self.path))

    def url(self, ids: Mapping[str, Any]) -> str:
        """The path with each placeholder filled. Each value is percent-encoded as one segment:
        negative cases carry ids with `/` or control characters, and the client sends the path
        as it is given."""
        missing = [name for name in self.placeholders if name not in ids]
        if missing:
            raise ValueError(f"{self.operation_id}: no value for path parameter(s) {missing}")
        return PLACEHOLDER.sub(lambda m: quote(str(ids[m.group(1)]), safe=""), self.path)


COMPOSITION = ("allOf", "anyOf", "oneOf")


def branches(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """`schema` and every schema its composition keywords put at the same place: the one way the
    spec's readers (coverage, the mock's nulls, a write's declared part) walk a composed schema."""
    yield schema
    for key in COMPOSITION:
        for sub in schema.get(key, ()):
            if isinstance(sub, dict):
                yield from branches(sub)


def follow_refs(node: Any, lookup: Callable[[str], Any]) -> tuple[Any, list[str]]:
    """Follow a chain of `$ref`s with `lookup`; returns the target and the refs it went through.

    The one `$ref` loop of the project: the spec loader, the diff and the drift walker use it.
    """
    trail: list[str] = []
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if ref in trail:
            raise SpecError(f"$ref cycle at {ref}")
        trail.append(ref)
        node = lookup(ref)
    return node, trail


class Spec:
    """A loaded OpenAPI document with resolved operations."""

    def __init__(
        self,
        document: dict[str, Any],
        path: Path | None = None,
        overlays: tuple[str, ...] = (),
        overrode: tuple[str, ...] = (),
    ) -> None:
        if not isinstance(document, dict) or "paths" not in document:
            raise SpecError(f"{path or 'spec'}: not an OpenAPI document (no 'paths')")
        self.document = document
        self.path = path
        self.overlays = overlays  # the overlay files applied, in order
        self.overrode = overrode  # documented elements an overlay changed: "target: why"
        self._translated: dict[str, dict[str, Any]] = {}
        self.operations: tuple[Operation, ...] = tuple(self._build_operations())
        self._by_id = {op.operation_id: op for op in self.operations}

    # ------------------------------------------------------------------ lookup
    @property
    def version(self) -> str:
        return str(self.document.get("info", {}).get("version", "unknown"))

    def operation(self, operation_id: str) -> Operation:
        try:
            return self._by_id[operation_id]
        except KeyError:
            raise KeyError(f"no operation {operation_id!r} in the spec") from None

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.operations)

    def resource_path(self, path: str) -> str:
        """The path with its placeholders unnamed: `/v1/notes/{noteId}` -> `/v1/notes/{}`."""
        return PLACEHOLDER.sub("{}", path)

    @property
    def max_body_bytes(self) -> int:
        """The request-size limit the spec documents (`x-max-body-bytes` on PayloadTooLarge)."""
        response = self.document.get("components", {}).get("responses", {})
        return int(response.get("PayloadTooLarge", {}).get("x-max-body-bytes", DEFAULT_MAX_BODY))

    def resolve(self, node: Any) -> Any:
        """Follow `$ref`s (local refs only; the spec is one file)."""
        return follow_refs(node, self.pointer)[0]

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise SpecError(f"only local $refs are supported, got {ref!r}")
        try:
            return resolve_pointer(self.document, ref)
        except PointerError:
            raise SpecError(f"unresolvable $ref {ref!r}") from None

    def component_schema(self, name: str) -> dict[str, Any]:
        """A named component as a self-contained JSON Schema."""
        return self.json_schema({"$ref": f"#/components/schemas/{name}"})

    # ------------------------------------------------------------------ translation
    def json_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        """An OpenAPI schema (with $refs) as a self-contained JSON Schema."""
        translated: dict[str, Any] = self._translate(schema, ())
        return translated

    def _translate(self, schema: Any, stack: tuple[str, ...]) -> Any:
        if isinstance(schema, list):
            return [self._translate(item, stack) for item in schema]
        if not isinstance(schema, dict):
            return schema
        if "$ref" in schema:
            ref = schema["$ref"]
            if ref in stack:
                raise SpecError(f"recursive schema at {ref}; not supported")
            if ref not in self._translated:
                self._translated[ref] = self._translate(self.pointer(ref), (*stack, ref))
            return copy.deepcopy(self._translated[ref])
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if (key.startswith("x-") and key != COVERAGE_EXCUSED) or key in _NON_VALIDATING_KEYS:
                continue
            if key in ("properties", "patternProperties"):
                out[key] = {name: self._translate(sub, stack) for name, sub in value.items()}
            elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
                out[key] = self._translate(value, stack)
            else:
                out[key] = value
        for bound, flag in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
            if out.get(flag) is True:
                out[flag] = out.pop(bound)
            elif out.get(flag) is False:
                del out[flag]
        if out.pop("nullable", False):
            out = {"anyOf": [out, {"type": "null"}]}
        return out

    # ------------------------------------------------------------------ operations
    def _build_operations(self) -> Iterator[Operation]:
        default_security = self.document.get("security", [])
        for path, item in self.document["paths"].items():
            shared = item.get("parameters", [])
            for method in HTTP_METHODS:
                raw = item.get(method)
                if raw is None:
                    continue
                if "operationId" not in raw:
                    raise SpecError(f"{method.upper()} {path}: no operationId")
                params = [self._parameter(p) for p in [*shared, *raw.get("parameters", [])]]
                body = raw.get("requestBody")
                request_schema = None
                if body is not None:
                    body = self.resolve(body)
                    media = body.get("content", {}).get("application/json")
                    if media and "schema" in media:
                        request_schema = self.json_schema(media["schema"])
                responses = {
                    str(code): self._response(resp)
                    for code, resp in raw.get("responses", {}).items()
                }
                security = raw.get("security", default_security)
                tags = raw.get("tags") or ["default"]
                yield Operation(
                    operation_id=raw["operationId"],
                    method=method.upper(),
                    path=path,
                    tag=tags[0],
                    docs_title=raw.get("x-docs-title", raw.get("summary", "")),
                    provenance=raw.get("x-provenance", "inferred"),
                    provenance_note=raw.get("x-provenance-note"),
                    parameters=tuple(params),
                    request_schema=request_schema,
                    responses=responses,
                    needs_auth=bool(security),
                    raw=raw,
                )

    def _parameter(self, node: dict[str, Any]) -> Parameter:
        param = self.resolve(node)
        return Parameter(
            name=param["name"],
            location=param["in"],
            required=bool(param.get("required", param["in"] == "path")),
            schema=self.json_schema(param.get("schema", {})),
            provenance=param.get("x-provenance", "docs"),
            explode=param.get("explode", param.get("style", "form") == "form"),
        )

    def _response(self, node: dict[str, Any]) -> dict[str, dict[str, Any] | None]:
        response = self.resolve(node)
        content = response.get("content")
        if not content:
            return {}
        return {
            media: (self.json_schema(body["schema"]) if "schema" in body else None)
            for media, body in content.items()
        }


def load_document(path: Path | str = SPEC_PATH) -> dict[str, Any]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"cannot read spec {path}: {exc.strerror}") from exc
    try:
        document = load_yaml(text)
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(document, dict):
        raise SpecError(f"{path}: not an OpenAPI document (a {type(document).__name__} at the top)")
    return document


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, overlays: tuple[str, ...]) -> Spec:
    document = load_document(path)
    if not overlays:
        return Spec(document, Path(path))
    from spec.overlay import apply_overlays  # the overlay module builds on this one

    document, overrode = apply_overlays(document, overlays)
    return Spec(document, Path(path), overlays=overlays, overrode=overrode)


def load_spec(path: Path | str = SPEC_PATH, overlays: Sequence[Path | str] = ()) -> Spec:
    """Load (and cache) a spec, with each overlay applied in order (spec/overlay.py). Callers
    must treat the result as read-only."""
    return _load_cached(str(Path(path).resolve()), tuple(str(Path(o).resolve()) for o in overlays))


def docs_sections(spec: Spec) -> dict[str, str]:
    """Tag name -> the docs' section name (`x-displayName` where the tag name differs)."""
    return {t["name"]: t.get("x-displayName", t["name"]) for t in spec.document.get("tags", [])}
