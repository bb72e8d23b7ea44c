"""Failure categories, including "spec inference contradicted" for inferred spec elements.

A schema or status failure on an element the docs show means the API broke its contract. On an
element we reconstructed (`x-provenance: inferred`), it more likely means our guess was wrong.
The report keeps the two apart.
"""

from __future__ import annotations

import re

from spec import Operation

CATEGORIES = [
    (
        "schema violation",
        "Response does not match the spec's schema",
        ["JsonSchemaError", "MalformedJson", "MissingHeaders"],
    ),
    (
        "undocumented status",
        "Status code or content type not in the spec",
        ["UndefinedStatusCode", "UndefinedContentType"],
    ),
    ("server error", "5xx from the API", ["ServerError"]),
    (
        "validation",
        "Invalid input accepted, or valid input refused",
        ["AcceptedNegativeData", "RejectedPositiveData", "ConstraintFailure"],
    ),
    ("auth", "Authentication or tenant isolation broken", ["IgnoredAuth", "TenantFailure"]),
    (
        "side effect",
        "Audit log, read-after-write, paging or filtering wrong",
        [
            "AuditFailure",
            "ReadAfterWriteFailure",
            "ListingFailure",
            "UseAfterFree",
            "EnsureResourceAvailability",
        ],
    ),
    ("lifecycle rule", "A state-table or business rule was broken", ["LifecycleFailure"]),
    (
        "precondition refused",
        "The API refused a documented call the suite needed to set up a case",
        ["SetupError"],
    ),
    ("suite error", "The suite itself broke or lost the target mid-run", ["SuiteError"]),
    ("spec inference contradicted", "The API disagrees with an inferred part of our spec", []),
]
INFERENCE_SENSITIVE = {"schema violation", "undocumented status", "validation"}


def category_of(failure_type: str, operation: Operation | None) -> str:
    category = next((name for name, _, types in CATEGORIES if failure_type in types), "other")
    if (
        category in INFERENCE_SENSITIVE
        and operation is not None
        and operation.provenance == "inferred"
    ):
        return "spec inference contradicted"
    return category


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
