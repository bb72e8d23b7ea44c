"""`ordermesh-conformance selftest`: does the suite catch every seeded mock fault?

For each fault: `run --fault NAME --include <its operations>` as a subprocess, judged against the
fault's expectation; next to it a plain `st run` with the same budget. Then the clean mock with
several seeds, which must pass. With the whole catalogue, also the several-faults rows
(conformance/selftest/combos.py): whole runs, mock faults inside and proxy faults in front, in
which each fault must be named at its operation.
"""

from __future__ import annotations

import argparse
import functools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from conformance.commands.usage import Usage
from conformance.config.settings import PROFILES, ConfigError
from conformance.exit_codes import Exit
from conformance.selftest import combos, expectations
from conformance.selftest.expectations import Expectation, run_profile
from conformance.selftest.matrix import (
    CleanResult,
    FaultResult,
    Job,
    RowResult,
    execute_run,
    judge,
    judge_clean,
    judge_row,
    run_command,
    run_jobs,
)
from conformance.selftest.plain import run_plain
from conformance.selftest.proxied import MOCK_ENV, proxied_mock
from conformance.selftest.render import Matrix, terminal, write

DEFAULT_SEED = 20261123  # fixed, so a CI selftest is reproducible; --seed changes it
# The clean proxy's mock starts full, as a staging target does: each merchant's orders beside
# the caller's, more than a page of them, so a false positive on data not ours would show.
PRELOAD_ORDERS = 30

USAGE = Usage(
    description="For each seeded mock fault, run the suite on the operations it touches and "
    "check the fault is caught (a plain `st run` alongside); then the clean mock with several "
    "seeds, which must pass. Writes the fault x detection matrix to --reports-dir.",
    examples=(
        "selftest",
        "selftest --fault create-order-200 --seeds 1 --no-plain",
        "selftest --list-rows",
        "selftest --row faults-3 --row faults-4  # several-faults rows only",
    ),
    exits={
        Exit.OK: "every fault caught and the clean mock passed",
        Exit.FAILURES: "a fault was missed or the clean mock failed",
    },
    codes=(Exit.OK, Exit.FAILURES, Exit.USAGE),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profile", default="smoke", choices=sorted(PROFILES), help="the budget of every run"
    )
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="only this fault (repeatable; default: the whole catalogue)",
    )
    parser.add_argument("--seeds", type=int, default=3, help="clean-mock runs")
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help="first seed (fixed, so a run is reproducible)",
    )
    parser.add_argument("--jobs", type=int, default=2, help="runs in parallel")
    parser.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="each run's --concurrency (default: the run's own, one request at a time on the mock)",
    )
    parser.add_argument("--no-plain", action="store_true", help="skip the plain st column")
    parser.add_argument(
        "--row",
        action="append",
        default=[],
        metavar="NAME",
        help="only this several-faults row (repeatable; see --list-rows); no single-fault runs",
    )
    parser.add_argument(
        "--rows-only", action="store_true", help="every several-faults row, nothing else"
    )
    parser.add_argument(
        "--no-rows", action="store_true", help="skip the several-faults rows of a whole selftest"
    )
    parser.add_argument(
        "--list-rows", action="store_true", help="print the several-faults rows and exit"
    )
    parser.add_argument("--reports-dir", default="reports", help="where the matrix goes")


def handle(args: argparse.Namespace) -> int:
    if args.list_rows:
        for row in combos.deal():
            print(f"{row.name} ({row.profile}): {', '.join(e.fault for e in row.faults)}")
        return Exit.OK
    return execute(
        SelftestOptions(
            profile=args.profile,
            faults=tuple(args.fault),
            seeds=args.seeds,
            seed=args.seed,
            jobs=args.jobs,
            concurrency=args.concurrency,
            reports_dir=args.reports_dir,
            plain=not args.no_plain,
            rows=tuple(args.row)
            or (tuple(r.name for r in combos.deal()) if args.rows_only else ()),
            with_rows=not args.no_rows,
        )
    )


