"""Put the reports of several `run --shard K/N` machines together into one reports directory.

Each shard leaves allure-results/, .parts/ (its stats), junit.xml and summary.json. The merge
copies the Allure results and stats side by side, joins the JUnit files, and rebuilds
summary.json from the joined stats, so totals, coverage and the pass verdict cover the whole run.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from conformance.config.settings import ConfigError, RunSettings
from conformance.reporting.allure_report import write_results_extras
from conformance.reporting.stats import PARTS_DIR, clear_run_outputs, merge_parts
from conformance.reporting.summary import (
    account_for_failed_tests,
    build_summary,
    failed_tests,
    junit_totals,
    lifecycle_shortfall,
    write_summary,
)
from spec import load_lifecycle, load_spec

# Written per run; the merge writes its own from the shards' summaries.
RUN_EXTRAS = ("environment.properties", "categories.json")


def read_shard(shard_dir: Path) -> dict[str, Any]:
    for needed in ("allure-results", "summary.json"):
        if not (shard_dir / needed).exists():
            raise ConfigError(
                f"--merge {shard_dir}: no {needed} inside; is it the --reports-dir of a shard run?"
            )
    try:
        return json.loads((shard_dir / "summary.json").read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ConfigError(f"--merge {shard_dir}: summary.json is not valid JSON: {exc}") from None


def check_compatible(summaries: list[dict[str, Any]], shard_dirs: list[Path]) -> None:
    """Shards of one run share the spec version, the profile and the selection."""
    first = summaries[0]
    for summary, shard_dir in zip(summaries[1:], shard_dirs[1:], strict=True):
        for key in ("spec_version", "profile", "seed"):
            if summary.get(key) != first.get(key):
                raise ConfigError(
                    f"--merge {shard_dir}: {key} {summary.get(key)!r} differs from "
                    f"{shard_dirs[0]}'s {first.get(key)!r}; merge shards of one run only "
                    "(pass the same --seed to every shard)"
                )


def copy_results(shard_dirs: list[Path], out: Path) -> None:
    results, parts = out / "allure-results", out / PARTS_DIR
    results.mkdir(parents=True)
    parts.mkdir(parents=True)
    for number, shard_dir in enumerate(shard_dirs, start=1):
        for source in sorted((shard_dir / "allure-results").iterdir()):
            if source.name in RUN_EXTRAS:
                continue
            target = results / source.name
            if target.exists():  # uuid file names; a clash means one shard was given twice
                raise ConfigError(f"--merge {shard_dir}: {source.name} is already merged")
            shutil.copy2(source, target)
        # Stats files are named by worker and pid, which repeat across machines.
        for source in sorted((shard_dir / PARTS_DIR).glob("stats-*.json")):
            shutil.copy2(source, parts / f"stats-shard{number}-{source.name[len('stats-') :]}")


def join_junit(shard_dirs: list[Path], target: Path) -> None:
    joined = ET.Element("testsuites", name="ordermesh-conformance shards")
    for shard_dir in shard_dirs:
        path = shard_dir / "junit.xml"
        if path.is_file():
            joined.extend(ET.parse(path).getroot().iter("testsuite"))
    ET.ElementTree(joined).write(target, encoding="utf-8", xml_declaration=True)


def settings_of(summary: dict[str, Any]) -> RunSettings:
    """The whole run's settings as far as the summary needs them (never any secret)."""
    selection = summary.get("selection", {})
    return RunSettings(
        base_url=summary.get("target"),
        profile=summary["profile"],
        seed=summary["seed"],
        run_id=summary.get("run_id", ""),
        mock_faults=tuple(summary.get("mock_faults", ())),
        include=tuple(selection.get("include", ())),
        exclude=tuple(selection.get("exclude", ())),
        scenarios=tuple(selection.get("scenarios", ())),
        suites=tuple(selection.get("suites", ())),
        read_only=bool(selection.get("read_only", False)),
        lifecycle_threshold=float(selection.get("lifecycle_threshold", 1.0)),
    )


def merge_shards(
    shard_dirs: list[Path],
    out: Path,
    scenarios: dict[str, frozenset[str]],
    spec_path: str | None = None,
) -> dict[str, Any]:
    """Merge the shards into `out` and return the merged summary (also written to summary.json).
    `scenarios`: every lifecycle scenario with the operations it calls, for the coverage rule."""
    if not shard_dirs:
        raise ConfigError("--merge needs at least one shard reports directory")
    if out.resolve() in {d.resolve() for d in shard_dirs}:
        raise ConfigError(f"--reports-dir {out} is also a --merge input; write the merge elsewhere")
    summaries = [read_shard(d) for d in shard_dirs]
    check_compatible(summaries, shard_dirs)
    clear_run_outputs(out)
    out.mkdir(parents=True, exist_ok=True)
    copy_results(shard_dirs, out)
    join_junit(shard_dirs, out / "junit.xml")

    settings = settings_of(summaries[0])
    spec = load_spec(spec_path) if spec_path else load_spec()
    if spec.version != summaries[0]["spec_version"]:
        raise ConfigError(
            f"the shards tested spec version {summaries[0]['spec_version']}, but "
            f"{spec_path or 'the default spec'} is {spec.version}; pass the shards' --spec"
        )
    errors = [
        f"{d}: {s['error']}" for d, s in zip(shard_dirs, summaries, strict=True) if s["error"]
    ]
    tests = junit_totals(out / "junit.xml")
    summary = build_summary(
        settings,
        spec,
        load_lifecycle(),
        merge_parts(str(out)),
        duration=max(s["duration_seconds"] for s in summaries),  # shards run side by side
        tests_passed=all(s["passed"] for s in summaries) and not tests["failed"] + tests["errors"],
        error="; ".join(errors) or None,
        tests=tests,
    )
    account_for_failed_tests(summary, failed_tests(out / "junit.xml"))
    shortfall = lifecycle_shortfall(settings, summary, scenarios)
    if shortfall:
        summary["passed"], summary["error"] = False, summary["error"] or shortfall
    summary["shards"] = [
        {
            "dir": str(d),
            "shard": s.get("selection", {}).get("shard"),
            "run_id": s.get("run_id"),
            "target": s.get("target"),
            "duration_seconds": s["duration_seconds"],
            "passed": s["passed"],
        }
        for d, s in zip(shard_dirs, summaries, strict=True)
    ]
    write_summary(out / "summary.json", summary)
    write_results_extras(
        out / "allure-results",
        {
            "target": summary["target"] or "embedded mock",
            "spec_version": spec.version,
            "profile": summary["profile"],
            "seed": summary["seed"],
            "shards": len(shard_dirs),
            "run_ids": " ".join(sh["run_id"] or "" for sh in summary["shards"]),
        },
    )
    return summary
