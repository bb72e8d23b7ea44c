"""The command layer as issue #17 asks: one parser tree, one Exit enum, abbreviations refused,
every subcommand's --help complete, and no command importing another or sitting in an import
cycle."""

from __future__ import annotations

import argparse
import ast
import importlib
import re
import runpy
import shlex
import sys
from pathlib import Path

import pytest

from conformance.cli import COMMANDS, build_parser, main
from conformance.commands.usage import HelpFormatter
from conformance.exit_codes import Exit

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("conformance", "ordermesh_mock", "spec", "strategies")


def subparser(name: str) -> argparse.ArgumentParser:
    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return action.choices[name]


def module_files() -> dict[str, Path]:
    """Every importable module of the project (scripts run with -m left out)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__main__":
                continue
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def is_script_block(node: ast.stmt) -> bool:
    """`if __name__ == "__main__":` runs only when the file is the program, never on import."""
    test = node.test if isinstance(node, ast.If) else None
    return isinstance(test, ast.Compare) and ast.unparse(test) == "__name__ == '__main__'"


def imported(path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules a file imports, at the top or inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tree.body = [node for node in tree.body if not is_script_block(node)]
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if name in known}


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--profil", "smoke"],
        ["run", "--profil=smoke"],
        ["drift", "--max-ex", "1"],
        ["selftest", "--see", "2"],
    ],
)
def test_an_abbreviated_flag_exits_2_naming_it(argv, capsys):
    assert main(argv) == Exit.USAGE
    assert argv[1].split("=")[0] in capsys.readouterr().err


def test_an_unknown_command_exits_2(capsys):
    assert main(["serve"]) == Exit.USAGE
    assert "invalid choice: 'serve'" in capsys.readouterr().err


@pytest.mark.parametrize("name", COMMANDS)
def test_every_subcommand_help_is_complete(name):
    parser = subparser(name)
    text = parser.format_help()
    usage = importlib.import_module(COMMANDS[name][0]).USAGE
    assert usage.description.split()[0] in text
    assert f"examples:\n  ordermesh-conformance {name}" in text
    assert "exit codes:\n  0  " in text and "\n  2  " in text
    formatter = HelpFormatter(parser.prog)
    for action in parser._actions:
        if action.option_strings and action.default is not argparse.SUPPRESS:
            shown = formatter._get_help_string(action) or ""
            assert "default" in shown, (name, action.option_strings)
    assert "default: None" not in text


@pytest.mark.parametrize("name", COMMANDS)
def test_every_example_parses(name):
    for example in importlib.import_module(COMMANDS[name][0]).USAGE.examples:
        args = build_parser().parse_args(shlex.split(example, comments=True))
        assert args.command == example.split()[0], example


def test_top_level_help_lists_every_command_and_the_exit_codes(capsys):
    assert main(["--help"]) == Exit.OK
    out = capsys.readouterr().out
    assert all(f"    {name} " in out for name in COMMANDS)
    assert all(f"  {code.value}  " in out for code in Exit)


def test_a_command_module_is_loaded_only_when_used():
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    parser.parse_args(["lint"])
    loaded = {name for name, sub in action.choices.items() if sub.loaded is not None}
    assert loaded == {"lint"}


def test_one_parser_and_one_exit_enum():
    for path in module_files().values():
        source = path.read_text(encoding="utf-8")
        assert not re.search(r"argv\[:1\]", source), path  # dispatch by peeking at argv
        assert not re.search(r"^EXIT_\w+(, \w+)* =", source, re.MULTILINE), path
        assert "ArgumentParser(" not in source, path  # cli.py's Parser is the only one


def test_no_command_imports_another():
    known = module_files()
    commands = {module for module, _ in COMMANDS.values()}
    for module in commands:
        others = imported(known[module], known) & (commands - {module})
        assert not others, (module, others)


def test_the_command_layer_is_in_no_import_cycle():
    known = module_files()
    graph = {name: imported(path, known) - {name} for name, path in known.items()}
    layer = {"conformance.cli", "conformance.exit_codes", "ordermesh_mock.server"}
    layer |= {m for m in known if m.startswith("conformance.commands")}
    layer |= {module for module, _ in COMMANDS.values()}
    for start in layer:
        seen, todo = set(), list(graph[start])
        while todo:
            name = todo.pop()
            assert name != start, f"{start} imports itself through {sorted(seen)}"
            if name not in seen:
                seen.add(name)
                todo.extend(graph[name])


@pytest.mark.parametrize("module", ["ordermesh_mock", "conformance.diff"])
def test_python_m_entry_points_go_through_the_tree(module, monkeypatch, capsys):
    argv = ["--list-faults"] if module == "ordermesh_mock" else ["--help"]
    monkeypatch.setattr(sys, "argv", [module, *argv])
    with pytest.raises(SystemExit) as exited:
        runpy.run_module(module, run_name="__main__")
    assert exited.value.code == Exit.OK
    out = capsys.readouterr().out
    assert ("create-order-200" if module == "ordermesh_mock" else "exit codes:") in out


def test_mock_usage_errors_exit_2(capsys):
    assert main(["mock", "--fault", "no-such-fault"]) == Exit.USAGE
    assert "--fault 'no-such-fault': no such fault" in capsys.readouterr().err
    assert main(["mock", "--client-id", "x"]) == Exit.USAGE
    assert "go together" in capsys.readouterr().err
