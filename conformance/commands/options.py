"""The option groups the commands share, and the one place that turns parsed flags, ORDERMESH_*
variables and a config file into RunSettings (`run`, `drift` and `compare` all use it, so a
credential or a target means the same thing to each)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from conformance.config.file import (
    AUTO,
    RUN_KEYS,
    check_variables,
    env_name,
    find_config,
    from_env,
    validate,
)
from conformance.config.selection import SUITES, check_scenarios, check_suites
from conformance.config.settings import (
    DEFAULT_PROFILE,
    PROFILES,
    REMOTE_CONCURRENCY,
    ConfigError,
    RunSettings,
    credentials_from,
    default_concurrency,
    new_run_id,
    profiles_help,
)
from conformance.config.suggestions import fault_problem
from conformance.coverage.changes import load_changes
from conformance.coverage.floor import parse_floor
from conformance.stateful.machine import walk_part_names
from conformance.stateful.scenarios import scenario_operations
from conformance.suites.schema import schemathesis_config
from conformance.transport.connection import ConnectionOptions

DEFAULT_EXAMPLES = 2  # drift and compare: positive cases per operation


def add_target_options(
    parser: argparse.ArgumentParser,
    base_url_help: str = "live API base URL (default: start the embedded mock)",
) -> Any:
    """--base-url, --spec and --allow-production; returns the group for a command's own."""
    target = parser.add_argument_group("target")
    target.add_argument("--base-url", help=base_url_help)
    target.add_argument(
        "--spec", dest="spec_path", help="OpenAPI file (default: spec/ordermesh.yaml)"
    )
    target.add_argument(
        "--overlay",
        action="append",
        default=[],
        metavar="FILE",
        dest="overlays",
        help="OpenAPI Overlay applied to --spec as it loads, for every part of the command "
        "(repeatable, in order; `run` proposes one in REPORTS_DIR/spec.overlay.yaml)",
    )
    target.add_argument(
        "--allow-production", action="store_true", help="allow writes against api.ordermesh.io"
    )
    return target


def add_fault_option(group: Any) -> None:
    group.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="start the embedded mock with this seeded fault (repeatable)",
    )


def add_reports_option(group: Any) -> None:
    group.add_argument("--reports-dir", help="where reports go (default: reports/)")


