"""`ordermesh-conformance compare`: does B behave like A on the same scenarios?

    ordermesh-conformance compare [--base-url A] [--compare-with B] [--spec FILE] [--seed N]
                                  [--max-examples N] [--reports-dir DIR] [auth flags]

A defaults to the embedded mock, B to the embedded mock in next-version mode
(ordermesh_mock/next_version.py). Both get the same seeded positive cases, lifecycle refusals
and named flows. Writes behaviour-diff.md and behaviour-diff.json. Exit 0 when B behaves like A,
1 when it differs, 2 on a usage error, 3 when a target is unreachable or refuses the credentials.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from conformance.behaviour.compare import Difference, compare
from conformance.behaviour.flows import FLOWS, run_flows
from conformance.behaviour.render import as_json, markdown
from conformance.commands.drift import add_target_arguments, observe, settings_for
from conformance.commands.run import TargetError
from conformance.drift.observe import Observation, open_target
from conformance.settings import ConfigError, RunSettings
from spec import load_spec
from spec.loader import SpecError

EXIT_OK, EXIT_DIFFERENT, EXIT_USAGE, EXIT_TARGET = 0, 1, 2, 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ordermesh-conformance compare",
        description="Replay the same seeded cases and flows on two targets and report how they "
        "differ in status codes, response shapes, enum values and audit events.",
    )
    parser.add_argument("--base-url", help="target A (default: the embedded mock)")
    parser.add_argument("--compare-with", metavar="URL",
                        help="target B (default: the embedded mock in next-version mode)")  # fmt: skip
    add_target_arguments(parser, "Hypothesis seed, the same for both targets (default: random)")
    return parser


def observe_both(
    settings: RunSettings, compare_with: str | None, max_examples: int, echo=print
) -> tuple[tuple[str, list[Observation]], tuple[str, list[Observation]], list[str]]:
    """Observe A, then B, with the same settings (seed, run id, budget, credentials).

    Against a live target, an embedded mock signs in only the ways the live one is signed in to
    (a client, a user, a token): with other kinds of credentials, the login operations would
    answer 200 on one side and 401 on the other."""
    results, stopped = [], []
    like = settings.credentials if settings.base_url or compare_with else None
    plans = [
        (settings, settings.base_url or "embedded mock", False),
        (replace(settings, base_url=compare_with), compare_with or "embedded mock (next version)",
         compare_with is None),
    ]  # fmt: skip
    for name, (target_settings, label, next_version) in zip("AB", plans, strict=True):
        with open_target(
            target_settings, name, next_version=next_version, sign_in_like=like
        ) as target:
            observe(target, max_examples, echo)
            stopped += [f"{name}: {s}" for s in run_flows(target)]
            results.append((label, target.observations))
    return results[0], results[1], stopped


def main(argv: list[str] | None = None, echo=print) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = settings_for(args, args.base_url)
    except (ConfigError, SpecError) as exc:
        print(f"ordermesh-conformance compare: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return execute(settings, args.compare_with, args.max_examples, echo)


def execute(settings: RunSettings, compare_with: str | None, max_examples: int, echo=print) -> int:
    """Compare `settings.base_url` (or the embedded mock) with `compare_with` (or the embedded
    mock in next-version mode); reports go to `settings.reports_dir`. `run --compare-with`
    calls this with the run's own settings."""
    try:
        settings.check_can_create_data()  # both targets get the flows' orders and shipments
        if compare_with:  # B needs credentials, a sane URL and the merchant just like A
            settings.with_target(compare_with).check().check_can_create_data()
        echo(f"compare: seed {settings.seed}, spec {settings.spec_path}")
        (label_a, a), (label_b, b), stopped = observe_both(
            settings, compare_with, max_examples, echo
        )
        differences = compare(load_spec(settings.spec_path), a, b)
    except (ConfigError, SpecError) as exc:
        print(f"ordermesh-conformance compare: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except TargetError as exc:
        print(f"ordermesh-conformance compare: error: {exc}", file=sys.stderr)
        return EXIT_TARGET
    notes = {"seed": settings.seed, "max_examples": max_examples, "flows": list(FLOWS),
             "pairs": len({o.key for o in a} & {o.key for o in b}), "stopped_flows": stopped}  # fmt: skip
    reports = Path(settings.reports_dir)
    write_reports(reports, label_a, label_b, differences, notes)
    summarise(differences, echo)
    echo(f"report: {reports / 'behaviour-diff.md'}")
    return EXIT_DIFFERENT if differences or stopped else EXIT_OK


def write_reports(reports: Path, a: str, b: str, differences: list[Difference], notes) -> None:
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "behaviour-diff.json").write_text(as_json(a, b, differences, notes), "utf-8")
    (reports / "behaviour-diff.md").write_text(markdown(a, b, differences, notes), "utf-8")


def summarise(differences: list[Difference], echo) -> None:
    echo(f"{len(differences)} difference(s)")
    for d in differences:
        echo(f"  {d.operation} {d.aspect}: A {d.a} / B {d.b}")


if __name__ == "__main__":
    sys.exit(main())
