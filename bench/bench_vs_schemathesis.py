"""Wall time of `ordermesh-conformance run` against a plain `st run` with the same budget.

Both sides get the same operations, phases, example budget, generation modes, seed and worker
count, each against its own freshly started clean mock (a separate uvicorn process on
127.0.0.1), and the repetitions alternate which side goes first so drift on a shared machine
hits both. Prints each run's wall seconds, the medians and the ratio (goal: at most 1.3).

    python bench/bench_vs_schemathesis.py --profile smoke --repetitions 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _sides import SIDES, add_budget_arguments, clean_mock, run_logged

from conformance.config.settings import PROFILES

GOAL = 1.3


def timed(
    side: str, args: argparse.Namespace, log: Path, workdir: Path | None = None
) -> tuple[float, float]:
    """Wall seconds and CPU seconds (the command and every process it waited for) of one run.
    CPU time barely moves with the machine's load, so it backs up the noisier wall time.
    The run starts in `workdir` (kept, with its Hypothesis caches) or in a fresh directory."""
    with clean_mock() as base_url, tempfile.TemporaryDirectory() as fresh:
        reports = workdir or Path(fresh)
        return run_logged(SIDES[side](base_url, args, reports), reports, args.log, args.timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_budget_arguments(parser)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=600, help="per run, seconds")
    parser.add_argument(
        "--max-seconds", type=float, default=1800, help="stop starting repetitions after this long"
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="each side keeps one working directory (Hypothesis' caches in "
        ".hypothesis/, as a CI job that caches it) after one unrecorded warm-up "
        "run; default: every run starts cold in a fresh directory",
    )
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
            print(
                f"repetition {repetition + 1}: {side}: {wall:.1f} s wall, {used:.1f} s CPU",
                flush=True,
            )
    print(render(times, cpu, args))
    for workdir in workdirs.values():
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def render(times: dict[str, list[float]], cpu: dict[str, list[float]], args) -> str:
    budget = PROFILES[args.profile]
    scope = ", ".join(args.include) or "all operations"
    lines = [
        f"profile {args.profile} ({budget.max_examples} examples, phases "
        f"{','.join(budget.phases)}), seed {args.seed}, {scope}, our suite: {args.suite}, "
        f"caches: {'warm' if args.warm else 'cold'}",
        "",
        f"{'side':<28}{'median wall s':>14}{'median CPU s':>14}  wall runs",
    ]
    for side, runs in times.items():
        lines.append(
            f"{side:<28}{statistics.median(runs):>14.1f}"
            f"{statistics.median(cpu[side]):>14.1f}  "
            f"{' '.join(f'{t:.1f}' for t in runs)}"
        )
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