def add_observe_options(parser: argparse.ArgumentParser, seed_help: str) -> None:
    """The budget of `drift` and `compare`: seeded positive cases, then one call per refusal."""
    budget = parser.add_argument_group("budget")
    budget.add_argument("--seed", type=int, help=seed_help)
    budget.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_EXAMPLES,
        metavar="N",
        help="positive cases per operation",
    )
    budget.add_argument(
        "--rate-limit",
        type=float,
        metavar="RPS",
        help="max requests per second, every request of the command (default: no limit)",
    )
    add_reports_option(parser.add_argument_group("output"))
    add_connection_arguments(parser)
    add_auth_arguments(parser)


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """How requests reach the target: timeout, TLS, client certificate (Schemathesis' names
    where `st run` has one; proxies come from HTTPS_PROXY, HTTP_PROXY and NO_PROXY)."""
    group = parser.add_argument_group("connection (proxies: HTTPS_PROXY, HTTP_PROXY, NO_PROXY)")
    group.add_argument(
        "--request-timeout",
        type=float,
        metavar="SECONDS",
        help="give up on an answer after SECONDS, every request: generated cases, reads, token "
        "requests (default: 10 for generated cases, 30 for reads, 15 for tokens)",
    )
    group.add_argument(
        "--tls-verify",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="verify the target's TLS certificate (default: on)",
    )
    group.add_argument(
        "--ca-bundle", metavar="FILE", help="PEM file of the CAs to trust (a private CA)"
    )
    group.add_argument(
        "--request-cert",
        "--client-cert",
        dest="request_cert",
        metavar="FILE",
        help="client certificate for mutual TLS (PEM; may hold the key too)",
    )
    group.add_argument(
        "--request-cert-key",
        "--client-key",
        dest="request_cert_key",
        metavar="FILE",
        help="the client certificate's private key, when in a file of its own",
    )


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    target = add_target_options(parser)
    target.add_argument(
        "--compare-with",
        metavar="URL",
        help="then replay the same seeded cases and flows on URL and report "
        "behavioural differences (see `compare`; default: none)",
    )
    add_fault_option(target)
    budget = parser.add_argument_group("budget")
    budget.add_argument("--profile", choices=sorted(PROFILES), help=profiles_help())
    budget.add_argument(
        "--max-examples",
        type=int,
        metavar="N",
        help="examples per operation, instead of the profile's (default: the profile's)",
    )
    budget.add_argument("--seed", type=int, help="Hypothesis seed (default: random, printed)")
    budget.add_argument(
        "--workers",
        type=workers_count,
        metavar="N|auto",
        help="pytest-xdist workers; auto: one per core (default 1)",
    )
    budget.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="requests in flight at most, from N test processes run at once (default: "
        f"--workers on a loopback target, {REMOTE_CONCURRENCY} on any other)",
    )
    budget.add_argument(
        "--shard",
        type=shard_spec,
        metavar="K/N",
        help="run only the K-th of N parts of the tests (CI machines; pytest-split)",
    )
    budget.add_argument(
        "--max-failures",
        type=int,
        metavar="N",
        help="stop starting new tests after N failed tests (exit 1, incomplete)",
    )
    budget.add_argument(
        "--max-duration",
        type=float,
        metavar="SECONDS",
        help="start no new work after SECONDS (exit 1, incomplete)",
    )
    add_selection_arguments(budget)
    budget.add_argument("--read-only", action="store_true", help="send safe methods only")
    budget.add_argument(
        "--rate-limit",
        type=float,
        metavar="RPS",
        help="max requests per second (default: no limit)",
    )
    budget.add_argument(
        "--cleanup",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="cancel the orders the run created (default: on)",
    )
    budget.add_argument(
        "--poll-timeout", type=float, help="read-after-write wait, seconds (default 5)"
    )
    budget.add_argument(
        "--clock-skew",
        type=float,
        metavar="SECONDS",
        help="how far the target's clock may be from ours when timestamps are judged (default 300)",
    )
    out = parser.add_argument_group("output")
    add_reports_option(out)
    out.add_argument(
        "--history",
        metavar="FILE",
        help="Allure history kept across runs, for trends and new failures "
        "(default: REPORTS_DIR/history.jsonl; a run never clears it)",
    )
    out.add_argument(
        "-q", "--quiet", action="store_true", help="print the summary only, no progress"
    )
    out.add_argument(
        "--lifecycle-threshold",
        type=float,
        help="share of states and transitions the scenarios must cover (default 1.0)",
    )
    out.add_argument(
        "--coverage-floor",
        metavar="DIMENSION=PERCENT,...",
        help="fail the run (exit 1) under these shares of spec elements covered, e.g. "
        "operations=100,status-codes=80 ('none': no floor; default: the profile's floor on a "
        "run of everything)",
    )
    out.add_argument(
        "--changes",
        metavar="DIFF.json",
        help="the JSON of `ordermesh-conformance diff OLD NEW --format json`: the report lists "
        "each change as tested or not touched by this run (default: none)",
    )
    add_baseline_arguments(parser)
    add_connection_arguments(parser)
    add_auth_arguments(parser)


def add_baseline_arguments(parser: argparse.ArgumentParser) -> None:
    """Known failures, on Schemathesis' model (conformance/failures/baseline.py)."""
    baseline = parser.add_argument_group("baseline")
    baseline.add_argument(
        "--baseline",
        metavar="FILE",
        help="fail only on failures not recorded in FILE, and list the known ones apart; a "
        "missing FILE is created from this run (default: none)",
    )
    baseline.add_argument(
        "--baseline-update",
        action="store_true",
        help="add this run's new failures to the --baseline FILE",
    )


def add_selection_arguments(budget: argparse._ArgumentGroup) -> None:
    """What runs (conformance/config/selection.py has the rules)."""
    scenarios = ", ".join(map(repr, scenario_operations()))
    budget.add_argument(
        "--include",
        action="append",
        default=[],
        metavar="ID_OR_TAG",
        help="test only this operation or tag (repeatable): its property test, link-following "
        "among the included, and the lifecycle scenarios that call it",
    )
    budget.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="ID_OR_TAG",
        help="leave this operation or tag out (repeatable), and every scenario that calls it",
    )
    budget.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="NAME",
        dest="scenarios",
        help=f"run this lifecycle scenario (repeatable; alone, nothing else runs): {scenarios}; "
        "'random walks N' runs one part of the walks",
    )
    budget.add_argument(
        "--suite",
        action="append",
        default=[],
        choices=SUITES,
        dest="suites",
        help="run only this kind of test (repeatable; default: all)",
    )


