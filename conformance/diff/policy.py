"""The deprecation policy the lifecycle rules apply, and the date they apply it on.

`today` is part of the policy so that a diff is a pure function of its inputs: tests pass a fixed
date, the command passes the real one (or `--today`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass, field
from typing import Any

from spec.pointer import escape, join

# Lowest to highest; a document may only move an element up this list.
STABILITY_LEVELS: tuple[str, ...] = ("draft", "alpha", "beta", "stable")
DEFAULT_STABILITY = "stable"
# The rules that guard the levels themselves: they keep their level below stable.
POLICY_RULES = frozenset(
    {
        "sunset-too-soon",
        "sunset-invalid",
        "sunset-removed",
        "sunset-moved-earlier",
        "sunset-moved-later",
        "stability-decreased",
        "stability-increased",
        "stability-invalid",
    }
)
UNSTABLE_SUFFIX = (
    " [{level}: the OLD spec marks the operation x-stability-level: {level}, below stable, so"
    " this change is reported as info]"
)
# Days of notice between deprecation and the x-sunset date, per stability level.
DEFAULT_NOTICE_DAYS: dict[str, int] = {"draft": 0, "alpha": 0, "beta": 30, "stable": 180}


@dataclass(frozen=True)
class Policy:
    today: dt.date = field(default_factory=dt.date.today)
    notice_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_NOTICE_DAYS))

    def days_for(self, element: dict[str, Any]) -> int:
        return self.notice_days.get(stability(element), self.notice_days[DEFAULT_STABILITY])


def stability(element: dict[str, Any]) -> str:
    value = element.get("x-stability-level", DEFAULT_STABILITY)
    return value if value in STABILITY_LEVELS else DEFAULT_STABILITY


def declared_stability(element: dict[str, Any]) -> Any:
    """The level as written: absent is stable; an invalid value is returned as it is."""
    return element.get("x-stability-level", DEFAULT_STABILITY)


def unstable_level(element: dict[str, Any]) -> str | None:
    """The element's valid level when it is below stable (its changes are then info)."""
    value = element.get("x-stability-level")
    return value if value in STABILITY_LEVELS and value != DEFAULT_STABILITY else None


def lowering(
    rule_id: str, level: str, reason: str | None, stability: str | None
) -> tuple[str, str] | None:
    """(why, message suffix) when a change is reported at info below its rule's level: the
    finding's own reason, or the walked operation's OLD level below stable."""
    if level == "info":
        return None
    if reason:
        return reason, f" [{reason}]"
    if stability and rule_id not in POLICY_RULES:
        return f"x-stability-level {stability}", UNSTABLE_SUFFIX.format(level=stability)
    return None


def sunset_source(element: dict[str, Any]) -> tuple[Any, str] | None:
    """The raw sunset and its pointer below the element: `x-sunset`, else the value an inline
    `Sunset` header (RFC 8594) of a 2xx response documents. A `$ref`'d header is shared by
    many operations, so it cannot carry one operation's date and is not read."""
    if "x-sunset" in element:
        return element["x-sunset"], "/x-sunset"
    responses = element.get("responses")
    for status, response in responses.items() if isinstance(responses, dict) else ():
        headers = response.get("headers") if isinstance(response, dict) else None
        for name, header in headers.items() if isinstance(headers, dict) else ():
            if str(status).startswith("2") and name.lower() == "sunset":
                found = _header_value(header)
                if found is not None:
                    return found[0], join(f"/responses/{escape(status)}/headers", name) + found[1]
    return None


def _header_value(header: Any) -> tuple[Any, str] | None:
    schema = header.get("schema") if isinstance(header, dict) else None
    places = [(header, "example")] + [(schema, key) for key in ("const", "default", "example")]
    for node, key in places:
        if isinstance(node, dict) and node.get(key) is not None:
            return node[key], ("/example" if node is header else f"/schema/{key}")
    return None


def parse_date(value: Any) -> dt.date | None:
    """A sunset as a date: YAML's own date, ISO 8601 (`2026-12-31`, or an RFC 3339 date-time)
    or an HTTP-date (`Thu, 31 Dec 2026 23:59:59 GMT`, the Sunset header's form); else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value.strip()).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def sunset(element: dict[str, Any]) -> dt.date | None:
    """The sunset date, or None when absent or invalid (`sunset-invalid` reports the latter)."""
    source = sunset_source(element)
    return parse_date(source[0]) if source else None


def removal_verdict(element: dict[str, Any], policy: Policy) -> str:
    """How removing `element` stands against the policy: "undeprecated", "early" or "allowed".

    Deprecated without a sunset date is allowed only where the stability level needs no notice.
    """
    if not element.get("deprecated"):
        return "allowed" if policy.days_for(element) == 0 else "undeprecated"
    date = sunset(element)
    if date is None:
        return "allowed" if policy.days_for(element) == 0 else "early"
    return "allowed" if date <= policy.today else "early"


def parse_notice(spec: str) -> dict[str, int]:
    """`stable=180,beta=30` -> the default days with those levels overridden."""
    days = dict(DEFAULT_NOTICE_DAYS)
    for part in filter(None, (p.strip() for p in spec.split(","))):
        level, _, value = part.partition("=")
        if level not in STABILITY_LEVELS or not value.isdigit():
            raise ValueError(
                f"bad notice policy {part!r}: want LEVEL=DAYS with LEVEL in "
                f"{', '.join(STABILITY_LEVELS)}"
            )
        days[level] = int(value)
    return days
