"""The exit codes of every `ordermesh-conformance` command, in one place.

CI jobs branch on them, so they mean the same thing whichever command ran: 1 is always "the
thing under test is wrong", 2 always "the command was used wrongly", 3 always "the target could
not be judged", 4 always "the toolkit itself failed" (a bug of ours, which must never pass for a
finding about the API). Each command's `--help` says what they mean for that command.
"""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    FAILURES = 1  # conformance failures, drift, behavioural differences, breaking changes...
    USAGE = 2  # a bad flag, variable or config file; a tool the command needs could not run
    TARGET = 3  # the target is unreachable, refuses the credentials or is not OrderMesh
    INTERNAL = 4  # the toolkit failed: an unexpected exception, pytest's own error


# The suites' pytest exits with this when the target stopped answering mid-run. Not 3: pytest
# itself exits 3 on its own internal error, which is ours to own, not the target's.
PYTEST_TARGET_GONE = 13


MEANINGS = {
    Exit.OK: "everything passed",
    Exit.FAILURES: "what the command checks failed: conformance failures, drift, behavioural "
    "differences, breaking spec changes, missed faults",
    Exit.USAGE: "usage or configuration error (the message names the flag or variable)",
    Exit.TARGET: "target unreachable, authentication failed, or not an OrderMesh target",
    Exit.INTERNAL: "internal error: the toolkit itself failed (a bug to report, not a finding)",
}
