"""Our run against a plain `st run` when every request costs a network round trip (issue 19).

On loopback a request costs about 1 ms; on staging 30 to 150 ms, and there a run's wall time is
its number of sequential round trips. Each run here gets a fresh mock with a delay proxy in front
(bench/_delay_proxy.py, `--latency-ms`; by default it also closes connections idle for 1 s and
answers every 20th GET with a bare 503 and Retry-After: 1, as staging does), the same two
commands as bench_vs_schemathesis.py (bench/_sides.py: same operations, budget, seed and worker
count), and repetitions alternate
which side goes first. Prints a markdown table (wall time, requests, cases, requests per case,
the ratios) and, from the proxy's tally, what each side's requests were for (bench/_origin.py
tags each with its sender).

    nice python bench/bench_latency.py --profile smoke --repetitions 3
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from _delay_proxy import COUNTS_PATH
from _origin import GENERATED
from _servers import serve
from _sides import OURS, PLAIN, SIDES, Command, add_budget_arguments, clean_mock, run_logged

from conformance.config.settings import PROFILES, REMOTE_CONCURRENCY
from ordermesh_mock.server import free_port

BENCH = Path(__file__).resolve().parent


@dataclass(frozen=True)
class LatencyRun:
    """One side's run behind the proxy: its wall time and the proxy's tally."""

    wall: float
    requests: int
    cases: int
    connections: int
    opened: dict[str, int]  # new connections by the sender of their first request
    rows: list[dict]


@contextmanager
def delayed_mock(args: argparse.Namespace) -> Iterator[str]:
    """A fresh mock with the delay proxy in front; yields the proxy's base URL."""
    with clean_mock() as mock_url:
        port = free_port()
        command = [sys.executable, str(BENCH / "_delay_proxy.py"), "--upstream", mock_url]
        command += ["--port", str(port), "--latency-ms", str(args.latency_ms)]
        command += ["--handshake-rtts", str(args.handshake_rtts)]
        command += ["--idle-close", str(args.idle_close)]
        command += ["--unavailable-every", str(args.unavailable_every)]
        with serve("delay-proxy", command, COUNTS_PATH, port, start_timeout=30) as proxy:
            yield proxy.base_url


def tagged(side: str, command: Command) -> Command:
    """The side's command with bench/_origin.py tagging its requests: loaded into our pytest
    process as a plugin, into the plain `st run` as its hooks file."""
    argv, env = command
    path = os.pathsep.join(p for p in (str(BENCH), os.environ.get("PYTHONPATH", "")) if p)
    if side == OURS:
        return argv, {
            **env,
            "PYTHONPATH": path,
            "PYTEST_ADDOPTS": f"{env.get('PYTEST_ADDOPTS', '')} -p _origin".strip(),
        }
    return argv, {**env, "PYTHONPATH": path, "SCHEMATHESIS_HOOKS": str(BENCH / "_origin_st.py")}


def run_side(side: str, args: argparse.Namespace) -> LatencyRun:
    with (
        delayed_mock(args) as base_url,
        tempfile.TemporaryDirectory() as work,
    ):
        command = tagged(side, SIDES[side](base_url, args, Path(work)))
        wall, _ = run_logged(command, Path(work), args.log, args.timeout)
        counted = httpx.get(base_url + COUNTS_PATH, timeout=10).json()
    cases = sum(row["count"] for row in counted["rows"] if row["origin"] == GENERATED)
    connections, opened = counted["connections"], counted["opened"]
    return LatencyRun(wall, counted["requests"], cases, connections, opened, counted["rows"])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_budget_arguments(parser)
    parser.add_argument("--latency-ms", type=float, default=50.0, help="added to every request")
    handshake = "more latencies the first request on a new connection waits (TCP + TLS: 2)"
    parser.add_argument("--handshake-rtts", type=float, default=2.0, help=handshake)
    # Staging-like by default: a load balancer's idle timeout, a gateway's occasional 503.
    idle = "the proxy closes connections idle this long (default 1)"
    parser.add_argument("--idle-close", type=float, default=1.0, metavar="SECONDS", help=idle)
    every = "the proxy answers every N-th GET with a bare 503, Retry-After: 1 (default 20; 0: off)"
    parser.add_argument("--unavailable-every", type=int, default=20, metavar="N", help=every)
    # The proxy is on loopback, where `run` would pick one request at a time: give our side what
    # it picks for a remote target, which the proxy stands in for.
    parser.set_defaults(our_concurrency=REMOTE_CONCURRENCY)
    parser.add_argument("--repetitions", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=3600, help="per run, seconds")
    parser.add_argument(
        "--max-seconds", type=float, default=3600, help="stop starting repetitions after this long"
    )
    parser.add_argument("--top", type=int, default=40, help="rows of the per-template breakdown")
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) / "bench.log")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.log.write_text("", encoding="utf-8")
    started_at = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before = os.getloadavg()[0]
    runs: dict[str, list[LatencyRun]] = {side: [] for side in SIDES}
    started = time.monotonic()
    for repetition in range(args.repetitions):
        if time.monotonic() - started > args.max_seconds:
            print(f"time budget spent after {repetition} repetitions", flush=True)
            break
        for side in list(SIDES) if repetition % 2 == 0 else list(reversed(SIDES)):
            run = run_side(side, args)
            runs[side].append(run)
            print(
                f"repetition {repetition + 1}: {side}: {run.wall:.1f} s, {run.requests} "
                f"requests, {run.cases} cases, {run.connections} connections",
                flush=True,
            )
    load = f"load average {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
    print(f"\n{started_at}, {load}\n")
    print(render(runs, args))
    return 0


