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

from conformance.failures.baseline import normalised
from spec import Operation

BLOCKED = "blocked"
SUITE_ERROR = "suite error"
TRANSPORT = "transport"
# The far side dropped or never answered: its failure. A request we built wrongly
# (UnsupportedProtocol, LocalProtocolError) or a local proxy or TLS setting (ProxyError,
# SSLError) is not among them: those are ours or the user's.
REMOTE_DROPS: tuple[type[BaseException], ...] = (
    httpx.ConnectError,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
    requests.exceptions.ConnectionError,
)
LOCAL_SETUP = (requests.exceptions.ProxyError, requests.exceptions.SSLError)
CONTRADICTED = "spec inference contradicted"
OBSERVED_VIOLATED = "observed behaviour violated"
API_DEFECT = "api defect"
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
        REMOTE_DROPS,
    ),
    (SUITE_ERROR, "The suite itself broke or lost the target mid-run", ()),
    (CONTRADICTED, "The API disagrees with an inferred part of our spec (overlay proposed)", ()),
    (
        OBSERVED_VIOLATED,
        "The API no longer does what an overlay recorded it doing (x-provenance: observed)",
        (),
    ),
]
INFERENCE_SENSITIVE = {"schema violation", "undocumented status", "validation"}
BY_PROVENANCE = {"inferred": CONTRADICTED, "observed": OBSERVED_VIOLATED}


def category_of(
    failure: BaseException, operation: Operation | None, provenance: str | None = None
) -> str:
    """The failure's own `category`, else the one its Schemathesis class is filed under; a
    schema, status or validation failure on an element we inferred is "spec inference
    contradicted", and on one an overlay recorded from the target "observed behaviour
    violated". `provenance`: that of the element the answer broke (`element_provenance`),
    else the operation's."""
    category = getattr(failure, "category", None) or next(
        (name for name, _, types in CATEGORIES if isinstance(failure, types)), "other"
    )
    if category == TRANSPORT and isinstance(failure, LOCAL_SETUP):
        return "other"  # our proxy or TLS setting, not the target dropping the request
    if category not in INFERENCE_SENSITIVE:
        return category
    if provenance is None and operation is not None:
        provenance = operation.provenance
    return BY_PROVENANCE.get(provenance or "", category)


def kind_of(category: str) -> str:
    """Which of the three a failure is: the API broke what the docs say, our spec guessed
    wrong, or the API no longer does what an overlay recorded it doing. Our own errors and
    cases that could not run are neither ("toolkit"), nor a connection its side dropped
    ("target")."""
    if category in (CONTRADICTED, OBSERVED_VIOLATED):
        return category
    if category == TRANSPORT:
        return "target"  # its side of the network dropped a request: not the contract
    return "toolkit" if category in (SUITE_ERROR, BLOCKED) else API_DEFECT


_SCHEMA_AT = re.compile(r"Schema at (\S+?):?\s*$", re.MULTILINE)
_QUOTED = re.compile(r'^"([^"]+)"')
# keywords whose violation names a property: which property is part of what broke
_NAMING = ("required", "additionalProperties", "dependentRequired")


# Categories whose failures are the same defect at every operation that shows the same problem.
SAME_ACROSS_OPERATIONS = ("side effect",)
# Model handles (order1, shipment2): which resource of the scenario showed the problem.
_HANDLE = re.compile(r"\b([a-z]+)\d+\b")
# Which resource showed it is where, not what: "Order {id} event {n}: " leads many problems.
_WHERE = re.compile(r"^[A-Z]\w* (?:\{id\}|\{uuid\}|<\w+>)(?: event \{n\})?: ")


def same_problem(message: str) -> str:
    """A problem's text without what changes between showings of it (ids, values, handles)."""
    return _WHERE.sub("", _HANDLE.sub(r"<\1>", normalised(message)))[:300]


def violation_key(check: str, failure: BaseException, operation_id: str) -> list[str] | None:
    """A schema violation's identity: the named schema it broke and the field (the missing one,
    for `required`), so one wrong component read by many operations is one failure. None for
    every other failure (its operation is part of what it is)."""
    if getattr(failure, "category", None) in SAME_ACROSS_OPERATIONS:
        # Our own side-effect checks: one wrong audit writer is one defect wherever it shows.
        return [check, same_problem(str(getattr(failure, "message", "")))]
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
