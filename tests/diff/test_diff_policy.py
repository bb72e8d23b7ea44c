"""The stability and sunset policy's helpers: which rules keep their level below stable, and
which sunset spellings are dates."""

from __future__ import annotations

import datetime as dt

import pytest

from conformance.diff import RULES
from conformance.diff.policy import POLICY_RULES, lowering, parse_date, sunset_source


def test_the_rules_that_keep_their_level_are_registered_stability_and_sunset_rules() -> None:
    assert RULES.keys() >= POLICY_RULES
    assert {r for r in RULES if r.startswith(("sunset-", "stability-"))} == POLICY_RULES


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2026-12-31", dt.date(2026, 12, 31)),
        ("2026-12-31T23:00:00Z", dt.date(2026, 12, 31)),
        ("Thu, 31 Dec 2026 23:59:59 GMT", dt.date(2026, 12, 31)),
        (dt.date(2026, 12, 31), dt.date(2026, 12, 31)),
        ("soon", None),
        ("2026-02-30", None),
        ("", None),
        (20261231, None),
        (None, None),
    ],
)
def test_parse_date(value: object, date: dt.date | None) -> None:
    assert parse_date(value) == date


def test_lowering_keeps_info_and_the_policy_rules() -> None:
    assert lowering("parameter-removed", "breaking", None, None) is None
    assert lowering("parameter-removed", "info", None, "alpha") is None
    assert lowering("stability-decreased", "breaking", None, "beta") is None
    why, suffix = lowering("parameter-removed", "warning", None, "beta") or ("", "")
    assert why == "x-stability-level beta" and "x-stability-level: beta" in suffix
    assert lowering("x", "breaking", "a reason", None) == ("a reason", " [a reason]")


def test_sunset_source_prefers_x_sunset_then_a_2xx_sunset_header() -> None:
    header = {"Sunset": {"schema": {"type": "string", "example": "Thu, 31 Dec 2026 23:59:59 GMT"}}}
    op = {"responses": {"404": {"headers": header}, "200": {"headers": header}}}
    assert sunset_source(op) == (
        "Thu, 31 Dec 2026 23:59:59 GMT",
        "/responses/200/headers/Sunset/schema/example",
    )
    assert sunset_source({**op, "x-sunset": "2027-01-01"}) == ("2027-01-01", "/x-sunset")
    assert sunset_source({"responses": {"404": {"headers": header}}}) is None
