"""`ordermesh-conformance run`: the whole job against the embedded mock or a live API."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from conformance.checks.not_run import checks_not_run, console_lines
from conformance.commands.options import add_run_arguments, settings_from
from conformance.commands.preflight import preflight
from conformance.commands.usage import Usage
from conformance.config.file import env_name
from conformance.config.selection import check_selection
from conformance.config.settings import ConfigError, Credentials, RunSettings
from conformance.errors import TargetError
from conformance.exit_codes import PYTEST_TARGET_GONE, Exit
from conformance.failures.baseline import load_baseline
from conformance.redaction import Redactor
from conformance.reporting.allure_report import HtmlReport, write_results_extras
from conformance.reporting.exit_outputs import CASE, write_error_junit, write_usage_outputs
from conformance.reporting.findings_results import write_findings
from conformance.reporting.markdown import render_markdown
from conformance.reporting.outcome import with_totals
from conformance.reporting.run_outputs import (
    PICTURES,
    finish_summary,
    history_file,
    write_picture,
)
from conformance.reporting.stats import clear_run_outputs, merge_parts
from conformance.reporting.summary import (
    RunFacts,
    failed_tests,
    junit_totals,
    render_table,
    write_summary,
)
from conformance.reporting.verdict import conclude
from conformance.stateful.scenarios import scenario_operations
from conformance.transport import liveness
from spec import load_lifecycle

SUITES = Path(__file__).resolve().parent.parent / "suites"
GONE = "target went away"  # completed with the request count once the stats are merged

USAGE = Usage(
    description="Run the property, link-following and lifecycle suites against the embedded mock "
    "or a live API, and write summary.json, junit.xml and the Allure report to --reports-dir. "
    "Flags win over ORDERMESH_* variables, which win over the --config file.",
    examples=(
        "run --profile smoke",
        "run --base-url https://staging.ordermesh.example --profile ci --seed 1234",
        "run --fault create-order-200 --include createOrder",
    ),
    exits={Exit.FAILURES: "conformance failures, or a run cut short by a budget"},
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_run_arguments(parser)


def checked_settings(args: argparse.Namespace) -> RunSettings:
    """Every usage error of `run`, before anything starts: the mock, pytest, a request."""
    settings = settings_from(args).check_can_create_data()
    if args.compare_with and settings.read_only:
        raise ConfigError(
            "--compare-with replays the scenarios' writes on both targets;"
            " it cannot be combined with --read-only"
        )
    if args.compare_with:  # the second target needs credentials and a merchant just like A
        settings.with_target(args.compare_with).check().check_can_create_data()
    check_selection(settings.load_spec(), settings)  # settings_from loaded it: a spec error is out
    load_baseline(settings)  # a broken file is a usage error now, not after the run
    return settings


def embedded_run_settings(settings: RunSettings, compare_with: str | None) -> RunSettings:
    """With `--compare-with` and no `--base-url`, the credentials given are the second target's:
    the run half on the embedded mock signs in with the mock's own merchants instead."""
    if compare_with and not settings.base_url:
        return replace(
            settings, credentials=Credentials(), tenant_b=Credentials(), restricted=Credentials()
        )
    return settings


def handle(args: argparse.Namespace) -> int:
    with usage_outputs(args):
        return execute(checked_settings(args))


@contextmanager
def usage_outputs(args: argparse.Namespace) -> Iterator[None]:
    """A usage error still leaves summary.json, summary.md and junit.xml where a reports folder
    was given (flag or variable), for the CI steps that publish them."""
    try:
        yield
    except ConfigError as exc:
        folder = getattr(args, "reports_dir", None) or os.environ.get(env_name("reports_dir"))
        if folder:
            write_usage_outputs(Path(folder), str(exc))
        raise


