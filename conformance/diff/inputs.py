"""The two sides of a spec diff, loaded and checked: a bad input is one line (`InputError`),
whether `diff` or `diff_files` asked."""

from __future__ import annotations

from pathlib import Path

from conformance.diff.bundle import Bundle, load_bundled
from conformance.errors import UsageError
from spec.loader import Spec, SpecError


class InputError(UsageError):
    """One line saying what is wrong with an input file."""


class DiffSpec(Spec):
    """The loader's `Spec` for `$ref` resolution (`pointer`, `resolve`), without building the
    operation table: that step insists on operationIds and rejects recursive schemas, neither of
    which stops a diff (the comparer has its own cycle protection)."""

    def __init__(self, document: dict[str, object], path: Path | None = None) -> None:
        if not isinstance(document, dict) or not _has_operations_root(document):
            raise SpecError(f"{path or 'spec'}: not an OpenAPI document (no 'paths' or 'webhooks')")
        self.document = document
        self.path = path
        self._translated = {}
        self.operations = ()
        self._by_id = {}


def _has_operations_root(document: dict[str, object]) -> bool:
    """3.0 needs `paths`; 3.1 also accepts a document with only `webhooks`."""
    roots = [document.get(key) for key in ("paths", "webhooks") if key in document]
    return bool(roots) and all(isinstance(root, dict) for root in roots)


def load(path: Path) -> Spec:
    """Load one side (joining the files its `$ref`s reach); raise InputError on any problem."""
    return DiffSpec(load_bundle(path).document, path)


def load_bundle(path: Path) -> Bundle:
    """Load and check one side, keeping where each bundled part came from."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        bundle = load_bundled(path)
    except SpecError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "cannot read"
        raise InputError(f"{path}: {first}" if str(path) not in first else first) from None
    document = bundle.document
    if not isinstance(document, dict):
        raise InputError(f"{path}: not an OpenAPI document (top level is not a mapping)")
    version = str(document.get("openapi", ""))
    if not version.startswith("3."):
        found = f"openapi: {version}" if version else "no 'openapi' field"
        if "swagger" in document:
            found = f"swagger: {document['swagger']}"
        raise InputError(f"{path}: not an OpenAPI 3 document ({found})")
    if not _has_operations_root(document):
        raise InputError(f"{path}: not an OpenAPI document (no 'paths' or 'webhooks' mapping)")
    return bundle
