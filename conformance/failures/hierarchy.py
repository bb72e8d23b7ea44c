"""The project's failure types: the property checks and the lifecycle scenarios raise them.

Each names its `category`, and each instance the `check` that raised it: the report reads both
from the failure itself.
"""

from __future__ import annotations

from schemathesis.core.failures import Failure, Severity

from conformance.errors import OrderMeshError
from conformance.failures.categories import TRANSPORT


class ProjectFailure(Failure, OrderMeshError):
    """Base: distinct messages stay distinct findings (Schemathesis dedupes by class otherwise)."""

    code = "OM000"
    kind_title = "OrderMesh check failed"
    category = "other"
    operation: str  # always known for our failures, unlike some of Schemathesis' own

    def __init__(
        self,
        *,
        operation: str,
        title: str,
        message: str,
        check: str,
        severity: Severity = Severity.HIGH,
    ) -> None:
        super().__init__(operation=operation, title=title, message=message, severity=severity)
        # Which of our checks said so; the report groups by it. Schemathesis' `Failure.checks`
        # is a class variable (the checks that can raise a failure class); ours vary per
        # instance, so `check_of` reads this one.
        self.check = check

    @property
    def _unique_key(self) -> str:
        return f"{self.title}:{self.message[:120]}"


class AuditFailure(ProjectFailure):
    code = "OM101"
    kind_title = "Audit-log side effect"
    category = "side effect"


class ReadAfterWriteFailure(ProjectFailure):
    code = "OM102"
    kind_title = "Read-after-write"
    category = "side effect"


class TenantFailure(ProjectFailure):
    code = "OM103"
    kind_title = "Tenant isolation"
    category = "auth"


class ListingFailure(ProjectFailure):
    code = "OM104"
    kind_title = "Paging or filtering"
    category = "side effect"


class LifecycleFailure(ProjectFailure):
    code = "OM105"
    kind_title = "Lifecycle rule"
    category = "lifecycle rule"


class ConstraintFailure(ProjectFailure):
    code = "OM106"
    kind_title = "Constraint not enforced"
    category = "validation"


class SortFailure(ProjectFailure):
    code = "OM108"
    kind_title = "Sort order"
    category = "side effect"


class OwnershipFailure(ProjectFailure):
    code = "OM109"
    kind_title = "Another merchant's record listed"
    category = "auth"


class WriteAnswerFailure(ProjectFailure):
    code = "OM110"
    kind_title = "The answer to a write"
    category = "side effect"


class TimestampFailure(ProjectFailure):
    code = "OM111"
    kind_title = "Time runs backwards"
    category = "side effect"


class TransportFailure(ProjectFailure):
    """No answer: the connection closed before one arrived (conformance/transport/transient.py)."""

    code = "OM107"
    kind_title = "No answer"
    category = TRANSPORT


class ProvocationFailure(ProjectFailure):
    """A documented error, provoked the way the spec says (`x-provoked-by`), was not given."""

    code = "OM112"
    kind_title = "Documented error not given"
    category = "validation"


def check_of(failure: BaseException) -> str:
    """The check that raised `failure`: ours name it per instance, Schemathesis' per class
    (its first check), and a failure class that names none stands for itself."""
    if isinstance(failure, ProjectFailure):
        return failure.check
    return (getattr(type(failure), "checks", ()) or (type(failure).__name__,))[0]
