"""reports/summary.md: the run in Markdown, as GitHub's step summary shows it.

A release manager reads this in the CI page before opening the report: the verdict, what is new
since the previous run, a pass/fail table per docs section, then every failure with the line
that reproduces it. CI appends it with `cat reports/summary.md >> "$GITHUB_STEP_SUMMARY"`.
"""

from __future__ import annotations

from collections import defaultdict

from conformance.coverage.table import coverage_markdown
from conformance.exit_codes import Exit
from conformance.failures.baseline import known_fingerprints
from conformance.failures.categories import API_DEFECT, CONTRADICTED, OBSERVED_VIOLATED
from conformance.reporting.allure_steps import docs_sections
from conformance.reporting.exit_outputs import explanation, verdict
from conformance.reporting.outcome import FailureRecord, RunOutcome
from spec import Spec

MAX_FAILURES = 50  # the step summary has a size limit; the report has them all


def reproduction_line(failure: FailureRecord) -> str:
    """The one line to paste: the `ordermesh-conformance run` replay, else the first command."""
    if failure.get("replay"):
        return str(failure["replay"])
    lines = [ln.strip() for ln in (failure.get("reproduction") or "").splitlines() if ln.strip()]
    for line in lines:
        if "ordermesh-conformance run" in line:
            return line[line.index("ordermesh-conformance run") :]
    for line in lines:  # a lifecycle failure: a pytest snippet, attached in the report
        if "pytest this_file.py" in line:
            return f"{line}   # this_file.py: the snippet attached to the failed scenario"
    return next((ln for ln in lines if not ln.startswith("#")), lines[0] if lines else "-")


def section_rows(summary: RunOutcome, spec: Spec) -> list[str]:
    sections = docs_sections(spec)
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for op in spec.operations:
        entry = summary["operations"].get(op.operation_id)
        if not entry:
            continue
        row = rows[sections.get(op.tag, op.tag)]
        row["operations"] += 1
        row["tested"] += entry["tested"]
        row["cases"] += entry["cases"]
        row["failing"] += bool(entry["failures"])
    lines = [
        "| docs section | result | operations tested | cases | failing operations |",
        "|---|---|---|---|---|",
    ]
    for name in dict.fromkeys(sections.values()):
        row = rows.get(name, {})
        if not row:
            continue
        verdict = "❌ fail" if row["failing"] else ("✅ pass" if row["tested"] else "⚪ not run")
        lines.append(
            f"| {name} | {verdict} | {row['tested']}/{row['operations']} | {row['cases']} "
            f"| {row['failing']} |"
        )
    life = summary["lifecycle"]
    # The scenarios' own checks are named lifecycle_* (conformance/stateful).
    failing = life.get("failed") or any(
        f["check"].startswith("lifecycle_") for f in summary["failures"]
    )
    lines.append(
        f"| Lifecycle (state table) | {'❌ fail' if failing else '✅ pass'} "
        f"| states {life['states_covered']}/{life['states_total']}, transitions "
        f"{life['transitions_covered']}/{life['transitions_total']} | - | - |"
    )
    return lines


KINDS = (
    (API_DEFECT, "API defects: documented behaviour violated"),
    (CONTRADICTED, "Spec inferences contradicted: our guess was wrong (overlay proposed)"),
    (OBSERVED_VIOLATED, "Observed behaviour violated: the API changed since an overlay"),
)


def kind_lines(summary: RunOutcome) -> list[str]:
    """The three kinds of failure apart, and the spec corrections the run proposes."""
    failures = summary["failures"]
    proposal = summary.get("spec_overlay") or {}
    if not failures and not proposal.get("applied"):
        return []
    lines = ["### What broke, by whose account", ""]
    for kind, heading in KINDS:
        named = sorted(
            {f"{f['operation']} ({f['check']})" for f in failures if f.get("kind") == kind}
        )
        lines.append(f"- **{heading}**: {len(named)}" + (f" · {', '.join(named)}" if named else ""))
    if proposal.get("path"):
        lines.append(
            f"- Proposed spec corrections: `{proposal['path']}` ({proposal['actions']} overlay "
            "actions). Review it, keep it beside the spec, and run again with "
            f"`--overlay {proposal['path']}`."
        )
    for overlay in proposal.get("applied") or ():
        lines.append(f"- Overlay applied: `{overlay}`")
    for overrode in proposal.get("overrode_documented") or ():
        lines.append(f"- ⚠️ An overlay overrode a documented element: {overrode}")
    return [*lines, ""]


