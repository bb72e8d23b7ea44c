"""The detection matrix as a terminal table, selftest.md and selftest.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from conformance.selftest.matrix import CleanResult, FaultResult, RowResult

HEADERS = (
    "fault",
    "category",
    "profile",
    "suite",
    "detected by",
    "at",
    "first (s)",
    "plain st",
    "plain st checks",
)


@dataclass
class Matrix:
    faults: list[FaultResult]
    clean: list[CleanResult]
    profile: str
    seed: int
    total_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)  # several faults in one whole run

    @property
    def clean_passed(self) -> bool:
        return bool(self.clean) and all(c.passed for c in self.clean)

    @property
    def missed(self) -> list[FaultResult]:
        return [f for f in self.faults if not f.detected]

    @property
    def passed(self) -> bool:
        if self.rows and not all(r.passed for r in self.rows):
            return False
        if not self.faults and not self.clean:  # a selftest of rows only
            return bool(self.rows)
        return not self.missed and self.clean_passed


ROW_HEADERS = ("row", "profile", "faults", "named", "missed", "suite errors", "tested", "run (s)")


def row_rows(matrix: Matrix) -> list[tuple[str, ...]]:
    def cell(result: RowResult) -> tuple[str, ...]:
        named = "; ".join(f"{f}: {', '.join(where)}" for f, where in result.named.items())
        missed = "; ".join(f"{f}: {why}" for f, why in result.missed.items())
        return (
            result.name,
            result.profile,
            str(len(result.faults)),
            named or "-",
            (missed or "-") + (f" ({result.problem})" if result.problem else ""),
            str(result.suite_errors),
            result.tested or "-",
            f"{result.run_seconds:.0f}",
        )

    return [cell(r) for r in matrix.rows]


def rows_line(matrix: Matrix) -> str:
    named = sum(len(r.named) for r in matrix.rows)
    total = sum(len(r.faults) for r in matrix.rows)
    passed = sum(r.passed for r in matrix.rows)
    return f"several-faults rows: {passed}/{len(matrix.rows)} passed, {named}/{total} faults named"


def _plain_cells(result: FaultResult) -> tuple[str, str]:
    if result.plain is None:
        return "-", ""
    if result.plain.problem and not result.plain.detected:
        return "error", result.plain.problem
    return ("yes" if result.plain.detected else "no"), ", ".join(result.plain.checks)


def rows(matrix: Matrix) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for result in matrix.faults:
        plain, plain_checks = _plain_cells(result)
        out.append(
            (
                result.name,
                result.category,
                result.profile or "-",
                "yes" if result.detected else "NO",
                ", ".join(result.detected_by) or (result.problem or ""),
                ", ".join(result.detected_at),
                "-" if result.seconds is None else f"{result.seconds:.1f}",
                plain,
                plain_checks,
            )
        )
    return out


def totals_line(matrix: Matrix) -> str:
    detected = sum(f.detected for f in matrix.faults)
    with_plain = [f for f in matrix.faults if f.plain is not None]
    plain = sum(bool(f.plain and f.plain.detected) for f in with_plain)
    parts = [f"suite detected {detected}/{len(matrix.faults)}"]
    if with_plain:
        parts.append(f"plain Schemathesis {plain}/{len(with_plain)}")
    for target in sorted({c.target for c in matrix.clean}) or ["mock"]:
        clean = ", ".join(
            f"seed {c.seed} {'passed' if c.passed else 'FAILED: ' + (c.problem or '')}"
            for c in matrix.clean
            if c.target == target
        )
        parts.append(f"clean {target}: {clean or 'not run'}")
    parts.append(f"profile {matrix.profile}, seed {matrix.seed}, {matrix.total_seconds:.0f} s")
    return "; ".join(parts)


def _aligned(headers: tuple[str, ...], body: list[tuple[str, ...]]) -> list[str]:
    table = [headers, *body]
    widths = [max(len(r[i]) for r in table) for i in range(len(headers))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def terminal(matrix: Matrix) -> str:
    lines = _aligned(HEADERS, rows(matrix)) if matrix.faults else []
    if matrix.rows:
        lines += ["", *_aligned(ROW_HEADERS, row_rows(matrix)), "", rows_line(matrix)]
    if matrix.faults or matrix.clean:
        lines += ["", totals_line(matrix)]
    lines.append("PASSED" if matrix.passed else "FAILED")
    return "\n".join(lines).lstrip("\n")


def _md(cell: str) -> str:
    return cell.replace("|", "\\|")


def markdown(matrix: Matrix) -> str:
    lines = [
        "# Selftest: seeded mock faults vs. the suite",
        "",
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join("---" for _ in HEADERS) + "|",
    ]
    lines += ["| " + " | ".join(_md(c) for c in r) + " |" for r in rows(matrix)]
    lines += ["", totals_line(matrix) + ".", ""]
    if matrix.rows:
        lines += [
            "## Several faults at once (whole runs)",
            "",
            "| " + " | ".join(ROW_HEADERS) + " |",
            "|" + "|".join("---" for _ in ROW_HEADERS) + "|",
            *("| " + " | ".join(_md(c) for c in r) + " |" for r in row_rows(matrix)),
            "",
            rows_line(matrix) + ".",
            "",
        ]
    failing_clean = [c for c in matrix.clean if not c.passed]
    for clean in failing_clean:
        lines.append(f"Clean {clean.target}, seed {clean.seed}: {clean.problem}")
        lines += [f"- {f['operation']}: {f['check']}: {f['title']}" for f in clean.failures[:20]]
        lines.append("")
    lines += [f"- {note}" for note in matrix.notes]
    return "\n".join(lines).rstrip() + "\n"


def as_json(matrix: Matrix) -> dict[str, object]:
    return {
        "passed": matrix.passed,
        "profile": matrix.profile,
        "seed": matrix.seed,
        "total_seconds": round(matrix.total_seconds, 1),
        "detected": sum(f.detected for f in matrix.faults),
        "total": len(matrix.faults),
        "plain_schemathesis_detected": sum(
            bool(f.plain and f.plain.detected) for f in matrix.faults
        ),
        "faults": [f.as_json() for f in matrix.faults],
        "clean_passed": matrix.clean_passed,
        "clean": [c.__dict__ for c in matrix.clean],
        "rows": [r.as_json() for r in matrix.rows],
        "rows_passed": all(r.passed for r in matrix.rows),
    }


def write(matrix: Matrix, reports_dir: Path) -> tuple[Path, Path]:
    reports_dir.mkdir(parents=True, exist_ok=True)
    md_path, json_path = reports_dir / "selftest.md", reports_dir / "selftest.json"
    md_path.write_text(markdown(matrix), encoding="utf-8")
    json_path.write_text(json.dumps(as_json(matrix), indent=2), encoding="utf-8")
    return md_path, json_path