def add_auth_arguments(parser: argparse.ArgumentParser) -> None:
    """Credentials: secrets from ORDERMESH_* variables or a file (`-`: stdin); the secret flags
    still work but show the secret in `ps` and shell history, so they warn."""
    auth = parser.add_argument_group("auth (flags > ORDERMESH_* env vars > config file)")
    auth.add_argument(
        "--config",
        help="TOML file with [run] and [auth] / [auth.tenant_b] / [auth.restricted] tables "
        "(default: ordermesh-conformance.toml, or [tool.ordermesh-conformance] in "
        "pyproject.toml)",
    )
    for name in ("client_id", "username", "merchant_id"):
        auth.add_argument(f"--{name.replace('_', '-')}", help=from_elsewhere(name))
    for name in SECRETS:
        flag = name.replace("_", "-")
        auth.add_argument(
            f"--{flag}", help=f"visible in ps; prefer --{flag}-file " + from_elsewhere(name)
        )
        auth.add_argument(f"--{flag}-file", metavar="PATH", help="read it from PATH, - for stdin")


SECRETS = ("client_secret", "password", "token")


def from_elsewhere(name: str) -> str:
    return f"(default: ${env_name(name)}, else [auth] {name} in the config file)"


def workers_count(text: str) -> int:
    """--workers N, or `auto`: one per core."""
    if text.strip().lower() == AUTO:
        return cores()
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or auto, got {text!r}") from None


def cores() -> int:
    return os.cpu_count() or 1


def shard_spec(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit()) or not 1 <= int(index) <= int(count):
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N, like 2/4; got {text!r}")
    return int(index), int(count)


def secret_flags(args: argparse.Namespace, stdin: TextIO | None = None) -> dict[str, object]:
    """The credential flags, secrets read from their files; a secret given as a flag warns."""
    flags: dict[str, object] = {
        k: getattr(args, k, None) for k in ("client_id", "username", "merchant_id")
    }
    for name in SECRETS:
        flag, path = getattr(args, name, None), getattr(args, name + "_file", None)
        if flag:
            print(
                f"warning: --{name.replace('_', '-')} is visible in ps and shell history; use "
                f"{env_name(name)} or --{name.replace('_', '-')}-file",
                file=sys.stderr,
            )
        flags[name] = read_secret(path, name, stdin) if path else flag
    return flags


def read_secret(path: str, name: str, stdin: TextIO | None = None) -> str:
    if path == "-":
        return (stdin or sys.stdin).readline().strip()
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"--{name.replace('_', '-')}-file {path}: {exc.strerror}") from None