def failure_lines(summary: RunOutcome) -> list[str]:
    new_ops = {e.get("story") for e in summary.get("new_failures") or ()}
    known = known_fingerprints(summary)  # listed apart, by baseline_markdown
    failures = [f for f in summary["failures"] if f.get("fingerprint") not in known]
    ordered = sorted(failures, key=lambda f: f["operation"] not in new_ops)
    lines = []
    for failure in ordered[:MAX_FAILURES]:
        mark = "🆕 " if failure["operation"] in new_ops else ""
        lines.append(
            f"- {mark}**{failure['operation']}** · {failure['check']} · *{failure['category']}*: "
            f"{failure['title']}  \n  `{reproduction_line(failure)}`"
        )
    if len(ordered) > MAX_FAILURES:
        lines.append(f"- … and {len(ordered) - MAX_FAILURES} more in summary.json and the report")
    return lines


def render_markdown(summary: RunOutcome, spec: Spec) -> str:
    totals = summary["totals"]
    lines = [
        f"## OrderMesh conformance: {verdict(summary)}",
        "",
        *explanation(summary),
        f"Seed `{summary['seed']}` · profile `{summary['profile']}` · target "
        f"`{summary['target'] or 'embedded mock'}` · spec {summary['spec_version']} · "
        f"{summary['duration_seconds']} s · {totals['cases']} cases · "
        f"{totals['failures']} distinct failures",
        "",
    ]
    if summary.get("error"):
        lines += [f"**Error:** {summary['error']}", ""]
    if summary.get("checks_not_run"):
        lines += ["### Checks that did not run", ""]
        lines += [f"- **{check}**: {why}" for check, why in summary["checks_not_run"].items()]
        lines.append("")
    if not totals["cases"] and summary.get("exit_code") == Exit.TARGET:
        return "\n".join([*lines, "Nothing was tested."]) + "\n"
    new, fixed = summary.get("new_failures"), summary.get("fixed_since_last")
    if new is None:
        lines += [
            "No history point for this run to compare with (no HTML report built, or a merge).",
            "",
        ]
    elif summary.get("previous_run") is None:
        lines += ["First run with this history file: nothing to compare with yet.", ""]
    else:
        lines += [f"### New since the previous run: {len(new)}", ""]
        lines += [f"- 🆕 **{e['section']}** · {e['test']} ({e['status']})" for e in new]
        lines += [f"- ✅ fixed: **{e['section']}** · {e['test']}" for e in fixed or ()]
        lines.append("")
    lines += ["### By docs section", "", *section_rows(summary, spec), ""]
    lines += coverage_markdown(summary.get("coverage"))
    lines += kind_lines(summary)
    failures = failure_lines(summary)
    if failures:
        lines += ["### Failures (new first), each with its reproduction", "", *failures, ""]
    lines += baseline_markdown(summary)
    return "\n".join(lines).rstrip("\n") + "\n"


def baseline_markdown(summary: RunOutcome) -> list[str]:
    """The known failures (--baseline), which do not fail the run, and the fixed ones."""
    section = summary.get("baseline")
    if not section:
        return []
    lines = [
        f"### Baseline `{section['file']}`: {len(section['known'])} known, "
        f"{len(section['new'])} new, {len(section['fixed'])} fixed",
        "",
    ]
    for mark, key in (("known", "known"), ("✅ fixed", "fixed")):
        lines += [
            f"- {mark} `{e['id']}` **{e['operation']}** · {e['check']} · {e['title']}"
            for e in section[key]
        ]
    return lines
