"""Turn parsed `run` flags, ORDERMESH_* variables and a config file into RunSettings."""

from __future__ import annotations

import argparse
import os

from conformance.settings import (
    PROFILES,
    ConfigError,
    RunSettings,
    credentials_from,
    load_config_file,
    new_run_id,
)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    target = parser.add_argument_group("target")
    target.add_argument("--base-url", help="live API base URL (default: start the embedded mock)")
    target.add_argument(
        "--spec", dest="spec_path", help="OpenAPI file (default: spec/ordermesh.yaml)"
    )
    target.add_argument(
        "--allow-production", action="store_true", help="allow writes against api.ordermesh.io"
    )
    target.add_argument("--compare-with", metavar="URL",
                        help="then replay the same seeded cases and flows on URL and report "
                        "behavioural differences (see `compare`)")  # fmt: skip
    target.add_argument("--fault", action="append", default=[], metavar="NAME",
                        help="start the embedded mock with this seeded fault (repeatable)")  # fmt: skip
    budget = parser.add_argument_group("budget")
    budget.add_argument("--profile", choices=sorted(PROFILES), help="smoke, ci (default) or full")
    budget.add_argument("--seed", type=int, help="Hypothesis seed (default: random, printed)")
    budget.add_argument("--workers", type=int, help="pytest-xdist workers (default 1)")
    budget.add_argument("--shard", type=shard_spec, metavar="K/N",
                        help="run only the K-th of N parts of the tests (CI machines; pytest-split)")  # fmt: skip
    budget.add_argument("--include", action="append", default=[], metavar="ID_OR_TAG")
    budget.add_argument("--exclude", action="append", default=[], metavar="ID_OR_TAG")
    budget.add_argument("--read-only", action="store_true", help="send safe methods only")
    budget.add_argument("--rate-limit", type=float, metavar="RPS", help="max requests per second")
    budget.add_argument("--cleanup", action=argparse.BooleanOptionalAction, default=None,
                        help="cancel the orders the run created (default: on)")  # fmt: skip
    budget.add_argument(
        "--poll-timeout", type=float, help="read-after-write wait, seconds (default 5)"
    )
    out = parser.add_argument_group("output")
    out.add_argument("--reports-dir", help="where reports go (default: reports/)")
    out.add_argument(
        "--history",
        metavar="FILE",
        help="Allure history kept across runs, for trends and new failures "
        "(default: REPORTS_DIR/history.jsonl; a run never clears it)",
    )
    out.add_argument("--quiet", action="store_true", help="print the summary only, no progress")
    out.add_argument("--lifecycle-threshold", type=float,
                     help="share of states and transitions the scenarios must cover (default 1.0)")  # fmt: skip
    auth = parser.add_argument_group("auth (flags > ORDERMESH_* env vars > --config file)")
    auth.add_argument("--config", help="TOML file with [run] and [auth] / [auth.tenant_b] tables")
    auth.add_argument("--client-id")
    auth.add_argument("--client-secret")
    auth.add_argument("--username")
    auth.add_argument("--password")
    auth.add_argument("--token")
    auth.add_argument("--merchant-id")


def shard_spec(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit()) or not 1 <= int(index) <= int(count):
        raise argparse.ArgumentTypeError(f"expected K/N with 1 <= K <= N, like 2/4; got {text!r}")
    return int(index), int(count)


def settings_from(args: argparse.Namespace, environ: dict[str, str] | None = None) -> RunSettings:
    environ = dict(os.environ if environ is None else environ)
    config = load_config_file(args.config)
    run_section = config.get("run", {})
    auth_section = config.get("auth", {})

    def pick(flag, env, key, default, convert=str):
        if flag is not None:
            return flag
        if environ.get(env):
            try:
                return convert(environ[env])
            except ValueError:
                raise ConfigError(
                    f"{env}={environ[env]!r} is not a valid {convert.__name__}"
                ) from None
        return run_section.get(key, default)

    flags = {
        k: getattr(args, k)
        for k in ("client_id", "client_secret", "username", "password", "token", "merchant_id")
    }
    seed = pick(args.seed, "ORDERMESH_SEED", "seed", None, int)
    shard = getattr(args, "shard", None) or (1, 1)
    settings = RunSettings(
        base_url=pick(args.base_url, "ORDERMESH_BASE_URL", "base_url", None),
        spec_path=pick(args.spec_path, "ORDERMESH_SPEC", "spec", RunSettings.spec_path),
        profile=pick(args.profile, "ORDERMESH_PROFILE", "profile", "ci"),
        seed=seed if seed is not None else int.from_bytes(os.urandom(3), "big"),
        workers=pick(args.workers, "ORDERMESH_WORKERS", "workers", 1, int),
        include=tuple(args.include or run_section.get("include", [])),
        exclude=tuple(args.exclude or run_section.get("exclude", [])),
        read_only=args.read_only or bool(run_section.get("read_only", False)),
        rate_limit=pick(args.rate_limit, "ORDERMESH_RATE_LIMIT", "rate_limit", None, float),
        cleanup=args.cleanup
        if args.cleanup is not None
        else bool(run_section.get("cleanup", True)),
        reports_dir=pick(args.reports_dir, "ORDERMESH_REPORTS_DIR", "reports_dir", "reports"),
        allow_production=args.allow_production or bool(run_section.get("allow_production", False)),
        run_id=new_run_id(),
        poll_timeout=pick(args.poll_timeout, "ORDERMESH_POLL_TIMEOUT", "poll_timeout", 5.0, float),
        credentials=credentials_from(flags, environ, auth_section, "ORDERMESH_"),
        tenant_b=credentials_from(
            {}, environ, auth_section.get("tenant_b", {}), "ORDERMESH_TENANT_B_"
        ),
        mock_faults=tuple(args.fault),
        shard_index=shard[0],
        shard_count=shard[1],
        history_path=pick(getattr(args, "history", None), "ORDERMESH_HISTORY", "history", None),
        quiet=bool(getattr(args, "quiet", False)),
        lifecycle_threshold=pick(
            args.lifecycle_threshold,
            "ORDERMESH_LIFECYCLE_THRESHOLD",
            "lifecycle_threshold",
            1.0,
            float,
        ),
    )
    if settings.base_url and settings.mock_faults:
        raise ConfigError("--fault applies to the embedded mock only; drop it or drop --base-url")
    return settings.check()
