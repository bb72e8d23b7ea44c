"""The mock benchmark runs end to end in a tiny mode and fills every row of its table.

Not a timing test: it checks that each measurement happened and produced a number.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TINY = ["--duration", "1", "--orders", "1000", "--skip-prism", "--start-timeout", "60"]
# Each row the table must hold, with the number it must carry.
MEASURED_ROWS = [
    ("trivial Starlette handler GET", "req/s"),
    ("mock GET order by id", "req/s"),
    ("mock GET / trivial handler", "%"),
    ("mock GET order p99", "ms"),
    ("mock POST create order", "req/s"),
    ("search status=Open p95, 1,000 orders", "ms"),
    ("mock RSS with 1,000 orders", "MB"),
]
PRISM_ROWS = ["Prism GET order by id", "mock GET / Prism GET"]


def run_bench(repo_root: Path, *args: str, env=None) -> subprocess.CompletedProcess[str]:
    script = repo_root / "bench" / "bench_mock.py"
    return subprocess.run(
        [sys.executable, str(script), *args],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )


def table_rows(stdout: str) -> dict[str, list[str]]:
    rows = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and cells[0] not in ("metric", "---"):
            rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.slow
def test_tiny_bench_fills_every_row(repo_root: Path) -> None:
    # wrk comes from Debian's packages (.ci/run installs it); missing is a setup error, not a pass.
    assert shutil.which("wrk"), "wrk is not installed: apt-get install wrk"
    proc = run_bench(repo_root, *TINY)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = table_rows(proc.stdout)
    for prefix, unit in MEASURED_ROWS:
        matches = [cells for metric, cells in rows.items() if metric.startswith(prefix)]
        assert len(matches) == 1, f"row {prefix!r} missing from:\n{proc.stdout}"
        measured, _goal, verdict = matches[0]
        assert re.fullmatch(rf"[\d,]+(\.\d+)? {re.escape(unit)}", measured), (prefix, measured)
        assert verdict in ("pass", "FAIL", "—"), (prefix, verdict)
    for prefix in PRISM_ROWS:
        matches = [cells for metric, cells in rows.items() if metric.startswith(prefix)]
        assert matches and matches[0][0] == "skipped", (prefix, matches)


def test_missing_wrk_is_one_clear_line(repo_root: Path, tmp_path: Path) -> None:
    proc = run_bench(repo_root, *TINY, env={**os.environ, "PATH": str(tmp_path)})
    assert proc.returncode == 2
    assert "wrk not found" in proc.stderr
    assert proc.stdout == ""  # no table of numbers that were never measured


def test_bad_duration_is_refused_by_name(repo_root: Path) -> None:
    proc = run_bench(repo_root, "--duration", "0")
    assert proc.returncode == 2
    assert "--duration must be positive" in proc.stderr
