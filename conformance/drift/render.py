"""drift.md and drift.json from a DriftReport."""

from __future__ import annotations

import json

from conformance.drift.analyse import DriftFinding, DriftReport

SENTENCES = {
    "undocumented-field": "returns `{name}`, which the schema does not list",
    "missing-field": "omits the required field `{name}`",
    "type-mismatch": "returns a {name} where the schema says otherwise",
    "enum-value": "returns {name}, which is not in the enum",
    "nullable": "returns null where the schema does not allow it",
    "undocumented-status": "answers {name}, which is not documented",
    "missing-operation": "answers only 404/405: `{name}` is not served at its documented path",
}


def sentence(finding: DriftFinding) -> str:
    """What the target does, in words; any other validator keyword (pattern, format, bounds)
    reads as the keyword and its value."""
    template = SENTENCES.get(finding.kind, "returns values that break `{kind}: {name}`")
    return template.format(name=finding.name, kind=finding.kind)


def as_json(report: DriftReport, overlay_file: str | None) -> dict[str, object]:
    return {
        "target": report.target,
        "spec": report.spec_path,
        "spec_version": report.spec_version,
        "observations": report.observations,
        "findings": [f.as_dict() for f in report.findings],
        "groups": {
            "documented_violated": [f.as_dict() for f in report.violated()],
            "inferred_contradicted": [f.as_dict() for f in report.contradicted()],
            "inferred_confirmed": sorted(report.confirmed),
        },
        "exercised_elements": report.exercised,
        "statuses": report.statuses,
        "unprepared": report.unprepared,
        "overlay": overlay_file,
    }


def dumps(report: DriftReport, overlay_file: str | None) -> str:
    return json.dumps(as_json(report, overlay_file), indent=2, ensure_ascii=False, default=str)


def _table(findings: list[DriftFinding]) -> list[str]:
    if not findings:
        return ["None.", ""]
    lines = [
        (
            "| kind | what the target does | spec node to change | element (provenance) "
            "| operations | seen |"
        ),
        "|---|---|---|---|---|---|",
    ]
    for f in findings:
        where = ", ".join(f"`{p}`" for p in f.instance_paths[:2]) or "status line"
        what = f"{sentence(f)} ({where})".replace("|", "\\|")  # a pattern may hold a "|"
        lines.append(
            f"| {f.kind} | {what} | `{f.location}` | `{f.element}` "
            f"({f.provenance}) | {', '.join(f.operations)} | {f.count} |"
        )
    return [*lines, ""]


def markdown(report: DriftReport, overlay_file: str | None) -> str:
    lines = [
        "# Drift report",
        "",
        f"- target: {report.target}",
        f"- spec: `{report.spec_path}` (version {report.spec_version})",
        f"- responses judged: {report.observations}; findings: {len(report.findings)}",
        f"- spec elements exercised: {len(report.exercised)}; inferred ones confirmed: "
        f"{len(report.confirmed)}",
        "",
        "## Documented elements violated",
        "",
        "Elements the docs (or the seed pages) vouch for, and the target disagrees with.",
        "",
        *_table(report.violated()),
        "## Inferred elements contradicted",
        "",
        "Our reconstruction guessed, and the target answered otherwise.",
        "",
        *_table(report.contradicted()),
        "## Inferred elements confirmed",
        "",
        "Reconstructed elements the target exercised without a finding.",
        "",
    ]
    lines += [f"- `{pointer}`" for pointer in sorted(report.confirmed)] or ["None."]
    lines.append("")
    if report.unprepared:
        lines += [
            "## Blocked",
            "",
            "The target refused the setup of these cases, so they were"
            " not observed; grouped by the operation that refused:",
            "",
        ]
        blocked: dict[str, list[dict[str, str]]] = {}
        for u in report.unprepared:
            blocked.setdefault(u.get("blocked_by", "setup"), []).append(u)
        for operation, cases in sorted(blocked.items()):
            keys = ", ".join(u["key"] for u in cases[:8]) + (", ..." if len(cases) > 8 else "")
            lines.append(
                f"- blocked by {operation}: {len(cases)} cases ({keys}); first: "
                f"{cases[0]['reason']}"
            )
        lines.append("")
    lines += ["## Patch", ""]
    if overlay_file and report.findings:
        lines += [
            f"`{overlay_file}` is an OpenAPI Overlay 1.0 document with one change per finding. "
            "Review it, then apply it:",
            "",
            "```",
            f"ordermesh-conformance drift --apply-overlay {overlay_file} "
            f"--spec {report.spec_path} --out {report.spec_path}",
            "```",
        ]
    elif report.violated():  # the API's defects, unless the target is a version to adopt
        lines.append(
            "Nothing to patch: documented elements the target violates are not patched. When the "
            "target is a new version to adopt, run drift again with `--patch-documented`."
        )
    else:
        lines.append("Nothing to patch.")
    return "\n".join(lines) + "\n"
