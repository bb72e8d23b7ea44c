"""`ordermesh-conformance`: one parser tree for run, mock, report, selftest, diff, drift,
compare, lint and proxy.

Each command module exposes `USAGE` (its help text), `add_arguments(parser)` and
`handle(args) -> int`; this module registers them as subparsers and is the only place that
chains one command after another (`run --compare-with` then `compare`), so no command imports
another. A command's module is imported only when that command is parsed or its help shown:
`diff` and `--version` start without loading the suites.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import textwrap
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn, cast

from conformance.commands.usage import PROG, HelpFormatter
from conformance.config.file import ENV_PREFIX, IDENTITIES
from conformance.config.settings import credentials_from
from conformance.config.suggestions import did_you_mean
from conformance.errors import OrderMeshError, TargetError
from conformance.exit_codes import MEANINGS, Exit
from conformance.redaction import Redactor
from spec.loader import SpecError

DESCRIPTION = (
    "The OrderMesh conformance toolkit. `ordermesh-conformance COMMAND --help` shows a "
    "command's options and their defaults, examples and exit codes."
)
EPILOG = "exit codes (every command):\n" + "\n".join(
    f"  {code.value}  {meaning}" for code, meaning in MEANINGS.items()
)

# name: (module, one line for the list of commands)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("conformance.commands.run", "run the suites against the embedded mock or --base-url"),
    "mock": ("conformance.commands.mock", "serve the embedded mock"),
    "report": ("conformance.commands.report", "build the HTML report from allure-results"),
    "selftest": ("conformance.commands.selftest", "run the suite against every seeded fault"),
    "diff": ("conformance.commands.diff", "compare two spec versions"),
    "drift": ("conformance.commands.drift", "what the target returns vs the spec"),
    "compare": ("conformance.commands.compare", "behavioural diff of two targets"),
    "lint": ("conformance.commands.lint", "openapi-spec-validator and Spectral on the spec"),
    "proxy": ("conformance.commands.proxy", "the selftest's fault proxy in front of a target"),
}


class Parser(argparse.ArgumentParser):
    """Refuses abbreviated flags (`--profil` is not `--profile`) and exits 2 on a usage error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(Exit.USAGE, f"{self.prog}: error: {message}\n")

    def parse_args(  # type: ignore[override]  # one signature for argparse's overloads
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """argparse's own check of leftover words, but naming the closest flag of the command
        they were given to, in one line (argparse would name none, under the top-level usage)."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            parser = self.command_parser(getattr(parsed, "command", None)) or self
            self.exit(Exit.USAGE, f"{parser.prog}: error: {unrecognized(extras[0], parser)}\n")
        return parsed

    def command_parser(self, name: str | None) -> argparse.ArgumentParser | None:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and name in action.choices:
                return cast(argparse.ArgumentParser, action.choices[name])
        return None


def unrecognized(word: str, parser: argparse.ArgumentParser) -> str:
    """`--profil smoke`: did you mean --profile? (`--profil=smoke` alike)."""
    flag = word.split("=", 1)[0]
    if not flag.startswith("-"):
        return f"unexpected argument {word!r} (see {parser.prog} --help)"
    flags = [option for action in parser._actions for option in action.option_strings]
    return f"unrecognized argument {flag}" + did_you_mean(flag, flags, f"see {parser.prog} --help")


class CommandParser(Parser):
    """A subcommand's parser, filled in from its module when first used."""

    def __init__(self, *args: object, module: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.module_name = module
        self.loaded: ModuleType | None = None

    def load(self) -> ModuleType:
        if self.loaded is None:
            self.loaded = importlib.import_module(self.module_name)
            usage = self.loaded.USAGE
            self.description = textwrap.fill(usage.description, 79)
            self.epilog = usage.epilog()
            self.loaded.add_arguments(self)
            self.set_defaults(handler=self.loaded.handle)
        return self.loaded

    def parse_known_args(  # type: ignore[override]  # one signature for argparse's overloads
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self.load()
        return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        self.load()
        return super().format_help()

    def format_usage(self) -> str:
        self.load()
        return super().format_usage()


class VersionAction(argparse.Action):
    """`--version`: the toolkit, the spec and the tools a report depends on, one per line."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        from conformance.versions import version_text
        from spec import load_spec

        print(version_text(load_spec().version))
        parser.exit(0)


def build_parser() -> Parser:
    parser = Parser(prog=PROG, description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action=VersionAction, help="print the versions and exit")
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=CommandParser
    )
    for name, (module, summary) in COMMANDS.items():
        sub.add_parser(name, help=summary, prog=f"{PROG} {name}", module=module)
    return parser


def run_then_compare(args: argparse.Namespace) -> int:
    """`run --compare-with URL`: the suite on the first target, then `compare` with the run's
    seed, spec, reports dir and credentials, whichever of flags, ORDERMESH_* variables and
    --config file they came from. Composed here so neither command imports the other."""
    from conformance.commands import compare, run
    from conformance.commands.preflight import preflight_other
    from conformance.reporting.exit_outputs import write_usage_outputs

    with run.usage_outputs(args):
        settings = run.checked_settings(args)
    try:
        preflight_other(settings, args.compare_with)
    except TargetError as exc:  # the reports CI publishes, then main says why
        write_usage_outputs(Path(settings.reports_dir), str(exc), exc.exit)
        raise
    with run.usage_outputs(args):
        status = run.execute(run.embedded_run_settings(settings, args.compare_with))
    try:
        compared = compare.after_run(settings, args.compare_with)
    except Exception as exc:  # the run's own verdict stands beside it: the worse code wins
        compared = exit_for(exc, "compare")
    return max(status, compared)


def dispatch(args: argparse.Namespace) -> int:
    if args.command == "run" and args.compare_with:
        return run_then_compare(args)
    return int(args.handler(args))


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # a usage error (2), or --help / --version (0)
        return exc.code if isinstance(exc.code, int) else Exit.USAGE
    try:
        return dispatch(args)
    except Exception as exc:  # the one place an exception becomes an exit code
        return exit_for(exc, args.command)


def exit_for(exc: Exception, command: str) -> Exit:
    """The exit code `exc` means (errors.py draws the tree), with one line on stderr saying why;
    a traceback too when it is ours: neither a finding about the API nor the user's mistake."""
    redactor = Redactor(secrets_in_environment())
    code = exc.exit if isinstance(exc, OrderMeshError) else Exit.INTERNAL
    if isinstance(exc, SpecError):  # below our errors' layer: a spec or overlay the user gave
        code = Exit.USAGE
    if code == Exit.INTERNAL:
        print(redactor.text(traceback.format_exc()), file=sys.stderr, end="")
        message = redactor.text(f"{type(exc).__name__}: {exc}")
        print(f"{PROG} {command}: internal error: {message}", file=sys.stderr)
    else:
        print(redactor.text(f"{PROG} {command}: error: {exc}"), file=sys.stderr)
    return code


def secrets_in_environment() -> list[str]:
    """The secrets the ORDERMESH_* variables hold: never printed, whatever failed."""
    environ = dict(os.environ)
    merchants = (ENV_PREFIX, *IDENTITIES.values())
    return [s for prefix in merchants for s in credentials_from({}, environ, {}, prefix).secrets()]


if __name__ == "__main__":
    sys.exit(main())
