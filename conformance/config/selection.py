"""What a run runs, and the command that runs one failing test again.

`--include`/`--exclude` pick operations (an operationId, or a tag: a docs section); they narrow
the property tests, the link-following and the lifecycle scenarios alike. A scenario runs when it
calls an included operation (any, without --include) and no excluded one. `--scenario NAME` adds
a lifecycle scenario by name; `--suite` keeps only some kinds of test. A failure's replay line is
built here from the same terms, so it selects the one test that failed and nothing else.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from pathlib import Path

from conformance.config.settings import ConfigError, RunSettings
from conformance.config.suggestions import closest, did_you_mean
from spec import SAFE_METHODS, SPEC_PATH, Spec

PROPERTIES, LINKS, LIFECYCLE = "properties", "links", "lifecycle"
PROVOKED = "provocations"  # the documented answers the spec says how to provoke
SUITES = (PROPERTIES, LINKS, LIFECYCLE, PROVOKED)


def is_operation_id(item: str) -> bool:
    """operationIds are camelCase; tags (docs sections) start with a capital."""
    return item[:1].islower()


def matching(spec: Spec, items: Iterable[str]) -> frozenset[str]:
    """The operationIds `items` name, directly or by tag."""
    wanted = set(items)
    return frozenset(
        op.operation_id for op in spec.operations if op.operation_id in wanted or op.tag in wanted
    )


def runs_suite(settings: RunSettings, suite: str) -> bool:
    return not settings.suites or suite in settings.suites


def runs_operation_tests(settings: RunSettings, suite: str) -> bool:
    """The property tests and link-following run unless the run names scenarios only (the
    operations they cover are narrowed by the schema's own filters, suites/schema.py)."""
    return runs_suite(settings, suite) and bool(settings.include or not settings.scenarios)


def runs_provocation(settings: RunSettings, spec: Spec, operation_id: str) -> bool:
    """A provocation runs with the property tests' selection: its operation included, not
    excluded, and not a write on a --read-only run."""
    if not runs_operation_tests(settings, PROVOKED) or operation_id in matching(
        spec, settings.exclude
    ):
        return False
    if settings.read_only and spec.operation(operation_id).method not in SAFE_METHODS:
        return False
    return not settings.include or operation_id in matching(spec, settings.include)


def runs_scenario(settings: RunSettings, spec: Spec, name: str, calls: frozenset[str]) -> bool:
    """Whether the lifecycle scenario `name`, which calls `calls`, is selected."""
    if not runs_suite(settings, LIFECYCLE) or calls & matching(spec, settings.exclude):
        return False
    if name in settings.scenarios:
        return True
    if settings.include:
        return bool(calls & matching(spec, settings.include))
    return not settings.scenarios


def all_scenarios_run(
    settings: RunSettings, spec: Spec, scenarios: dict[str, frozenset[str]]
) -> bool:
    return all(runs_scenario(settings, spec, name, calls) for name, calls in scenarios.items())


def check_scenarios(names: Iterable[str], known: Iterable[str]) -> None:
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise ConfigError(
            f"--scenario {', '.join(map(repr, unknown))}: no such lifecycle scenario; "
            f"one of {', '.join(map(repr, known))}"
        )


def check_selection(spec: Spec, settings: RunSettings) -> None:
    """Every --include/--exclude item names an operation or a tag, and --read-only is not asked
    to run writes: caught here, before the mock or pytest starts, not as zero tests."""
    tags = sorted({op.tag for op in spec.operations})
    names = [op.operation_id for op in spec.operations] + tags
    for flag, items in (("--include", settings.include), ("--exclude", settings.exclude)):
        for item in items:
            if not matching(spec, [item]):
                hint = did_you_mean(item, names, f"the tags are {', '.join(tags)}")
                raise ConfigError(f"{flag} {item!r}: no such operation id or tag{hint}")
    if settings.read_only:
        check_read_only(spec, settings)


def check_read_only(spec: Spec, settings: RunSettings) -> None:
    """--read-only runs no write: asking it for writes by name is a contradiction, not a run
    that passes because everything asked for was skipped."""
    if settings.scenarios or settings.suites == (LIFECYCLE,):
        asked = (
            f"--scenario {settings.scenarios[0]!r}" if settings.scenarios else "--suite lifecycle"
        )
        raise ConfigError(
            f"{asked} runs lifecycle scenarios, which create and change orders, and --read-only"
            " (or ORDERMESH_READ_ONLY) sends safe methods only: drop one"
        )
    reads = [op.operation_id for op in spec.operations if op.method in SAFE_METHODS]
    for item in settings.include:
        if not matching(spec, [item]) & frozenset(reads):
            like = closest(item, reads)
            raise ConfigError(
                f"--include {item!r} selects writes only, and --read-only (or "
                "ORDERMESH_READ_ONLY) sends safe methods only: drop one"
                + (f", or include a read such as {' or '.join(like)}" if like else "")
            )


def check_suites(names: Iterable[str]) -> None:
    """A suite named in a variable or config file is checked as argparse checks the flag."""
    unknown = sorted(set(names) - set(SUITES))
    if unknown:
        raise ConfigError(
            f"--suite {', '.join(map(repr, unknown))}: no such suite; one of {', '.join(SUITES)}"
        )


def target_words(settings: RunSettings) -> list[str]:
    """The flags that aim a replay at the run's own target: its URL (the embedded mock is
    started afresh instead, with the run's faults), spec, config file and overlays. Credentials
    are not among them: the replay reads them from the same ORDERMESH_* variables as the run."""
    words = [] if settings.embedded or not settings.base_url else ["--base-url", settings.base_url]
    if Path(settings.spec_path).resolve() != SPEC_PATH.resolve():
        words += ["--spec", settings.spec_path]
    if settings.config_path:
        words += ["--config", settings.config_path]
    for overlay in settings.overlays:
        words += ["--overlay", overlay]
    for fault in settings.mock_faults:
        words += ["--fault", fault]
    return words


def _replay(settings: RunSettings, selection: list[str]) -> str:
    words = ["ordermesh-conformance", "run", *target_words(settings)]
    words += ["--seed", str(settings.seed), "--profile", settings.profile, *selection]
    if settings.max_examples is not None:
        words += ["--max-examples", str(settings.max_examples)]
    if settings.read_only:
        words.append("--read-only")
    return shlex.join(words)


def replay_operation(settings: RunSettings, operation_id: str) -> str:
    """Reruns the property test of one operation: same seed and budget, nothing else."""
    return _replay(settings, ["--suite", PROPERTIES, "--include", operation_id])


def replay_provocation(settings: RunSettings, operation_id: str) -> str:
    """Reruns the provocations of one operation."""
    return _replay(settings, ["--suite", PROVOKED, "--include", operation_id])


def replay_scenario(settings: RunSettings, name: str) -> str:
    """Reruns one lifecycle scenario (the random walks: the same walks, from the same seed)."""
    return _replay(settings, ["--scenario", name])


def replay_links(settings: RunSettings) -> str:
    """Reruns the link-following over the run's operations: its chains depend on every link."""
    selection = ["--suite", LINKS]
    for flag, items in (("--include", settings.include), ("--exclude", settings.exclude)):
        selection += [word for item in items for word in (flag, item)]
    return _replay(settings, selection)


def replay_spec_link(settings: RunSettings, source: str, target: str) -> str:
    """Reruns the link from `source` to `target`: the links suite over those two operations."""
    words = [word for op in dict.fromkeys((source, target)) for word in ("--include", op)]
    return _replay(settings, ["--suite", LINKS, *words])
