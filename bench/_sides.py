"""The two sides every suite-against-plain benchmark compares, and how one run of a side is timed.

Shared by bench_vs_schemathesis.py (loopback) and bench_latency.py (behind a delay proxy): both
must build exactly the same two commands (same operations, phases, example budget, generation
modes, seed and worker count) and start each run against its own freshly started clean mock.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from conformance.config.settings import MOCK_MERCHANT_A, MOCK_MERCHANT_B, PROFILES
from ordermesh_mock.server import free_port

ROOT = Path(__file__).resolve().parent.parent
BENCH_TOKEN = "bench-token-a"  # pre-issued by the mock for the plain run; not a real secret
HEALTH_CHECKS = "too_slow,filter_too_much,data_too_large"  # the suite suppresses the same ones
OURS, PLAIN = "ordermesh-conformance run", "plain st run"

Command = tuple[list[str], dict[str, str]]


@contextmanager
def clean_mock() -> Iterator[str]:
    """A fresh in-memory mock in its own process, so neither side shares its CPU with it."""
    port = free_port()
    command = [sys.executable, "-m", "conformance.cli", "mock", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--token", BENCH_TOKEN, "--log-level", "warning"]
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base_url, process)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_until_up(base_url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(base_url, timeout=1.0)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{base_url} did not start") from None
            time.sleep(0.1)


def ours(base_url: str, args: argparse.Namespace, reports: Path) -> Command:
    command = [sys.executable, "-m", "conformance.cli", "run", "--base-url", base_url]
    command += ["--profile", args.profile, "--seed", str(args.seed)]
    command += ["--workers", str(args.workers), "--reports-dir", str(reports)]
    if args.our_concurrency:
        command += ["--concurrency", str(args.our_concurrency)]
    command += [arg for op in args.include for arg in ("--include", op)]
    env = {
        "ORDERMESH_CLIENT_ID": MOCK_MERCHANT_A.client_id or "",
        "ORDERMESH_CLIENT_SECRET": MOCK_MERCHANT_A.client_secret or "",
        "ORDERMESH_MERCHANT_ID": MOCK_MERCHANT_A.merchant_id or "",
        "ORDERMESH_TENANT_B_CLIENT_ID": MOCK_MERCHANT_B.client_id or "",
        "ORDERMESH_TENANT_B_CLIENT_SECRET": MOCK_MERCHANT_B.client_secret or "",
        "ORDERMESH_TENANT_B_MERCHANT_ID": MOCK_MERCHANT_B.merchant_id or "",
    }
    # Run from a checkout, the suite's pytest also reads the repo's own addopts (pyproject.toml:
    # `-n auto --dist loadfile`, meant for the project's tests); an installed copy has none.
    # Undo them: one process unless --workers asks for more (the CLI's `-n N` comes later).
    env["PYTEST_ADDOPTS"] = "-n 0 --dist load"
    if args.suite == "operations":  # what the plain run does too: no lifecycle scenarios
        env["PYTEST_ADDOPTS"] += " -k test_operation"
    return command, env


def plain(base_url: str, args: argparse.Namespace, reports: Path) -> Command:
    budget = PROFILES[args.profile]
    command = [
        str(Path(sys.executable).parent / "st"),
        "run",
        str(ROOT / "spec" / "ordermesh.yaml"),
    ]
    command += ["--url", base_url, "--phases", ",".join(budget.phases)]
    command += ["--max-examples", str(budget.max_examples), "--mode", "all"]
    command += ["--seed", str(args.seed), "--workers", str(args.workers)]
    command += ["--suppress-health-check", HEALTH_CHECKS, "--no-color"]
    command += ["-H", f"Authorization: Bearer {BENCH_TOKEN}"]
    command += [arg for op in args.include for arg in ("--include-operation-id", op)]
    return command, {}


SIDES: dict[str, Callable[[str, argparse.Namespace, Path], Command]] = {OURS: ours, PLAIN: plain}


def add_budget_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags that fix what both sides run: profile, seed, operations, suite, workers."""
    parser.add_argument("--profile", choices=sorted(PROFILES), default="smoke")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="on both sides (default 1)")
    # Against latency our run's processes wait on round trips, not on the CPU: --concurrency
    # runs more of them than cores. `st run` has no such knob; it is left as its users run it.
    ours_only = "our side's --concurrency (default: what `run` picks for a loopback target)"
    parser.add_argument("--our-concurrency", type=int, default=None, help=ours_only)
    only = "only these operations (default: all)"
    parser.add_argument("--include", action="append", default=[], metavar="OPERATION_ID", help=only)
    suites = "operations: our per-operation tests only, like the plain run (default); all: with "
    suites += "the lifecycle scenarios"
    parser.add_argument("--suite", choices=("operations", "all"), default="operations", help=suites)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_logged(command: Command, cwd: Path, log: Path, timeout: float) -> tuple[float, float]:
    """Run one side's command with its output appended to `log`: wall and CPU seconds (the
    command and every process it waited for). Exit 0 or 1 (failures found) both count as run."""
    argv, env = command
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(argv)}\n")
        out.flush()
        cpu, started = children_cpu(), time.monotonic()
        done = subprocess.run(
            argv,
            cwd=cwd,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
        elapsed, cpu = time.monotonic() - started, children_cpu() - cpu
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(argv[:4])} exited {done.returncode}; see {log}")
    return elapsed, cpu