def settings_from(args: argparse.Namespace, environ: dict[str, str] | None = None) -> RunSettings:
    """Every command's settings: a flag the command does not have counts as not given."""
    environ = dict(os.environ if environ is None else environ)
    check_variables(environ)
    config, source = find_config(args.config)
    validate(config, source)
    run_section = config.get("run", {})
    auth_section = config.get("auth", {})

    def pick(name: str, key: str, default: object) -> Any:
        flag = getattr(args, name, None)
        # Not `in (None, [], False)`: 0 == False, and `--workers 0` must reach the check.
        if flag is not None and flag is not False and flag != []:
            return flag
        value = from_env(key, RUN_KEYS[key], environ)
        return value if value is not None else run_section.get(key, default)

    seed = pick("seed", "seed", None)
    base_url, workers = pick("base_url", "base_url", None), pick("workers", "workers", 1)
    workers = cores() if workers == AUTO else workers
    concurrency = pick("concurrency", "concurrency", None)
    shard = getattr(args, "shard", None) or (1, 1)
    settings = RunSettings(
        base_url=base_url,
        config_path=getattr(args, "config", None),
        spec_path=pick("spec_path", "spec", RunSettings.spec_path),
        overlays=tuple(pick("overlays", "overlay", [])),
        profile=pick("profile", "profile", DEFAULT_PROFILE),
        seed=seed if seed is not None else int.from_bytes(os.urandom(3), "big"),
        workers=workers,
        concurrency=default_concurrency(base_url, workers) if concurrency is None else concurrency,
        include=tuple(pick("include", "include", [])),
        exclude=tuple(pick("exclude", "exclude", [])),
        scenarios=tuple(pick("scenarios", "scenario", [])),
        suites=tuple(pick("suites", "suite", [])),
        read_only=pick("read_only", "read_only", False),
        rate_limit=pick("rate_limit", "rate_limit", None),
        cleanup=pick("cleanup", "cleanup", True),
        reports_dir=pick("reports_dir", "reports_dir", "reports"),
        allow_production=pick("allow_production", "allow_production", False),
        run_id=new_run_id(),
        poll_timeout=pick("poll_timeout", "poll_timeout", 5.0),
        clock_skew=pick("clock_skew", "clock_skew", 300.0),
        credentials=credentials_from(secret_flags(args), environ, auth_section, "ORDERMESH_"),
        tenant_b=credentials_from(
            {}, environ, auth_section.get("tenant_b", {}), "ORDERMESH_TENANT_B_"
        ),
        restricted=credentials_from(
            {}, environ, auth_section.get("restricted", {}), "ORDERMESH_RESTRICTED_"
        ),
        mock_faults=tuple(getattr(args, "fault", ())),
        max_failures=pick("max_failures", "max_failures", None),
        max_duration=pick("max_duration", "max_duration", None),
        shard_index=shard[0],
        shard_count=shard[1],
        history_path=pick("history", "history", None),
        quiet=pick("quiet", "quiet", False),
        lifecycle_threshold=pick("lifecycle_threshold", "lifecycle_threshold", 1.0),
        coverage_floor=pick("coverage_floor", "coverage_floor", None),
        changes=pick("changes", "changes", None),
        max_examples=pick("max_examples", "max_examples", None) if is_run(args) else None,
        baseline=pick("baseline", "baseline", None),
        baseline_update=bool(getattr(args, "baseline_update", False)),
        **connection_settings(pick, getattr(args, "tls_verify", None)),
    )
    walks = walk_part_names(settings.profile_budget.lifecycle_scenarios)
    check_scenarios(settings.scenarios, [*scenario_operations(), *walks])
    check_suites(settings.suites)
    schemathesis_config()  # a broken schemathesis.toml is a usage error before anything runs
    check_flags(args, settings)
    return settings.check()


def is_run(args: argparse.Namespace) -> bool:
    """`drift` and `compare` have a --max-examples of their own (DEFAULT_EXAMPLES)."""
    return getattr(args, "command", "run") == "run"


def connection_settings(pick: Any, tls_verify_flag: bool | None) -> dict[str, Any]:
    """The connection group's settings (`--no-tls-verify` is a given False, which `pick`
    would take for not given)."""
    tls_verify = tls_verify_flag if tls_verify_flag is not None else None
    return {
        "request_timeout": pick("request_timeout", "request_timeout", None),
        "tls_verify": pick("tls_verify", "tls_verify", True) if tls_verify is None else tls_verify,
        "ca_bundle": pick("ca_bundle", "ca_bundle", None),
        "request_cert": pick("request_cert", "request_cert", None),
        "request_cert_key": pick("request_cert_key", "request_cert_key", None),
    }


def check_flags(args: argparse.Namespace, settings: RunSettings) -> None:
    """What RunSettings cannot check itself: flags it does not keep, files it only names."""
    examples = getattr(args, "max_examples", None)
    if examples is not None and examples < 1:
        raise ConfigError(f"--max-examples must be at least 1, got {examples}")
    if not Path(settings.spec_path).is_file():
        raise ConfigError(f"--spec {settings.spec_path}: no such file")
    problem = fault_problem(settings.mock_faults)
    if problem:
        raise ConfigError(problem)
    if settings.coverage_floor is not None:
        try:
            parse_floor(settings.coverage_floor)
        except ValueError as exc:
            raise ConfigError(f"--coverage-floor {settings.coverage_floor!r}: {exc}") from None
    if settings.changes is not None:
        try:
            load_changes(settings.changes)
        except ValueError as exc:
            raise ConfigError(f"--changes {settings.changes}: {exc}") from None
    for overlay in settings.overlays:
        if not Path(overlay).is_file():
            raise ConfigError(f"--overlay {overlay}: no such file")
    settings.load_spec()  # a broken spec or overlay is the user's to mend, before anything runs
    if settings.base_url and settings.mock_faults:
        raise ConfigError("--fault applies to the embedded mock only; drop it or drop --base-url")
    ConnectionOptions.of(settings).check()
