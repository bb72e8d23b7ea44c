"""Request-level counts of a run: token renewals, 401 replays, and the requests sent again
after a 429 or 503 Retry-After, a bare gateway 502/503/504, or a stale connection.

Each pytest process writes its own next to the stats parts; the CLI sums them into
`summary.json` under `requests`, so a staging run shows how often it re-authenticated and how
long it waited on 429s.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from conformance.machinery.harness import Harness
from conformance.reporting import budget
from conformance.reporting.stats import PARTS_DIR

PREFIX = "requests-"


def write(reports_dir: str, harness: Harness, replays: int) -> None:
    parts = Path(reports_dir) / PARTS_DIR
    parts.mkdir(parents=True, exist_ok=True)
    counts = {
        "token_renewals": harness.renewals(),
        "replays_after_401": replays,
        **harness.throttle.counts(),
    }
    path = parts / f"{PREFIX}{os.getpid()}.json"
    path.write_text(json.dumps({**counts, "stopped": sorted(budget.stopped)}), encoding="utf-8")


def total(reports_dir: str) -> tuple[dict[str, float], list[str]]:
    """The counts of every process of the run, added up, and why any of them stopped early."""
    summed: dict[str, float] = {}
    stopped: set[str] = set()
    for path in sorted((Path(reports_dir) / PARTS_DIR).glob(f"{PREFIX}*.json")):
        counts = json.loads(path.read_text(encoding="utf-8"))
        stopped.update(counts.pop("stopped"))
        for key, value in counts.items():
            summed[key] = round(summed.get(key, 0) + value, 1)
    return summed, sorted(stopped)
