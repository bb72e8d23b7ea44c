"""The comparison column: a plain `st run` (Schemathesis CLI, default checks) on the same fault.

Same spec, same faulty mock, same operations, phases, examples per operation and seed as the
suite's run; only our preparation, strategies and project checks are missing. That difference
is what the column shows.
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from conformance.config.settings import Profile
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread
from spec import SPEC_PATH


@dataclass
class PlainResult:
    detected: bool
    checks: list[str] = field(default_factory=list)  # Schemathesis checks that failed
    seconds: float | None = None
    problem: str | None = None  # set when the run could not be judged


def st_executable() -> str | None:
    beside = Path(sys.executable).with_name("st")
    return str(beside) if beside.exists() else shutil.which("st")


@functools.cache
def check_of_failure_type() -> dict[str, str]:
    """Failure class name (what st's JSON report names) -> the check that raises it."""
    import schemathesis.specs.openapi.checks  # noqa: F401  (defines the OpenAPI failure classes)
    from schemathesis.core.failures import Failure

    names: dict[str, str] = {}
    pending = [Failure]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if getattr(cls, "checks", ()):
            names[cls.__name__] = cls.checks[0]
    return names


class _DropMalformedRequestWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "Invalid HTTP request" not in record.getMessage()


@functools.cache
def quiet_malformed_request_warnings() -> None:
    """st probes the server with malformed requests on purpose; uvicorn would log each one.
    A filter, not a level: every new uvicorn server resets the logger's level."""
    logging.getLogger("uvicorn.error").addFilter(_DropMalformedRequestWarnings())


def plain_command(
    st: str,
    base_url: str,
    token: str,
    profile: Profile,
    seed: int,
    operations: list[str],
    report: Path,
) -> list[str]:
    command = [
        st,
        "run",
        str(SPEC_PATH),
        "--url",
        base_url,
        "-H",
        f"Authorization: Bearer {token}",
        "--phases",
        ",".join(profile.phases),
        "--max-examples",
        str(profile.max_examples),
        "--seed",
        str(seed),
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    for operation_id in operations:
        command += ["--include-operation-id", operation_id]
    return command


def run_plain(
    fault: str, operations: list[str], profile: Profile, seed: int, reports: Path, timeout: float
) -> PlainResult:
    st = st_executable()
    if st is None:
        return PlainResult(False, problem="the Schemathesis CLI `st` is not installed")
    quiet_malformed_request_warnings()
    token = secrets.token_urlsafe(16)  # a throwaway bearer for this mock only
    reports.mkdir(parents=True, exist_ok=True)
    report, log = reports / "plain-schemathesis.json", reports / "plain-schemathesis.log"
    report.unlink(missing_ok=True)
    base_url, stop = run_in_thread(MockConfig(faults=(fault,), token=token))
    try:
        with log.open("w", encoding="utf-8") as out:
            command = plain_command(st, base_url, token, profile, seed, operations, report)
            subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return PlainResult(False, problem=f"st run stopped after {timeout:.0f} s")
    finally:
        stop()
    return judge_plain(report)


def judge_plain(report: Path) -> PlainResult:
    if not report.exists():
        return PlainResult(False, problem=f"st wrote no report ({report.with_suffix('.log')})")
    data = json.loads(report.read_text(encoding="utf-8"))
    names = check_of_failure_type()
    checks = sorted({names.get(f.get("type", ""), f.get("type", "?")) for f in data["failures"]})
    errors = data.get("errors") or []
    problem = f"{len(errors)} errors in the st run" if errors and not checks else None
    return PlainResult(bool(checks), checks, round(data.get("running_time", 0.0), 1), problem)
