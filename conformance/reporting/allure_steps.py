"""What each test puts in the Allure report: labels, one step per request, redacted attachments."""

from __future__ import annotations

import json

import allure

from conformance.client import Exchange
from spec import Operation

EPIC = "OrderMesh API"
SEVERITY = {"docs": allure.severity_level.CRITICAL, "seed": allure.severity_level.CRITICAL,
            "inferred": allure.severity_level.NORMAL}  # fmt: skip


def label(operation: Operation) -> None:
    # Every operation is one pytest function underneath; without a parameter that tells them apart
    # Allure gives them all one history id and shows them as retries of a single test.
    allure.dynamic.parameter("operation", operation.operation_id)
    allure.dynamic.epic(EPIC)
    allure.dynamic.feature(operation.tag)
    allure.dynamic.story(operation.docs_title)
    allure.dynamic.tag(f"provenance:{operation.provenance}")
    allure.dynamic.severity(SEVERITY.get(operation.provenance, allure.severity_level.NORMAL))
    allure.dynamic.title(f"{operation.operation_id}: {operation.method} {operation.path}")


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


def _maybe_json(text: str | None):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text