@dataclass(frozen=True)
class SelftestOptions:
    profile: str = "smoke"
    faults: tuple[str, ...] = ()
    seeds: int = 3  # clean-mock runs, each with its own seed
    seed: int = DEFAULT_SEED
    jobs: int = 2
    concurrency: int | None = None  # each run's --concurrency; None: the run's default
    reports_dir: str = "reports"
    plain: bool = True
    run_timeout: float = 600.0  # one run; a hung run is reported, not waited for forever
    rows: tuple[str, ...] = ()  # only these several-faults rows, nothing else
    with_rows: bool = True  # a whole-catalogue selftest also runs the several-faults rows

    def check(self) -> SelftestOptions:
        if self.profile not in PROFILES:
            raise ConfigError(
                f"--profile must be one of {', '.join(PROFILES)}, got {self.profile!r}"
            )
        if self.seeds < 1:
            raise ConfigError(f"--seeds must be at least 1, got {self.seeds}")
        if self.jobs < 1:
            raise ConfigError(f"--jobs must be at least 1, got {self.jobs}")
        if self.concurrency is not None and self.concurrency < 1:
            raise ConfigError(f"--concurrency must be at least 1, got {self.concurrency}")
        if self.rows and self.faults:
            raise ConfigError("--row and --fault exclude each other: a row names its faults")
        known = [row.name for row in combos.deal()]
        unknown = [name for name in self.rows if name not in known]
        if unknown:
            raise ConfigError(f"unknown row(s): {', '.join(unknown)}; valid: {', '.join(known)}")
        return self

    def selected_rows(self) -> list[combos.Row]:
        """The several-faults rows this selftest runs: the named ones, or all of them with the
        whole catalogue (a subset of faults is a single-fault check)."""
        every = combos.deal()
        if self.rows:
            return [row for row in every if row.name in self.rows]
        return every if self.with_rows and not self.faults else []


def fault_job(expectation: Expectation, options: SelftestOptions, root: Path) -> FaultResult:
    reports = root / expectation.fault
    profile = run_profile(expectation, options.profile)
    operations = list(expectation.operations)
    if expectation.proxied:
        with proxied_mock([expectation.fault]) as url:
            command = run_command(
                profile, options.seed, reports, [], operations, url, concurrency=options.concurrency
            )
            outcome = execute_run(command, reports, options.run_timeout, MOCK_ENV)
        return judge(expectation, outcome, options.seed, str(reports), profile)
    command = run_command(
        profile,
        options.seed,
        reports,
        [expectation.fault],
        operations,
        concurrency=options.concurrency,
    )
    outcome = execute_run(command, reports, options.run_timeout)
    result = judge(expectation, outcome, options.seed, str(reports), profile)
    if options.plain:  # same budget: same profile, operations and seed
        result.plain = run_plain(
            expectation.fault,
            operations,
            PROFILES[profile],
            options.seed,
            reports,
            options.run_timeout,
        )
    return result


def clean_job(
    seed: int, operations: list[str], options: SelftestOptions, root: Path
) -> CleanResult:
    reports = root / f"clean-seed-{seed}"
    command = run_command(
        options.profile, seed, reports, [], operations, concurrency=options.concurrency
    )
    return judge_clean(seed, execute_run(command, reports, options.run_timeout), str(reports))


def clean_proxy_job(
    seed: int, operations: list[str], options: SelftestOptions, root: Path
) -> CleanResult:
    """The proxy with no fault must change nothing: the suite passes through it, against a
    mock that already holds both merchants' orders."""
    reports = root / f"clean-proxy-seed-{seed}"
    with proxied_mock([], preload_orders=PRELOAD_ORDERS) as url:
        command = run_command(
            options.profile, seed, reports, [], operations, url, concurrency=options.concurrency
        )
        outcome = execute_run(command, reports, options.run_timeout, MOCK_ENV)
    return judge_clean(seed, outcome, str(reports), "proxy")


def row_job(row: combos.Row, options: SelftestOptions, root: Path) -> RowResult:
    """A whole run (no --include) with the row's mock faults seeded and its proxy faults in
    front, at the larger of the row's and the requested budget; one seed."""
    reports = root / row.name
    profile = max(row.profile, options.profile, key=list(PROFILES).index)
    with proxied_mock(row.proxy_faults, row.mock_faults) as url:
        command = run_command(
            profile, options.seed, reports, [], [], url, concurrency=options.concurrency
        )
        outcome = execute_run(command, reports, options.run_timeout, MOCK_ENV)
    return judge_row(row.name, list(row.faults), outcome, options.seed, str(reports), profile)


