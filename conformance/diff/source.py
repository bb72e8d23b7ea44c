"""Find the file and line a change's JSON pointer names, for annotations that point at the spec.

A pointer into a bundled component is first mapped back to the file the component was copied
from (`Bundle.origins`); the line is then read from that file's YAML node tree. A pointer that
no longer exists (a removed element) falls back to its nearest existing parent.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from conformance.diff.bundle import Bundle
from spec.pointer import exists as pointer_exists
from spec.pointer import split

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=16)
def _tree(path: Path) -> yaml.Node | None:
    return yaml.compose(path.read_text(encoding="utf-8"), Loader=_Loader)


def line_of(path: Path, pointer: str) -> int:
    """1-based line of the deepest node on `pointer` that exists in the YAML file."""
    node = _tree(path)
    line = 1
    for token in split(pointer):
        # A mapping entry is found at its key: a block value starts on the next line.
        entry: tuple[yaml.Node, yaml.Node] | None = None
        if isinstance(node, yaml.MappingNode):
            entry = next(((k, v) for k, v in node.value if k.value == token), None)
        elif isinstance(node, yaml.SequenceNode) and token.isdigit():
            index = int(token)
            entry = (node.value[index], node.value[index]) if index < len(node.value) else None
        if entry is None:
            break
        node = entry[1]
        line = entry[0].start_mark.line + 1
    return line


def locate(bundle: Bundle, pointer: str) -> tuple[Path, int]:
    """The file and line for a pointer into `bundle.document`."""
    for prefix, (path, inner) in bundle.origins.items():
        if pointer == prefix or pointer.startswith(prefix + "/"):
            return path, line_of(path, inner + pointer[len(prefix) :])
    return bundle.root, line_of(bundle.root, pointer)


def exists(bundle: Bundle, pointer: str) -> bool:
    return pointer_exists(bundle.document, pointer)
