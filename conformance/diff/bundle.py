"""Join a spec split over several files into one document, as a bundler would.

Every external `$ref` (`./schemas/order.yaml#/Order`, relative to the file that holds it) is
replaced by a local `$ref` to a copy of its target under `components`, named after the target's
last pointer token (`#/components/schemas/Order`). The same target referenced twice, from any
file, becomes one component, and `$ref`s inside a copied target are resolved relative to its own
file. So a multi-file spec diffs exactly like the same spec bundled by hand into one file.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spec.loader import SpecError, load_document
from spec.pointer import PointerError, resolve

# Where a copied target goes, by the key it was referenced from.
SECTIONS = {"parameters": "parameters", "responses": "responses", "requestBody": "requestBodies"}


@dataclass
class Bundle:
    root: Path
    document: dict[str, Any]
    # component pointer -> (file, pointer inside that file): where a copied target came from
    origins: dict[str, tuple[Path, str]] = field(default_factory=dict)
    _files: dict[Path, Any] = field(default_factory=dict)
    _names: dict[tuple[Path, str], str] = field(default_factory=dict)

    def file(self, path: Path) -> Any:
        if path not in self._files:
            self._files[path] = load_document(path)
        return self._files[path]

    def target(self, path: Path, pointer: str) -> Any:
        try:
            return resolve(self.file(path), pointer)
        except PointerError:
            raise SpecError(f"unresolvable $ref {path.name}#{pointer}") from None

    def localise(self, path: Path, pointer: str, section: str) -> str:
        """The local `$ref` for a target, copying it into `components` the first time."""
        key = (path.resolve(), pointer)
        if key not in self._names:
            components = self.document.setdefault("components", {}).setdefault(section, {})
            base = pointer.rstrip("/").rsplit("/", 1)[-1] or path.stem
            name, n = base, 1
            while name in components:
                n += 1
                name = f"{base}{n}"
            local = f"#/components/{section}/{name}"
            self._names[key] = local
            components[name] = None  # reserve the name before walking (recursive targets)
            copied = copy.deepcopy(self.target(path, pointer))
            components[name] = walk(self, copied, path, section)
            self.origins[local[1:]] = (path, pointer)
        return self._names[key]


def walk(
    bundle: Bundle, node: Any, here: Path, section: str = "schemas", mapping: bool = False
) -> Any:
    """Rewrite the `$ref`s below `node` (which lives in file `here`) to local ones, in place.

    `section` is where a target referenced from this spot is copied to; `mapping` marks a
    `responses` map, whose values are responses."""
    if isinstance(node, list):
        return [walk(bundle, item, here, section) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str):
        target, _, pointer = ref.partition("#")
        if target or here != bundle.root:
            path = (here.parent / target).resolve() if target else here
            node["$ref"] = bundle.localise(path, pointer, section)
        return node
    for key, value in list(node.items()):  # copying a target may add `components` here
        if mapping:
            node[key] = walk(bundle, value, here, "responses")
        else:
            sub = SECTIONS.get(key, "schemas")
            node[key] = walk(bundle, value, here, sub, mapping=key == "responses")
    return node


def load_bundled(path: Path) -> Bundle:
    """Load `path` and pull every file its `$ref`s reach into one document."""
    root = path.resolve()
    document = load_document(root)
    bundle = Bundle(root, document)
    if isinstance(document, dict):
        walk(bundle, document, root)
    return bundle
