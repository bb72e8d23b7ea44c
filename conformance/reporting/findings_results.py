"""Allure results for the contract findings no test failed on.

The contract gate reports what the machinery read that broke the spec, and the test that read it
goes on (contract.py: fail forward). So such a finding may belong to no failed test; the HTML
report still shows it, as a result of its own under its operation's place in the docs tree, with
its category, so Allure's Categories tab files it where summary.json does.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from pathlib import Path
from typing import Any

from conformance.failures.categories import CATEGORY_LABEL
from conformance.reporting.allure_steps import PROVENANCE_LABEL, docs_sections
from spec import Spec

GATE = "contract gate"  # the `source` of a failure record the gate's listener wrote


def write_findings(results_dir: Path, failures: list[dict[str, Any]], spec: Spec) -> int:
    """One failed Allure result per gate finding; returns how many were written."""
    findings = [f for f in failures if f.get("source") == GATE]
    results_dir.mkdir(parents=True, exist_ok=True)
    now = int(time.time() * 1000)
    for finding in findings:
        result = _result(finding, spec, now)
        (results_dir / f"{result['uuid']}-result.json").write_text(
            json.dumps(result), encoding="utf-8"
        )
    return len(findings)


def _result(finding: dict[str, Any], spec: Spec, now: int) -> dict[str, Any]:
    operation_id = finding["operation"]
    try:
        operation = spec.operation(operation_id)
        place = {
            "epic": docs_sections(spec).get(operation.tag, operation.tag),
            "feature": operation.docs_title,
            PROVENANCE_LABEL: operation.provenance,
        }
    except KeyError:
        place = {"epic": "Contract findings", "feature": operation_id}
    seen = finding.get("seen_at") or {}
    name = f"{finding['check']} failed: {operation_id} (an answer the suite read)"
    labels = {**place, "story": operation_id, CATEGORY_LABEL: finding["category"]}
    return {
        "uuid": str(uuid.uuid4()),
        "historyId": hashlib.md5(f"gate:{operation_id}:{finding['check']}".encode()).hexdigest(),
        "name": name,
        "fullName": name,
        "status": "failed",
        "stage": "finished",
        "start": now,
        "stop": now,
        "statusDetails": {
            "message": finding["message"],
            "trace": "\n".join(
                [
                    f"also seen at: {', '.join(seen)}" if seen else "",
                    finding.get("reproduction", ""),
                ]
            ).strip(),
        },
        "labels": [{"name": k, "value": str(v)} for k, v in labels.items()],
    }
