"""Inside `conformance/`, each room stands on the rooms below it and never reaches up.

The layers, bottom to top, are drawn in ARCHITECTURE.md; this test holds the code to them. It
reads every import, those inside functions included: a function-level import that climbs is the
same dependency, only deferred. A script's `if __name__ == "__main__":` block, and a
`__main__` module, may enter the command tree from anywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.import_graph import import_graph

ROOT = Path(__file__).resolve().parents[2]
# Bottom to top. A room may import its own layer and the layers below it.
LAYERS = (
    {"errors", "exit_codes", "redaction", "node_tools", "versions"},
    {"config"},
    {"failures"},
    {"transport"},
    {"coverage"},
    {"machinery"},
    {"checks"},
    {"drift", "diff"},
    {"reporting"},
    {"stateful", "behaviour"},
    {"suites"},
    {"selftest"},
    {"commands"},
    {"cli"},
)
MOST_TOP_LEVEL_MODULES = 10  # more, and the entrance hall fills up again: pick a room


def room(module: str) -> str:
    """`conformance.transport.limiter` -> `transport`; `conformance.cli` -> `cli`."""
    return module.split(".")[1] if module.count(".") else ""


def layer_of(name: str) -> int:
    for level, rooms in enumerate(LAYERS):
        if name in rooms:
            return level
    raise LookupError(name)


def climbs(root: Path) -> list[tuple[str, str]]:
    """(importer, imported) for every import in conformance/ that reaches a higher layer."""
    return sorted(
        (source, target)
        for source, targets in import_graph(root, deep=True).items()
        for target in targets
        if source.startswith("conformance.")
        and not source.endswith(".__main__")  # `python -m conformance.diff` is an entry too
        and target.startswith("conformance.")
        and layer_of(room(target)) > layer_of(room(source))
    )


def rooms(root: Path) -> set[str]:
    package = root / "conformance"
    return {p.stem for p in package.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in package.iterdir() if p.is_dir() and any(p.glob("*.py"))
    }


def test_every_room_has_a_layer() -> None:
    assert sorted(rooms(ROOT) - set().union(*LAYERS)) == []


def test_no_room_imports_a_higher_layer() -> None:
    assert climbs(ROOT) == []


def test_the_entrance_hall_stays_small() -> None:
    top_level = [p.name for p in (ROOT / "conformance").glob("*.py") if p.stem != "__init__"]
    assert len(top_level) <= MOST_TOP_LEVEL_MODULES, sorted(top_level)


def write(root: Path, module: str, source: str) -> None:
    path = root.joinpath(*module.split(".")).with_suffix(".py")
    path.parent.mkdir(parents=True, exist_ok=True)
    for parent in path.parents:  # each folder up to the root is a package
        if parent == root:
            break
        (parent / "__init__.py").touch()
    path.write_text(source, encoding="utf-8")


@pytest.mark.parametrize(
    "source",
    [
        "from conformance.cli import main\n",
        "def later():\n    from conformance.cli import main\n",
    ],
    ids=["module level", "inside a function"],
)
def test_a_climb_is_found(tmp_path: Path, source: str) -> None:
    write(tmp_path, "conformance.cli", "main = None\n")
    write(tmp_path, "conformance.config.settings", source)
    assert climbs(tmp_path) == [("conformance.config.settings", "conformance.cli")]


def test_a_script_entry_may_reach_the_command_tree(tmp_path: Path) -> None:
    write(tmp_path, "conformance.cli", "main = None\n")
    entry = 'if __name__ == "__main__":\n    from conformance.cli import main\n'
    write(tmp_path, "conformance.selftest.proxy", entry)
    assert climbs(tmp_path) == []


def documented_layers(root: Path) -> list[set[str]]:
    """The rooms of each layer, bottom to top, as ARCHITECTURE.md's table lists them."""
    text = (root / "ARCHITECTURE.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| ([^|]+) \|", text, flags=re.M)
    return [{name.strip() for name in names.split(",")} for _, names in rows]


def test_architecture_md_draws_the_layers_this_test_holds() -> None:
    assert documented_layers(ROOT) == list(LAYERS)
