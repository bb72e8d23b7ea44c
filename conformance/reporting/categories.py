"""Failure categories, including "spec inference contradicted" for inferred spec elements.

A schema or status failure on an element the docs show means the API broke its contract. On an
element we reconstructed (`x-provenance: inferred`), it more likely means our guess was wrong.
The report keeps the two apart.
"""

from __future__ import annotations

import re

from schemathesis.core.failures import (
    AcceptedNegativeData,
    MalformedJson,
    ResponseTimeExceeded,
    ServerError,
)
from schemathesis.openapi.checks import (
    EnsureResourceAvailability,
    IgnoredAuth,
    JsonSchemaError,
    MissingHeaders,
    RejectedPositiveData,
    UndefinedContentType,
    UndefinedStatusCode,
    UseAfterFree,
)

from spec import Operation

BLOCKED = "blocked"
SUITE_ERROR = "suite error"
# (name, description, the Schemathesis failures filed under it). Our own failures and errors
# name their category themselves (a `category` attribute: checks/failures.py, factory.py).
CATEGORIES: list[tuple[str, str, tuple[type, ...]]] = [
    (
        "schema violation",
        "Response does not match the spec's schema",
        (JsonSchemaError, MalformedJson, MissingHeaders),
    ),
    (
        "undocumented status",
        "Status code or content type not in the spec",
        (UndefinedStatusCode, UndefinedContentType),
    ),
    (
        "server error",
        "5xx from the API, or no answer in time",
        (ServerError, ResponseTimeExceeded),
    ),
    (
        "validation",
        "Invalid input accepted, or valid input refused",
        (AcceptedNegativeData, RejectedPositiveData),
    ),
    ("auth", "Authentication or tenant isolation broken", (IgnoredAuth,)),
    (
        "side effect",
        "Audit log, read-after-write, paging or filtering wrong",
        (UseAfterFree, EnsureResourceAvailability),
    ),
    ("lifecycle rule", "A state-table or business rule was broken", ()),
    (
        "precondition refused",
        "The API refused a documented call the suite needed to set up a case",
        (),
    ),
    (
        BLOCKED,
        "The case could not run: an answer the suite needed broke the contract (see that failure)",
        (),
    ),
    (SUITE_ERROR, "The suite itself broke or lost the target mid-run", ()),
    ("spec inference contradicted", "The API disagrees with an inferred part of our spec", ()),
]
INFERENCE_SENSITIVE = {"schema violation", "undocumented status", "validation"}


def category_of(failure: BaseException, operation: Operation | None) -> str:
    """The failure's own `category`, else the one its Schemathesis class is filed under."""
    category = getattr(failure, "category", None) or next(
        (name for name, _, types in CATEGORIES if isinstance(failure, types)), "other"
    )
    if (
        category in INFERENCE_SENSITIVE
        and operation is not None
        and operation.provenance == "inferred"
    ):
        return "spec inference contradicted"
    return category


_SCHEMA_AT = re.compile(r"Schema at (\S+?):?\s*$", re.MULTILINE)
_QUOTED = re.compile(r'^"([^"]+)"')
# keywords whose violation names a property: which property is part of what broke
_NAMING = ("required", "additionalProperties", "dependentRequired")


def violation_key(check: str, failure: BaseException, operation_id: str) -> list[str] | None:
    """A schema violation's identity: the named schema it broke and the field (the missing one,
    for `required`), so one wrong component read by many operations is one failure. None for
    every other failure (its operation is part of what it is)."""
    if not isinstance(failure, JsonSchemaError):
        return None
    message = str(getattr(failure, "message", ""))
    located = _SCHEMA_AT.search(message)
    path = list(getattr(failure, "schema_path", None) or [])
    if located is None or not path:
        return None
    named = _QUOTED.match(message)
    if str(path[-1]) in _NAMING and named:
        detail = named.group(1)  # the property the keyword names
    else:  # the field whose value broke it: a wrong type and its enum are one violation
        fields = [
            str(p) for p in getattr(failure, "instance_path", None) or [] if isinstance(p, str)
        ]
        detail = fields[-1] if fields else ""
    return [check, located.group(1), detail]


def error_category(exc: BaseException, operation: Operation | None = None) -> str:
    """An error no check recorded: its own category, else the suite itself broke."""
    category = category_of(exc, operation)
    return SUITE_ERROR if category == "other" else category


CATEGORY_LABEL = "category"  # the Allure label each failed or broken result carries


def allure_categories() -> list[dict]:
    """Allure 3's `categories` config: one label matcher per category, in CATEGORIES order
    (Allure files a result under the first category that matches)."""
    return [
        {
            "name": name,
            "matchers": {
                "statuses": ["failed", "broken"],
                "labels": {CATEGORY_LABEL: f"^{re.escape(name)}$"},
            },
        }
        for name, _, _ in CATEGORIES
    ]
