"""`ordermesh-conformance compare`: does B behave like A on the same scenarios?

A defaults to the embedded mock, B to the embedded mock in next-version mode
(ordermesh_mock/next_version.py). Both get the same seeded positive cases, lifecycle refusals
and named flows. Writes behaviour-diff.md and behaviour-diff.json.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from conformance.behaviour.compare import Difference, compare
from conformance.behaviour.flows import FLOWS, run_flows
from conformance.behaviour.render import as_json, markdown
from conformance.commands.observing import observe
from conformance.commands.options import (
    DEFAULT_EXAMPLES,
    add_observe_options,
    add_target_options,
    settings_from,
)
from conformance.commands.preflight import preflight_other
from conformance.commands.usage import Usage
from conformance.config.settings import RunSettings, new_run_id
from conformance.drift.observe import Observation, open_target
from conformance.exit_codes import Exit

USAGE = Usage(
    description="Replay the same seeded cases and flows on two targets and report how they "
    "differ in status codes, response shapes, enum values and audit events.",
    examples=(
        "compare",
        "compare --base-url https://staging.ordermesh.example "
        "--compare-with https://staging-v2.ordermesh.example --seed 1234",
    ),
    exits={Exit.OK: "B behaves like A", Exit.FAILURES: "B behaves differently, or a flow stopped"},
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    target = add_target_options(parser, "target A (default: the embedded mock)")
    target.add_argument(
        "--compare-with",
        metavar="URL",
        help="target B (default: the embedded mock in next-version mode)",
    )
    add_observe_options(parser, "Hypothesis seed, the same for both targets (default: random)")


def observe_both(
    settings: RunSettings,
    compare_with: str | None,
    max_examples: int,
    echo: Callable[[str], None] = print,
) -> tuple[tuple[str, list[Observation]], tuple[str, list[Observation]], list[str]]:
    """Observe A, then B, with the same settings (seed, run id, budget, credentials).

    Against a live target, an embedded mock signs in only the ways the live one is signed in to
    (a client, a user, a token): with other kinds of credentials, the login operations would
    answer 200 on one side and 401 on the other."""
    results, stopped = [], []
    like = settings.credentials if settings.base_url or compare_with else None
    plans = [
        (settings, settings.base_url or "embedded mock", False),
        (
            replace(settings, base_url=compare_with),
            compare_with or "embedded mock (next version)",
            compare_with is None,
        ),
    ]
    for name, (target_settings, label, next_version) in zip("AB", plans, strict=True):
        with open_target(
            target_settings, name, next_version=next_version, sign_in_like=like
        ) as target:
            observe(target, max_examples, echo)
            stopped += [f"{name}: {s}" for s in run_flows(target)]
            results.append((label, target.observations))
    return results[0], results[1], stopped


def handle(args: argparse.Namespace) -> int:
    return execute(settings_from(args), args.compare_with, args.max_examples)


def after_run(settings: RunSettings, url: str) -> int:
    """`run --compare-with URL`: the run's target, seed, spec, reports dir and credentials
    against URL, with a run id of its own."""
    compare_settings = RunSettings(
        base_url=settings.base_url,
        spec_path=settings.spec_path,
        seed=settings.seed,
        reports_dir=settings.reports_dir,
        allow_production=settings.allow_production,
        run_id=new_run_id(),
        credentials=settings.credentials,
    )
    print(f"\nbehavioural diff against {url} (ordermesh-conformance compare):")
    return execute(compare_settings, url, DEFAULT_EXAMPLES)


def execute(
    settings: RunSettings,
    compare_with: str | None,
    max_examples: int,
    echo: Callable[[str], None] = print,
) -> int:
    """Compare `settings.base_url` (or the embedded mock) with `compare_with` (or the embedded
    mock in next-version mode); reports go to `settings.reports_dir`."""
    settings.check_can_create_data()  # both targets get the flows' orders and shipments
    if compare_with:  # B needs credentials, a sane URL and the merchant just like A
        settings.with_target(compare_with).check().check_can_create_data()
        preflight_other(settings, compare_with)  # before the first request to A
    echo(f"compare: seed {settings.seed}, spec {settings.spec_path}")
    (label_a, a), (label_b, b), stopped = observe_both(settings, compare_with, max_examples, echo)
    differences = compare(settings.load_spec(), a, b)
    notes = {
        "seed": settings.seed,
        "max_examples": max_examples,
        "flows": list(FLOWS),
        "pairs": len({o.key for o in a} & {o.key for o in b}),
        "stopped_flows": stopped,
    }
    reports = Path(settings.reports_dir)
    write_reports(reports, label_a, label_b, differences, notes)
    summarise(differences, echo)
    echo(f"report: {reports / 'behaviour-diff.md'}")
    return Exit.FAILURES if differences or stopped else Exit.OK


def write_reports(
    reports: Path, a: str, b: str, differences: list[Difference], notes: dict[str, object]
) -> None:
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "behaviour-diff.json").write_text(as_json(a, b, differences, notes), "utf-8")
    (reports / "behaviour-diff.md").write_text(markdown(a, b, differences, notes), "utf-8")


def summarise(differences: list[Difference], echo: Callable[[str], None]) -> None:
    echo(f"{len(differences)} difference(s)")
    for d in differences:
        echo(f"  {d.operation} {d.aspect}: A {d.a} / B {d.b}")
