#!/usr/bin/env python3
"""The commit-msg hook: a commit subject of at most 72 characters.

The subject says what changed; the story, the reasons and the figures go in the body (the
changelog speaks to users). `pre-commit` passes the message file's path.

    python3 scripts/commit_subject.py .git/COMMIT_EDITMSG
"""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 72


def subject(message: str) -> str:
    """The first line that is neither blank nor a git comment."""
    for line in message.splitlines():
        if line.strip() and not line.startswith("#"):
            return line.rstrip()
    return ""


def problem(message: str) -> str | None:
    """Why the message is refused, or None."""
    first = subject(message)
    if not first:
        return "empty commit subject"
    if len(first) > LIMIT:
        return (
            f"commit subject is {len(first)} characters, at most {LIMIT}: say what changed "
            f"in the subject and why in the body\n  {first}"
        )
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: commit_subject.py COMMIT_MESSAGE_FILE", file=sys.stderr)
        return 2
    found = problem(Path(argv[0]).read_text(encoding="utf-8"))
    if found:
        print(found, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
