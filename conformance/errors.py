"""The toolkit's errors: one root, and the exit code each branch of the tree means.

Every error the toolkit raises on purpose derives from `OrderMeshError`. A root class carries
the `Exit` its errors mean, and `cli.main` maps an exception to its code in one place: no
command chooses an exit code for an error it caught. An error that carries a report `category`
attribute is filed under it (failures/categories.py).

    OrderMeshError  (4, internal: raised on purpose, yet reaching `cli.main` means our bug)
    ├── UsageError  (2, usage or configuration: the message names the flag, variable or file)
    │   ├── ConfigError             config/settings.py: a flag, variable or config-file key
    │   ├── UnknownFaultError       a --fault the mock, the proxy or the selftest does not know
    │   ├── InputError              diff/inputs.py: a spec file `diff` cannot read
    │   ├── DialectError            selftest/dialect.py: a spec the dialect cannot translate
    │   │   └── UnknownDialectError
    │   └── SpectralUnavailable     commands/lint.py: a linter that could not run
    ├── TargetError  (3, the target: unreachable, refuses the credentials, not OrderMesh, gone)
    ├── AuthError                   transport/auth.py: preflight turns it into a TargetError
    │   └── UnexpectedAnswer
    ├── ContractBreach              machinery/contract.py: an unusable answer blocks a test
    ├── SetupError                  machinery/factory.py: the target refused a precondition
    │   └── RefusedSetupError       drift/observe.py
    ├── TableGap                    stateful/entities.py: a move the lifecycle table lacks
    └── ProjectFailure              failures/hierarchy.py: the checks' findings (Schemathesis
        └── AuditFailure, ...       `Failure`s), reported inside the suites, never raised to
                                    the command line

`spec.loader.SpecError` sits below `conformance` in the layers and cannot derive from this
root; `cli.main` maps it to 2 beside the tree (a spec or overlay the user gave is unusable).
"""

from __future__ import annotations

from typing import ClassVar

from conformance.exit_codes import Exit


class OrderMeshError(Exception):
    """Base of the toolkit's own errors; one that reaches `cli.main` unhandled is our bug."""

    exit: ClassVar[Exit] = Exit.INTERNAL


class UsageError(OrderMeshError):
    """The command was used wrongly; the message names the flag, variable, key or file."""

    exit = Exit.USAGE


class TargetError(OrderMeshError):
    """The target is unreachable, refuses our credentials, is not OrderMesh, or went away."""

    exit = Exit.TARGET


class UnknownFaultError(UsageError, ValueError):
    """A fault name the mock, the fault proxy or the selftest does not know."""
