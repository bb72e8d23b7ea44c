"""`ordermesh-conformance`: run, mock, report, selftest, diff, drift, compare and lint.

Exit codes: 0 everything passed; 1 conformance failures; 2 usage or configuration error;
3 target unreachable or authentication failed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from conformance.commands.options import add_run_arguments, settings_from
from conformance.settings import PROFILES, ConfigError, Credentials, RunSettings, new_run_id

EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own exit code is 2 as well; keep the message short
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


class VersionAction(argparse.Action):
    """`--version`: the toolkit, the spec and the tools a report depends on, one per line."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from conformance.versions import version_text
        from spec import load_spec

        print(version_text(load_spec().version))
        parser.exit(0)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="ordermesh-conformance", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action=VersionAction, help="print the versions and exit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    run = sub.add_parser("run", help="run the suites against the embedded mock or --base-url")
    add_run_arguments(run)
    sub.add_parser("mock", help="serve the embedded mock (see `mock --help`)", add_help=False)
    report = sub.add_parser("report", help="build the HTML report from existing allure-results")
    report.add_argument("--reports-dir", default="reports")
    report.add_argument("--merge", action="append", type=Path, default=[], metavar="SHARD_DIR",
                        help="merge this shard's reports dir into --reports-dir (repeatable)")  # fmt: skip
    report.add_argument("--spec", dest="spec_path", help="the shards' --spec, if not the default")
    sub.add_parser("diff", help="compare two spec versions (see `diff --help`)", add_help=False)
    sub.add_parser("drift", help="what the target returns vs the spec (see `drift --help`)",
                   add_help=False)  # fmt: skip
    sub.add_parser("compare", help="behavioural diff of two targets (see `compare --help`)",
                   add_help=False)  # fmt: skip
    lint = sub.add_parser("lint", help="openapi-spec-validator and Spectral on the spec")
    lint.add_argument("spec", nargs="?", help="spec file (default: spec/ordermesh.yaml)")
    selftest = sub.add_parser("selftest", help="run the suite against every seeded mock fault")
    selftest.add_argument("--profile", default="smoke", choices=sorted(PROFILES))
    selftest.add_argument("--fault", action="append", default=[], metavar="NAME",
                          help="only this fault (repeatable; default: the whole catalogue)")  # fmt: skip
    selftest.add_argument("--seeds", type=int, default=3, help="clean-mock runs (default 3)")
    selftest.add_argument("--seed", type=int, help="first seed (default: fixed, reproducible)")
    selftest.add_argument("--jobs", type=int, default=2, help="runs in parallel (default 2)")
    selftest.add_argument("--no-plain", action="store_true", help="skip the plain st column")
    selftest.add_argument("--reports-dir", default="reports")
    return parser


def compare_after_run(settings: RunSettings, url: str) -> int:
    """`run --compare-with URL`: the same seed's cases and flows on both targets (`compare`).

    Hands `compare` the run's target, seed, spec, reports dir and credentials, whichever of
    flags, ORDERMESH_* variables and --config file they came from, and a run id of its own."""
    from conformance.commands.compare import execute
    from conformance.commands.drift import DEFAULT_EXAMPLES

    compare_settings = RunSettings(
        base_url=settings.base_url, spec_path=settings.spec_path, seed=settings.seed,
        reports_dir=settings.reports_dir, allow_production=settings.allow_production,
        run_id=new_run_id(), credentials=settings.credentials,
    )  # fmt: skip
    print(f"\nbehavioural diff against {url} (ordermesh-conformance compare):")
    return execute(compare_settings, url, DEFAULT_EXAMPLES)


def embedded_run_settings(settings: RunSettings, compare_with: str | None) -> RunSettings:
    """With `--compare-with` and no `--base-url`, the credentials given are the second target's:
    the run half on the embedded mock signs in with the mock's own merchants instead."""
    if compare_with and not settings.base_url:
        return replace(settings, credentials=Credentials(), tenant_b=Credentials())
    return settings


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["mock"]:
        from ordermesh_mock.server import main as mock_main

        return mock_main(argv[1:]) or 0
    if argv[:1] == ["diff"]:
        from conformance.diff.command import run as diff_run

        return diff_run(argv[1:])
    if argv[:1] == ["drift"]:
        from conformance.commands.drift import main as drift_main

        return drift_main(argv[1:])
    if argv[:1] == ["compare"]:
        from conformance.commands.compare import main as compare_main

        return compare_main(argv[1:])
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            from conformance.commands.run import execute

            settings = settings_from(args).check_can_create_data()
            if args.compare_with and settings.read_only:
                raise ConfigError(
                    "--compare-with replays the scenarios' writes on both targets;"
                    " it cannot be combined with --read-only"
                )
            status = execute(embedded_run_settings(settings, args.compare_with))
            if args.compare_with:
                return max(status, compare_after_run(settings, args.compare_with))
            return status
        if args.command == "report":
            from conformance.commands.report import report

            return report(Path(args.reports_dir), args.merge, args.spec_path)
        if args.command == "lint":
            from conformance.commands.lint import lint

            return lint(args.spec)
        if args.command == "selftest":
            from conformance.commands.selftest import DEFAULT_SEED, SelftestOptions, execute

            return execute(SelftestOptions(
                profile=args.profile, faults=tuple(args.fault), seeds=args.seeds,
                seed=DEFAULT_SEED if args.seed is None else args.seed, jobs=args.jobs,
                reports_dir=args.reports_dir, plain=not args.no_plain,
            ))  # fmt: skip
    except ConfigError as exc:
        print(f"ordermesh-conformance: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
