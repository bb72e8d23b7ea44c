"""The latency benchmark runs end to end on one operation behind the delay proxy.

Not a timing test: it checks both sides ran, every cell of the summary table holds a number,
the ratios agree with the medians printed above them, and the proxy told the senders apart.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

SIDES = ("ordermesh-conformance run", "plain st run")


def summary_rows(stdout: str) -> dict[str, list[str]]:
    rows = {}
    for line in stdout.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells[0] in (*SIDES, "ratio ours / plain") and len(cells) == 6:
            rows.setdefault(cells[0], cells[1:])  # the summary table comes first
    return rows


@pytest.mark.slow
def test_tiny_run_prints_a_full_table_whose_ratios_match_its_medians(
    repo_root: Path, tmp_path: Path
) -> None:
    command = [sys.executable, str(repo_root / "bench" / "bench_latency.py")]
    command += ["--repetitions", "1", "--include", "listNotes", "--include", "getNoteById"]
    command += ["--latency-ms", "2"]
    command += ["--timeout", "120", "--log", str(tmp_path / "bench.log")]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=240, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = summary_rows(proc.stdout)
    assert set(rows) == {*SIDES, "ratio ours / plain"}, proc.stdout
    for side in SIDES:
        assert all(re.fullmatch(r"\d+(\.\d+)?", cell) for cell in rows[side]), rows[side]
    assert all(re.fullmatch(r"\d+\.\d\dx", cell) for cell in rows["ratio ours / plain"]), rows
    ours, plain = ([float(c) for c in rows[side]] for side in SIDES)
    for column, ratio in enumerate(rows["ratio ours / plain"]):
        # The printed medians are rounded; the ratios are computed from the exact ones.
        assert float(ratio[:-1]) == pytest.approx(ours[column] / plain[column], rel=0.06, abs=0.01)
    assert ours[2] >= 1 and plain[2] >= 1  # generated cases seen by the proxy on both sides
    assert "| generated case | `GET /v1/notes` |" in proc.stdout
    assert "| st check ignored_auth | `GET /v1/notes` |" in proc.stdout
    # getNoteById's note is made by setup. Only a token fetch is a "token" request, not every
    # request the token authenticates.
    assert "| setup | `POST /v1/notes` |" in proc.stdout
    token_rows = re.findall(r"^\| token \| `([^`]+)` \|", proc.stdout, re.MULTILINE)
    assert token_rows and all("/user/v1/" in request for request in token_rows), token_rows