def plan_rows(options: SelftestOptions, root: Path) -> list[Job]:
    return [
        Job(
            f"{row.name} ({len(row.faults)} faults)", functools.partial(row_job, row, options, root)
        )
        for row in options.selected_rows()
    ]


def plan(options: SelftestOptions, selected: list[Expectation], root: Path) -> list[Job]:
    # A subset of faults gets a clean control over the same operations; all faults, the whole suite.
    mocked = [e for e in selected if not e.proxied]
    proxied = [e for e in selected if e.proxied]
    seeds = range(options.seed, options.seed + options.seeds)
    clean = []
    if mocked:
        scope = sorted({op for e in mocked for op in e.operations}) if options.faults else []
        clean += [
            Job(
                f"clean mock, seed {seed}", functools.partial(clean_job, seed, scope, options, root)
            )
            for seed in seeds
        ]
    if proxied:  # always over the proxy rows' operations: the whole suite twice is too long
        scope = sorted({op for e in proxied for op in e.operations})
        clean += [
            Job(
                f"clean proxy, seed {seed}",
                functools.partial(clean_proxy_job, seed, scope, options, root),
            )
            for seed in seeds
        ]
    faults = [Job(e.fault, functools.partial(fault_job, e, options, root)) for e in selected]
    return clean + faults  # the clean runs are the longest: start them first


def progress_printer(total: int, echo: Callable[[str], None]) -> Callable[[str, object], None]:
    lock, done = threading.Lock(), [0]

    def report(label: str, result: object) -> None:
        with lock:
            done[0] += 1
            echo(f"[{done[0]:>2}/{total}] {label}: {describe(result)}")

    return report


def describe(result: object) -> str:
    if isinstance(result, RowResult):
        verdict = "all named" if result.passed else f"FAILED: missed {', '.join(result.missed)}"
        if result.suite_errors:
            verdict += f"; {result.suite_errors} suite errors"
        if result.problem:
            verdict += f"; {result.problem}"
        named = f"{len(result.named)}/{len(result.faults)} named"
        return f"{verdict}; {named} (run {result.run_seconds:.0f} s)"
    if isinstance(result, CleanResult):
        return (
            f"{'passed' if result.passed else 'FAILED: ' + str(result.problem)} "
            f"({result.run_seconds:.0f} s)"
        )
    assert isinstance(result, FaultResult)
    verdict = (
        f"detected by {', '.join(result.detected_by)} at {', '.join(result.detected_at)} "
        f"after {result.seconds:.1f} s"
        if result.detected
        else f"MISSED: {result.problem}"
    )
    if result.plain is not None:
        verdict += f"; plain st: {'detected' if result.plain.detected else 'missed'}"
    return f"{verdict} (run {result.run_seconds:.0f} s)"


def execute(options: SelftestOptions, echo: Callable[[str], None] = print) -> int:
    options.check()
    selected = expectations.select(options.faults)
    started = time.monotonic()
    reports_dir = Path(options.reports_dir)
    root = reports_dir / "selftest"
    rows = plan_rows(options, root)
    jobs = rows if options.rows else rows + plan(options, selected, root)
    echo(
        f"selftest: {0 if options.rows else len(selected)} faults + "
        f"{0 if options.rows else options.seeds} clean seeds per target + {len(rows)} "
        f"several-faults rows, profile {options.profile}, seed {options.seed}, "
        f"{options.jobs} in parallel"
    )
    results = run_jobs(jobs, options.jobs, progress_printer(len(jobs), echo))
    matrix = Matrix(
        faults=[r for r in results if isinstance(r, FaultResult)],
        clean=[r for r in results if isinstance(r, CleanResult)],
        rows=[r for r in results if isinstance(r, RowResult)],
        profile=options.profile,
        seed=options.seed,
        total_seconds=time.monotonic() - started,
    )
    md_path, json_path = write(matrix, reports_dir)
    echo("")
    echo(terminal(matrix))
    echo(f"matrix: {md_path}, {json_path}")
    return Exit.OK if matrix.passed else Exit.FAILURES
