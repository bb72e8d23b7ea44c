"""What changed since the previous run, read from the Allure history the report keeps.

Allure 3 appends one data point per report to the history file (`--history`, by default
reports/history.jsonl, which no run clears). Its two latest points are this run and the one
before; comparing them gives the failures that are new and the ones that are fixed, by Allure's
own history id, so summary.json and the report's trend agree.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

BAD = ("failed", "broken")


def read_points(path: Path) -> list[dict[str, object]]:
    """The history's data points, oldest first (a missing file is an empty history)."""
    if not path.is_file():
        return []
    points = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                points.append(json.loads(line))
            except ValueError:
                continue  # a line cut short by an interrupted write
    return points


def _label(result: dict[str, Any], name: str) -> str | None:
    return next(
        (lb.get("value") for lb in result.get("labels", []) if lb.get("name") == name), None
    )


def _entry(result: dict[str, Any], previous: dict[str, object] | None) -> dict[str, object]:
    return {
        "test": result.get("name"),
        "section": _label(result, "epic"),
        "story": _label(result, "story"),
        "status": result.get("status"),
        "previous_status": previous.get("status") if previous else None,
        "message": (result.get("message") or "").splitlines()[0][:300]
        if result.get("message")
        else None,
    }


def changes_since_last(points: list[dict[str, Any]]) -> dict[str, object]:
    """`new_failures` and `fixed_since_last` between the last two points (this run, the one before).

    A failure is new when the previous run passed that test or did not run it."""
    if len(points) < 2:
        return {"previous_run": None, "new_failures": [], "fixed_since_last": []}
    before, now = points[-2]["testResults"], points[-1]["testResults"]
    new = [
        _entry(result, before.get(key))
        for key, result in now.items()
        if result.get("status") in BAD and before.get(key, {}).get("status") not in BAD
    ]
    fixed = [
        _entry(result, before[key])
        for key, result in now.items()
        if result.get("status") == "passed" and before.get(key, {}).get("status") in BAD
    ]
    return {
        "previous_run": points[-2].get("timestamp"),
        "new_failures": sorted(new, key=lambda e: (e["section"] or "", e["test"] or "")),
        "fixed_since_last": sorted(fixed, key=lambda e: (e["section"] or "", e["test"] or "")),
    }
