"""The answers a run saw break the spec, kept as evidence for the overlay it proposes.

Each process of a run (the CLI, every pytest worker) appends the answers that broke a contract
check to a file of its own under REPORTS_DIR/.parts; at the end the CLI judges them all the way
`drift` judges its observations (conformance/drift), so the two propose the same overlay for
the same answers. Only a few answers per operation and status are kept: the first ones say what
the target does, the rest only repeat it.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from pathlib import Path

from conformance.drift.analyse import DriftFinding, analyse
from conformance.drift.observe import Observation
from conformance.drift.overlay import dump_overlay, propose_overlay
from conformance.reporting.stats import OVERLAY_FILE, PARTS_DIR
from spec import Spec

PER_ANSWER_KIND = 5  # answers kept per (operation, status)
# The checks whose failure is a statement about the spec's shape of an answer.
SHAPE_CHECKS = (
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)


class Evidence:
    """One process's evidence file."""

    def __init__(self, reports_dir: str) -> None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self.path = Path(reports_dir) / PARTS_DIR / f"evidence-{worker}-{os.getpid()}.jsonl"
        self._kept: Counter[tuple[str, int]] = Counter()
        self._lock = threading.Lock()

    def keep(self, operation_id: str, status: int, media_type: str | None, body: object) -> None:
        """Keep one answer that broke a shape check of `operation_id`."""
        with self._lock:
            if self._kept[operation_id, status] >= PER_ANSWER_KIND:
                return
            self._kept[operation_id, status] += 1
            self.path.parent.mkdir(parents=True, exist_ok=True)
            line = {"operation": operation_id, "status": status, "media": media_type, "body": body}
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(line, default=str) + "\n")


def collect(reports_dir: str) -> list[Observation]:
    """Every process's evidence, as drift observations."""
    observations: list[Observation] = []
    for path in sorted((Path(reports_dir) / PARTS_DIR).glob("evidence-*.jsonl")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines()):
            line = json.loads(text)
            observations.append(
                Observation(
                    key=f"{line['operation']}#{path.stem}:{number}",
                    operation_id=line["operation"],
                    source="evidence",  # not a prepared case: never "operation not served"
                    status=line["status"],
                    media_type=line["media"],
                    body=line["body"],
                )
            )
    return observations


def element_provenance(
    spec: Spec, operation_id: str, status: int, media_type: str | None, body: object
) -> str | None:
    """The provenance of what an answer broke, judged as drift judges it, so a failure's
    category and the overlay agree: `docs` when it breaks anything documented (the API's
    defect), else `observed` or `inferred`; None when drift finds nothing to judge."""
    answer = Observation("answer", operation_id, "evidence", status, media_type, body)
    found = {f.provenance for f in analyse(spec, "", [answer]).findings}
    if not found:
        return None
    if found - {"inferred", "observed"}:
        return "docs"
    return "observed" if "observed" in found else "inferred"


def propose(reports_dir: str, spec: Spec, target: str, run_id: str) -> dict[str, object]:
    """Judge the run's evidence as drift would; write REPORTS_DIR/spec.overlay.yaml when an
    inferred element was contradicted. Returns summary.json's `spec_overlay` section."""
    report = analyse(spec, target, collect(reports_dir))
    note = f"Observed by `ordermesh-conformance run` {run_id} against {target}; review."
    overlay = propose_overlay(spec.document, report, note)
    path = Path(reports_dir) / OVERLAY_FILE
    if overlay is not None:
        path.write_text(dump_overlay(overlay), encoding="utf-8")
    return {
        "path": str(path) if overlay is not None else None,
        "actions": len(overlay["actions"]) if overlay is not None else 0,
        "contradicted": [_finding(f) for f in report.contradicted()],
        "violated": [_finding(f) for f in report.violated()],
        "applied": list(spec.overlays),
        "overrode_documented": list(spec.overrode),
    }


def _finding(finding: DriftFinding) -> dict[str, object]:
    return {
        "kind": finding.kind,
        "element": finding.element,
        "name": finding.name,
        "operations": finding.operations,
        "seen": finding.examples[:3],
    }
