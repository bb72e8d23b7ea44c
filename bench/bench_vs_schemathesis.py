"""Wall time of `ordermesh-conformance run` against a plain `st run` with the same budget.

Both sides get the same operations, phases, example budget, generation modes, seed and worker
count, each against its own freshly started clean mock (a separate uvicorn process on
127.0.0.1), and the repetitions alternate which side goes first so drift on a shared machine
hits both. Prints each run's wall seconds, the medians and the ratio (goal: at most 1.3).

    python bench/bench_vs_schemathesis.py --profile smoke --repetitions 3
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from conformance.settings import MOCK_MERCHANT_A, MOCK_MERCHANT_B, PROFILES
from ordermesh_mock.server import free_port

ROOT = Path(__file__).resolve().parent.parent
BENCH_TOKEN = "bench-token-a"  # pre-issued by the mock for the plain run; not a real secret
HEALTH_CHECKS = "too_slow,filter_too_much,data_too_large"  # the suite suppresses the same ones
GOAL = 1.3


@contextmanager
def clean_mock() -> Iterator[str]:
    """A fresh in-memory mock in its own process, so neither side shares its CPU with it."""
    port = free_port()
    command = [sys.executable, "-m", "conformance.cli", "mock", "--host", "127.0.0.1",
               "--port", str(port), "--token", BENCH_TOKEN, "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(base_url, timeout=1.0)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the mock did not start on {base_url}") from None
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def ours(base_url: str, args: argparse.Namespace, reports: Path) -> tuple[list[str], dict]:
    command = [sys.executable, "-m", "conformance.cli", "run", "--base-url", base_url,
               "--profile", args.profile, "--seed", str(args.seed), "--workers", "1",
               "--reports-dir", str(reports)]  # fmt: skip
    command += [arg for op in args.include for arg in ("--include", op)]
    env = {
        "ORDERMESH_CLIENT_ID": MOCK_MERCHANT_A.client_id or "",
        "ORDERMESH_CLIENT_SECRET": MOCK_MERCHANT_A.client_secret or "",
        "ORDERMESH_MERCHANT_ID": MOCK_MERCHANT_A.merchant_id or "",
        "ORDERMESH_TENANT_B_CLIENT_ID": MOCK_MERCHANT_B.client_id or "",
        "ORDERMESH_TENANT_B_CLIENT_SECRET": MOCK_MERCHANT_B.client_secret or "",
        "ORDERMESH_TENANT_B_MERCHANT_ID": MOCK_MERCHANT_B.merchant_id or "",
    }
    if args.suite == "operations":  # what the plain run does too: no lifecycle scenarios
        env["PYTEST_ADDOPTS"] = "-k test_operation"
    return command, env


def plain(base_url: str, args: argparse.Namespace, reports: Path) -> tuple[list[str], dict]:
    budget = PROFILES[args.profile]
    command = [str(Path(sys.executable).parent / "st"), "run", str(ROOT / "spec" / "ordermesh.yaml"),
               "--url", base_url, "--phases", ",".join(budget.phases),
               "--max-examples", str(budget.max_examples), "--mode", "all",
               "--seed", str(args.seed), "--workers", "1",
               "--suppress-health-check", HEALTH_CHECKS, "--no-color",
               "-H", f"Authorization: Bearer {BENCH_TOKEN}"]  # fmt: skip
    command += [arg for op in args.include for arg in ("--include-operation-id", op)]
    return command, {}


SIDES = {"ordermesh-conformance run": ours, "plain st run": plain}


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(side: str, args: argparse.Namespace, log: Path, workdir: Path | None = None
          ) -> tuple[float, float]:  # fmt: skip
    """Wall seconds and CPU seconds (the command and every process it waited for) of one run.
    CPU time barely moves with the machine's load, so it backs up the noisier wall time.
    The run starts in `workdir` (kept, with its Hypothesis caches) or in a fresh directory."""
    with clean_mock() as base_url, tempfile.TemporaryDirectory() as fresh:
        reports = workdir or Path(fresh)
        command, env = SIDES[side](base_url, args, reports)
        with log.open("a") as out:
            out.write(f"\n$ {' '.join(command)}\n")
            out.flush()
            cpu, started = children_cpu(), time.monotonic()
            done = subprocess.run(command, cwd=reports, env={**os.environ, **env}, stdout=out,
                                  stderr=subprocess.STDOUT, timeout=args.timeout)  # fmt: skip
            elapsed, cpu = time.monotonic() - started, children_cpu() - cpu
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{side} exited {done.returncode}; see {log}")
    return elapsed, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="smoke")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--include", action="append", default=[], metavar="OPERATION_ID",
                        help="only these operations (default: all)")  # fmt: skip
    parser.add_argument("--suite", choices=("operations", "all"), default="operations",
                        help="operations: our per-operation tests only, like the plain run "
                        "(default); all: with the lifecycle scenarios")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=600, help="per run, seconds")
    parser.add_argument("--max-seconds", type=float, default=1800,
                        help="stop starting repetitions after this long")  # fmt: skip
    parser.add_argument("--warm", action="store_true",
                        help="each side keeps one working directory (Hypothesis' caches in "
                        ".hypothesis/, as a CI job that caches it) after one unrecorded warm-up "
                        "run; default: every run starts cold in a fresh directory")  # fmt: skip
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) / "bench.log")
    args = parser.parse_args(argv)
    args.log.write_text("", encoding="utf-8")
    times: dict[str, list[float]] = {side: [] for side in SIDES}
    cpu: dict[str, list[float]] = {side: [] for side in SIDES}
    workdirs = {side: None for side in SIDES}
    if args.warm:
        for side in SIDES:
            workdirs[side] = Path(tempfile.mkdtemp(prefix="bench-warm-"))
            timed(side, args, args.log, workdirs[side])
            print(f"warm-up: {side} in {workdirs[side]}", flush=True)
    started = time.monotonic()
    for repetition in range(args.repetitions):
        if time.monotonic() - started > args.max_seconds:
            print(f"time budget spent after {repetition} repetitions")
            break
        order = list(SIDES) if repetition % 2 == 0 else list(reversed(SIDES))
        for side in order:
            wall, used = timed(side, args, args.log, workdirs[side])
            times[side].append(wall)
            cpu[side].append(used)
            print(f"repetition {repetition + 1}: {side}: {wall:.1f} s wall, {used:.1f} s CPU",
                  flush=True)  # fmt: skip
    print(render(times, cpu, args))
    for workdir in workdirs.values():
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def render(times: dict[str, list[float]], cpu: dict[str, list[float]], args) -> str:
    budget = PROFILES[args.profile]
    scope = ", ".join(args.include) or "all operations"
    lines = [f"profile {args.profile} ({budget.max_examples} examples, phases "
             f"{','.join(budget.phases)}), seed {args.seed}, {scope}, our suite: {args.suite}, "
             f"caches: {'warm' if args.warm else 'cold'}", "",
             f"{'side':<28}{'median wall s':>14}{'median CPU s':>14}  wall runs"]  # fmt: skip
    for side, runs in times.items():
        lines.append(f"{side:<28}{statistics.median(runs):>14.1f}"
                     f"{statistics.median(cpu[side]):>14.1f}  "
                     f"{' '.join(f'{t:.1f}' for t in runs)}")  # fmt: skip
    ours_side, plain_side = SIDES
    ratio = statistics.median(times[ours_side]) / statistics.median(times[plain_side])
    cpu_ratio = statistics.median(cpu[ours_side]) / statistics.median(cpu[plain_side])
    verdict = "met" if ratio <= GOAL else "NOT met"
    lines.append(
        f"\nratio {ratio:.3f}x wall, {cpu_ratio:.3f}x CPU (goal <= {GOAL}x wall): {verdict}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
