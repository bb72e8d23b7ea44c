"""Failure categories, including "spec inference contradicted" for inferred spec elements.

A schema or status failure on an element the docs show means the API broke its contract. On an
element we reconstructed (`x-provenance: inferred`), it more likely means our guess was wrong.
The report keeps the two apart.
"""

from __future__ import annotations

import re

import httpx
import requests
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
TRANSPORT = "transport"
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
    (
        TRANSPORT,
        "The target's side dropped a request unanswered: a connection closed before any answer"
        " (a request not safe to repeat is never resent), not the API's contract",
        (httpx.TransportError, requests.exceptions.ConnectionError),
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
