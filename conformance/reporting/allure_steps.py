"""What each test puts in the Allure report: labels, one step per request, redacted attachments."""

from __future__ import annotations

import json

import allure

from conformance.failures.categories import CATEGORY_LABEL, error_category
from conformance.transport.client import Exchange
from spec import Operation, Spec
from spec.loader import docs_sections as docs_sections  # re-exported: the docs' sections

# Epics besides the docs' sections: flows that cross sections.
LIFECYCLE_EPIC = "Lifecycle scenarios"
LINKS_EPIC = "Link-following"
SEVERITY = {
    "docs": allure.severity_level.CRITICAL,
    "seed": allure.severity_level.CRITICAL,
    "inferred": allure.severity_level.NORMAL,
}
PROVENANCE_LABEL = "provenance"


def label(operation: Operation, spec: Spec) -> None:
    """Epic = docs section, feature = sidebar title, story = operationId: the docs' structure."""
    # Every operation is one pytest function underneath; without a parameter that tells them apart
    # Allure gives them all one history id and shows them as retries of a single test.
    allure.dynamic.parameter("operation", operation.operation_id)
    allure.dynamic.epic(docs_sections(spec).get(operation.tag, operation.tag))
    allure.dynamic.feature(operation.docs_title)
    allure.dynamic.story(operation.operation_id)
    allure.dynamic.label(PROVENANCE_LABEL, operation.provenance)
    allure.dynamic.tag(f"provenance:{operation.provenance}")
    allure.dynamic.severity(SEVERITY.get(operation.provenance, allure.severity_level.NORMAL))
    allure.dynamic.title(f"{operation.operation_id}: {operation.method} {operation.path}")


_categorised = {"current test": False}  # one test at a time per process (xdist: per worker)


def label_failure(operation_id: str, checks: list[str], categories: list[str], where: str) -> None:
    """A failed result names the checks and the operation, and carries its categories as
    labels (Allure 3 matches categories on labels; see categories.allure_categories)."""
    allure.dynamic.title(f"{', '.join(dict.fromkeys(checks))} failed: {operation_id} ({where})")
    for category in dict.fromkeys(categories):
        allure.dynamic.label(CATEGORY_LABEL, category)
    _categorised["current test"] = True


def start_test() -> None:
    _categorised["current test"] = False


def label_uncategorised(exc: Exception) -> None:
    """An error no check recorded (the suite itself broke) still gets a category label."""
    if not _categorised["current test"]:
        allure.dynamic.label(CATEGORY_LABEL, error_category(exc))
        _categorised["current test"] = True


def attach_exchange(name: str, exchange: Exchange) -> None:
    request = {
        "method": exchange.method,
        "url": exchange.url,
        "headers": exchange.request_headers,
        "body": _maybe_json(exchange.request_body),
    }
    response = {
        "status": exchange.status,
        "headers": exchange.response_headers,
        "body": _maybe_json(exchange.response_body),
        "elapsed_ms": round(exchange.elapsed_ms, 1),
    }
    allure.attach(json.dumps(request, indent=2), f"{name}: request", allure.attachment_type.JSON)
    allure.attach(json.dumps(response, indent=2), f"{name}: response", allure.attachment_type.JSON)


def attach_text(name: str, text: str) -> None:
    allure.attach(text, name, allure.attachment_type.TEXT)


def _maybe_json(text: str | None) -> object:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text
