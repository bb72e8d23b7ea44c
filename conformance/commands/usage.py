"""What a subcommand's `--help` shows besides its flags: a description, examples, the exit codes
and a default for every option.

A command module describes itself with a `Usage`; `cli.py` turns it into the subparser's
description and epilog. It lives apart from `cli.py` so a command can describe itself without
importing the parser that registers it.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from dataclasses import dataclass, field

from conformance.exit_codes import MEANINGS, Exit

PROG = "ordermesh-conformance"


@dataclass(frozen=True)
class Usage:
    description: str
    examples: tuple[str, ...]
    exits: Mapping[Exit, str] = field(
        default_factory=dict
    )  # what a code means here, if not MEANINGS
    codes: tuple[Exit, ...] = tuple(Exit)  # the codes this command can end with

    def epilog(self) -> str:
        lines = ["examples:", *(f"  {PROG} {example}" for example in self.examples), ""]
        lines.append("exit codes:")
        # Any command can fail itself (cli.main turns an unexpected exception into INTERNAL).
        for code in dict.fromkeys((*self.codes, Exit.INTERNAL)):
            lines.append(f"  {code.value}  {self.exits.get(code, MEANINGS[code])}")
        return "\n".join(lines)


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's lines as written and shows every option's default: the one the help
    text names, else the parser's own."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        if not action.option_strings or action.default is argparse.SUPPRESS or "default" in text:
            return text
        return f"{text} (default: {shown(action.default)})".lstrip()


def shown(default: object) -> str:
    if isinstance(default, bool):
        return "on" if default else "off"
    if default is None or default == [] or default == ():
        return "none"
    return str(default)
