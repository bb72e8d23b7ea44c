"""The deprecation policy the lifecycle rules apply, and the date they apply it on.

`today` is part of the policy so that a diff is a pure function of its inputs: tests pass a fixed
date, the command passes the real one (or `--today`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Lowest to highest; a document may only move an element up this list.
STABILITY_LEVELS: tuple[str, ...] = ("draft", "alpha", "beta", "stable")
DEFAULT_STABILITY = "stable"
# Days of notice between deprecation and the x-sunset date, per stability level.
DEFAULT_NOTICE_DAYS: dict[str, int] = {"draft": 0, "alpha": 0, "beta": 30, "stable": 180}


@dataclass(frozen=True)
class Policy:
    today: dt.date = field(default_factory=dt.date.today)
    notice_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_NOTICE_DAYS))

    def days_for(self, element: dict[str, object]) -> int:
        return self.notice_days.get(stability(element), self.notice_days[DEFAULT_STABILITY])


def stability(element: dict[str, object]) -> str:
    value = element.get("x-stability-level", DEFAULT_STABILITY)
    return value if value in STABILITY_LEVELS else DEFAULT_STABILITY


def sunset(element: dict[str, object]) -> dt.date | None:
    """The `x-sunset` date (YAML may already have parsed it), or None when absent or invalid."""
    value = element.get("x-sunset")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def removal_verdict(element: dict[str, object], policy: Policy) -> str:
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
