"""API errors as exceptions; the app turns them into the spec's error bodies."""

from __future__ import annotations

from typing import Any

from spec.lifecycle import BusinessRule, Refusal


class ApiError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body.get("message", ""))
        self.status = status
        self.body = body


def field_error(prop: str, message: str, value: Any = None, *, echo: bool = True) -> dict[str, Any]:
    err: dict[str, Any] = {"propertyName": prop, "errorMessage": message}
    if echo:
        err["attemptedValue"] = value
    return err


def bad_request(errors: list[dict[str, Any]], message: str = "Validation failed") -> ApiError:
    return ApiError(400, {"statusCode": 400, "message": message, "errors": errors})


def unauthorized(message: str = "Unauthorized") -> ApiError:
    return ApiError(401, {"statusCode": 401, "message": message})


def forbidden(
    message: str = "Forbidden", errors: list[dict[str, Any]] | None = None, **extra: Any
) -> ApiError:
    body: dict[str, Any] = {"statusCode": 403, "message": message, **extra}
    if errors is not None:
        body["errors"] = errors
    return ApiError(403, body)


def not_found(message: str = "Record Not Found") -> ApiError:
    return ApiError(404, {"statusCode": 404, "message": message})


def refused(refusal: Refusal | BusinessRule, current: Any = None, prop: str = "") -> ApiError:
    """A lifecycle refusal or business rule, in the shape its status documents."""
    status = refusal.status
    message = f"{refusal.reason} [{refusal.rule}]"
    body: dict[str, Any] = {"statusCode": status, "message": message, "rule": refusal.rule}
    if current is not None:
        body["currentStatus"] = current
    if status in (400, 403):
        body["errors"] = [field_error(prop or refusal.rule, message, current)]
    return ApiError(status, body)
