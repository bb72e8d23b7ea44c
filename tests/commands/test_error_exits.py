"""Every error class reaches `cli.main` and leaves with the exit code its branch means; no command
module picks an exit code in an `except` clause (errors.py draws the tree)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import conformance
from conformance import cli
from conformance.errors import OrderMeshError, TargetError, UsageError
from conformance.exit_codes import Exit
from conformance.failures.hierarchy import ProjectFailure
from spec.loader import SpecError
from spec.overlay import OverlayError

ROOT = Path(conformance.__file__).parent
# The exit code each branch means for users (README "Exit codes"); written out here, not read
# from the classes, so a class moved to another branch fails this test.
BRANCHES = ((UsageError, Exit.USAGE), (TargetError, Exit.TARGET), (OrderMeshError, Exit.INTERNAL))
# The classes users meet by name, and the code they have always had.
KNOWN = {
    "ConfigError": Exit.USAGE,
    "InputError": Exit.USAGE,
    "SpectralUnavailable": Exit.USAGE,
    "UnknownFaultError": Exit.USAGE,
    "DialectError": Exit.USAGE,
    "UnknownDialectError": Exit.USAGE,
    "TargetError": Exit.TARGET,
    "SetupError": Exit.INTERNAL,
    "ContractBreach": Exit.INTERNAL,
}


def import_everything() -> None:
    """Every module of the toolkit but the suites' pytest files, so every class is defined."""
    for module in pkgutil.walk_packages([str(ROOT)], "conformance."):
        leaf = module.name.rpartition(".")[2]
        if not leaf.startswith(("test_", "conftest", "__main__")):
            importlib.import_module(module.name)


def subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *subclasses(sub)]
    return found


import_everything()
ERRORS = sorted(set(subclasses(OrderMeshError)), key=lambda c: f"{c.__module__}.{c.__name__}")


def expected(cls: type) -> Exit:
    return next(code for root, code in BRANCHES if issubclass(cls, root))


def instance(cls: type[BaseException], message: str) -> BaseException:
    """An instance without its own constructor's arguments (ContractBreach and the checks'
    failures take several): what `cli.main` reads is the class and the message."""
    if issubclass(cls, ProjectFailure):  # a Schemathesis Failure prints its own fields
        return cls(operation="getOrderById", title=message, message=message, check="a_check")
    error = cls.__new__(cls)
    Exception.__init__(error, message)
    return error


def raised_through_main(monkeypatch, error: BaseException) -> int:
    def broken(args):
        raise error

    monkeypatch.setattr(cli, "dispatch", broken)
    return cli.main(["lint"])


def test_the_walk_finds_the_classes_users_meet():
    assert set(KNOWN) <= {cls.__name__ for cls in ERRORS}
    assert {cls.__name__: expected(cls) for cls in ERRORS if cls.__name__ in KNOWN} == KNOWN


@pytest.mark.parametrize("cls", ERRORS, ids=lambda c: c.__name__)
def test_each_error_class_leaves_main_with_its_branch_code(cls, monkeypatch, capsys):
    assert raised_through_main(monkeypatch, instance(cls, "what went wrong")) == expected(cls)
    err = capsys.readouterr().err
    assert "what went wrong" in err
    if expected(cls) == Exit.INTERNAL:
        assert "Traceback" in err and "lint: internal error: " in err
    else:  # the user's mistake or the target's state: one line, no traceback
        assert "Traceback" not in err and err.startswith("ordermesh-conformance lint: error: ")


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (SpecError("spec.yaml: not a mapping"), Exit.USAGE),  # below our layer, the user's file
        (OverlayError("overlay.yaml: bad target"), Exit.USAGE),
        (KeyError("status"), Exit.INTERNAL),
        (ValueError("bad"), Exit.INTERNAL),
    ],
)
def test_errors_from_outside_the_tree(monkeypatch, capsys, error, code):
    assert raised_through_main(monkeypatch, error) == code


def test_a_message_that_holds_a_secret_is_redacted(monkeypatch, capsys):
    monkeypatch.setenv("ORDERMESH_CLIENT_SECRET", "s3cret-in-a-message")
    assert raised_through_main(monkeypatch, TargetError("refused s3cret-in-a-message")) == 3
    assert "s3cret-in-a-message" not in capsys.readouterr().err


def test_a_bug_inside_the_spec_comparer_is_ours_not_the_users(monkeypatch, capsys, repo_root):
    from conformance.commands import diff

    def broken(*args, **kwargs):
        raise KeyError("a rule looked up what it should not")

    monkeypatch.setattr(diff, "compare_specs", broken)
    spec = str(repo_root / "spec" / "ordermesh.yaml")
    assert cli.main(["diff", spec, spec]) == Exit.INTERNAL
    assert "diff: internal error: KeyError" in capsys.readouterr().err


def test_a_missing_diff_input_is_still_a_usage_error(capsys, tmp_path, repo_root):
    spec = str(repo_root / "spec" / "ordermesh.yaml")
    assert cli.main(["diff", spec, str(tmp_path / "absent.yaml")]) == Exit.USAGE
    assert "no such file" in capsys.readouterr().err


def except_clauses_choosing_an_exit(path: Path) -> list[int]:
    """Lines of `except` clauses whose body returns or assigns an `Exit.<NAME>`; argparse's
    `SystemExit` (--help, a usage error) already carries its code and is not counted."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        system_exit = isinstance(node, ast.ExceptHandler) and ast.unparse(node.type or ast.Pass())
        if isinstance(node, ast.ExceptHandler) and system_exit != "SystemExit":
            for inner in ast.walk(ast.Module(body=node.body, type_ignores=[])):
                if (
                    isinstance(inner, ast.Attribute)
                    and isinstance(inner.value, ast.Name)
                    and inner.value.id == "Exit"
                ):
                    lines.append(node.lineno)
                    break
    return lines


def test_no_command_picks_an_exit_code_in_an_except_clause():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in [*sorted((ROOT / "commands").glob("*.py")), ROOT / "cli.py"]
        if (lines := except_clauses_choosing_an_exit(path))
    }
    assert found == {}


def test_the_scan_sees_an_except_that_returns_an_exit(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("try:\n    pass\nexcept ValueError:\n    x = Exit.USAGE\n", encoding="utf-8")
    assert except_clauses_choosing_an_exit(bad) == [3]