def pytest_command(settings: RunSettings, reports: Path) -> list[str]:
    command = [
        # -P: the working directory must not shadow the copy SUITES comes from (PYTHONPATH
        # names that copy's folder first: see same_toolkit_path).
        sys.executable,
        "-P",
        "-m",
        "pytest",
        str(SUITES),
        "-p",
        "no:cacheprovider",
        "--alluredir",
        str(reports / "allure-results"),
        "--junitxml",
        str(reports / "junit.xml"),
        "-o",
        "junit_family=xunit2",
        "-q",
        "--no-header",
        "-rN",
        # The suites run as the run's settings say, whatever a checkout's own pytest config adds
        # for the project's tests (xdist, marker filters).
        "-o",
        "addopts=",
        # The suite raises its own failures and has no bare asserts. Rewriting asserts would
        # recompile all of Schemathesis (a pytest plugin) at every start wherever bytecode is not
        # cached (PYTHONDONTWRITEBYTECODE, read-only site-packages): about 4 s of CPU per process.
        "--assert=plain",
    ]
    # Our progress lines instead of pytest's dots; --quiet: no tracebacks either.
    command += ["-p", "conformance.reporting.progress", "-o", "console_output_style=classic"]
    command += ["-p", "conformance.suites.junit"]  # test cases named for CI test tabs
    if settings.quiet:
        command += ["--tb=no", "-qq"]
    if settings.processes > 1:
        # One test at a time to each process, longest first (conformance/suites/scheduling.py).
        command += ["-n", str(settings.processes), "--dist", "load", "--maxschedchunk", "1"]
    if settings.shard_count > 1:
        command += ["--splits", str(settings.shard_count), "--group", str(settings.shard_index)]
    return command


def run_tests(
    settings: RunSettings, reports: Path, echo: Callable[[str], None]
) -> tuple[RunSettings, int, str | None, bool]:
    """Start the embedded mock if needed, check the target, run the suites under pytest.
    Returns the settings as run, the exit status, the error (if any) and whether embedded."""
    redactor = Redactor(settings.secrets())
    stop_mock = None
    error, status = None, Exit.OK
    try:
        if not settings.base_url or settings.mock_faults:
            from conformance.machinery.embedded import embedded_mock

            settings, stop_mock = embedded_mock(replace(settings, base_url=None))
            redactor = Redactor(settings.secrets())
            echo(
                f"embedded mock at {settings.base_url}"
                + (
                    f" with faults {', '.join(settings.mock_faults)}"
                    if settings.mock_faults
                    else ""
                )
            )
        preflight(settings, redactor)
        echo(
            f"run {settings.run_id}: profile {settings.profile}, seed {settings.seed}, "
            f"target {settings.base_url}, concurrency {settings.concurrency}"
        )
        for line in console_lines(checks_not_run(settings)):
            echo(line)
        error, status = run_pytest(settings, reports)
    except TargetError as exc:  # still a run: its reports say what happened (README: exit 3)
        error, status = redactor.text(str(exc)), exc.exit
    finally:
        if stop_mock:
            stop_mock()
    return settings, status, error, stop_mock is not None


def same_toolkit_path() -> str:
    """PYTHONPATH for the suites' pytest: the folder this toolkit was imported from first, so
    pytest imports the same copy as SUITES (an installed one, or a checkout run with `-m`)."""
    here = str(SUITES.parent.parent)
    return os.pathsep.join([here, *filter(None, [os.environ.get("PYTHONPATH")])])


def run_pytest(settings: RunSettings, reports: Path) -> tuple[str | None, Exit]:
    """The suites under pytest, watched: a target that stops answering stops the run."""
    env = {**os.environ, **settings.to_env(), "PYTHONPATH": same_toolkit_path()}
    # A session of its own, so the watchdog can interrupt pytest and its workers together.
    process = subprocess.Popen(pytest_command(settings, reports), env=env, start_new_session=True)
    why = liveness.watch(process, settings.target_url)
    if why is not None:
        return ": ".join(filter(None, [GONE, why])), Exit.TARGET
    if process.returncode == PYTEST_TARGET_GONE:
        return GONE, Exit.TARGET  # the suite saw the target go before the watchdog did
    if process.returncode not in (0, 1, 5) and not liveness.answers(settings.target_url):
        return GONE, Exit.TARGET  # pytest broke off while the target was down: blame the target
    if process.returncode == 5:
        return "no test matched --include/--exclude/--scenario/--suite", Exit.USAGE
    if process.returncode not in (0, 1):  # pytest's own error: ours, not the API's or the user's
        return f"pytest stopped with exit code {process.returncode}", Exit.INTERNAL
    return None, Exit.FAILURES if process.returncode == 1 else Exit.OK