def _median(runs: list[LatencyRun], field: str) -> float:
    return statistics.median(getattr(run, field) for run in runs)


def _per(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def side_figures(runs: list[LatencyRun]) -> list[float]:
    """Median wall s, requests, cases; requests per case; wall ms per request."""
    wall, requests, cases = (_median(runs, f) for f in ("wall", "requests", "cases"))
    return [wall, requests, cases, _per(requests, cases), _per(wall * 1000, requests)]


def summary_table(runs: dict[str, list[LatencyRun]]) -> str:
    head = "| side | wall s (median) | requests | cases | requests per case | wall ms per request |"
    lines = [head, "|---|---|---|---|---|---|"]
    figures = {side: side_figures(side_runs) for side, side_runs in runs.items()}
    formats = ("{:.1f}", "{:.0f}", "{:.0f}", "{:.2f}", "{:.1f}")
    for side, values in figures.items():
        cells = [f.format(v) for f, v in zip(formats, values, strict=True)]
        lines.append(f"| {side} | " + " | ".join(cells) + " |")
    ratios = [_per(o, p) for o, p in zip(figures[OURS], figures[PLAIN], strict=True)]
    lines.append("| ratio ours / plain | " + " | ".join(f"{r:.2f}x" for r in ratios) + " |")
    return "\n".join(lines)


def tally(runs: list[LatencyRun], key: tuple[str, ...]) -> Counter[tuple]:
    """Requests per `key` (fields of the proxy's rows), summed over `runs`."""
    counts: Counter[tuple] = Counter()
    for run in runs:
        for row in run.rows:
            counts[tuple(row[k] for k in key)] += row["count"]
    return counts


def kinds_table(runs: list[LatencyRun], latency_ms: float) -> str:
    """What a side's requests were for: per run, per case, share, round-trip seconds, and the
    connections opened (by the sender of their first request)."""
    counts, n = tally(runs, ("origin",)), len(runs)
    total, cases, wall = sum(counts.values()), sum(r.cases for r in runs), sum(r.wall for r in runs)
    opened = Counter()
    for run in runs:
        opened.update(run.opened)
    lines = [
        "| sent by | requests per run | per case | share of requests | "
        f"s at {latency_ms:g} ms per run | share of wall | connections opened per run |",
        "|---|---|---|---|---|---|---|",
    ]
    for (kind,), count in counts.most_common():
        seconds = count * latency_ms / 1000
        lines.append(
            f"| {kind} | {count / n:.1f} | {_per(count, cases):.3f} | {_per(count, total):.1%} | "
            f"{seconds / n:.1f} | {_per(seconds, wall):.1%} | {opened[kind] / n:.1f} |"
        )
    return "\n".join(lines)


def requests_table(runs: list[LatencyRun], top: int) -> str:
    """The `top` most frequent requests by sender, method and path template."""
    key = ("origin", "method", "template")
    counts, statuses, n = tally(runs, key), tally(runs, (*key, "status")), len(runs)
    cases = sum(r.cases for r in runs)
    lines = ["| sent by | request | per run | per case | status |", "|---|---|---|---|---|"]
    for group, count in counts.most_common(top):
        status = ", ".join(
            f"{s[-1]} {c / n:g}" for s, c in sorted(statuses.items()) if s[:-1] == group
        )
        request = " ".join(group[1:])
        lines.append(
            f"| {group[0]} | `{request}` | {count / n:.1f} | {_per(count, cases):.3f} | {status} |"
        )
    return "\n".join(lines)


def render(runs: dict[str, list[LatencyRun]], args: argparse.Namespace) -> str:
    budget = PROFILES[args.profile]
    scope = ", ".join(args.include) or "all operations"
    header = (
        f"profile {args.profile} ({budget.max_examples} examples, phases "
        f"{','.join(budget.phases)}), seed {args.seed}, workers {args.workers} "
        f"(ours concurrency {args.our_concurrency or args.workers}), {scope}, "
        f"our suite: {args.suite}, {args.latency_ms:g} ms per request "
        f"(+{args.handshake_rtts:g} round trips per new connection), idle connections closed "
        f"after {args.idle_close:g} s, a 503 every {args.unavailable_every or 'no'} GETs, "
        f"{len(runs[OURS])} runs per side"
    )
    parts = [header, "", summary_table(runs)]
    for side, side_runs in runs.items():
        parts += ["", f"{side}, by sender:", "", kinds_table(side_runs, args.latency_ms)]
        parts += ["", f"{side}, by request:", "", requests_table(side_runs, args.top)]
    return "\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