@contextmanager
def shared_limit(settings: RunSettings) -> Iterator[RunSettings]:
    """The CLI and every pytest worker take their requests from one rate-limit bucket in this
    folder, and their places in flight (--concurrency) from its slot files."""
    if not settings.rate_limit and settings.processes == 1:
        yield settings  # one process: the limit and the slots live in its memory
        return
    with tempfile.TemporaryDirectory(prefix="ordermesh-limit-") as folder:
        yield replace(settings, limiter_path=str(Path(folder) / "bucket.sqlite"))


def execute(settings: RunSettings, echo: Callable[[str], None] = print) -> int:
    started = time.monotonic()
    spec, lifecycle = settings.load_spec(), load_lifecycle()  # before the old reports go
    if settings.max_duration:
        settings = replace(settings, deadline=time.time() + settings.max_duration)
    reports = Path(settings.reports_dir)
    clear_run_outputs(reports)
    reports.mkdir(parents=True, exist_ok=True)
    history = history_file(settings)
    report_dirs = (reports / "allure-results", reports / "allure-report")
    html = HtmlReport(
        *report_dirs,
        "OrderMesh conformance",
        history=history,
        attachments=tuple(reports / name for name in PICTURES),
    ).start()  # Node loads Allure while the tests run
    try:
        quiet_echo = (lambda *_: None) if settings.quiet else echo
        with shared_limit(settings) as settings:
            settings, status, error, embedded = run_tests(settings, reports, quiet_echo)
    except BaseException:
        html.cancel()
        raise
    merged = merge_parts(str(reports))
    if error and error.startswith(GONE):
        requests = sum(entry["cases"] for entry in merged["operations"].values())
        error = f"{GONE} after {requests} requests{error.removeprefix(GONE)}"
    junit = reports / "junit.xml"
    facts = RunFacts(
        settings,
        spec,
        lifecycle,
        merged,
        time.monotonic() - started,
        tests_passed=status == Exit.OK,
        error=error,
        tests=junit_totals(junit),
        embedded=embedded,
        failed=failed_tests(junit),
    )
    summary, status = conclude(facts, Exit(status), scenario_operations())
    write_summary(reports / "summary.json", summary)
    if status in CASE:  # CI publishes junit.xml whatever the exit: it says what happened
        write_error_junit(reports / "junit.xml", Exit(status), error or "")
    if status == Exit.TARGET and not merged["operations"]:
        html.cancel()  # nothing ran: the table and the report would be all zeros
        (reports / "summary.md").write_text(render_markdown(summary, spec), encoding="utf-8")
        echo(f"error: {error}")
        return status
    picture_problem = write_picture(reports, lifecycle, summary)
    write_results_extras(
        reports / "allure-results",
        {
            "target": settings.base_url or "embedded mock",
            "git_revision": summary["git_revision"],
            **summary["versions"],
            "profile": settings.profile,
            "seed": settings.seed,
            "run_id": settings.run_id,
        },
    )
    # Findings no test failed on get results of their own: the page counts them beside the tests.
    found = write_findings(reports / "allure-results", summary["failures"], spec)
    summary = with_totals(summary, contract_findings=found)
    write_summary(reports / "summary.json", summary)
    problem = html.finish()
    summary = finish_summary(reports, summary, spec, history if problem is None else None)
    echo("")
    echo(render_table(summary))
    if error:
        echo(f"error: {error}")
    elif shortfall := summary.get("error"):  # lifecycle coverage or the coverage floor
        echo(shortfall)
    if picture_problem:
        echo(picture_problem)
    echo(problem or f"report: {reports / 'allure-report' / 'index.html'}")
    return status
