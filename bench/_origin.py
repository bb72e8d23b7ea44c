"""For the latency bench: tags each request a run sends with who sent it, from the call stack.

bench_latency.py loads it as a pytest plugin into our run's pytest process (`-p _origin`, with
bench/ on PYTHONPATH), so the suite's code stays untouched, and into the plain `st run` through
its hooks file (bench/_origin_st.py). It wraps the two places every request of the
suite passes (httpx `Client.send`: our client, token provider and checks; requests
`HTTPAdapter.send`: Schemathesis' `case.call` and its own checks) and adds an `X-Bench-Origin`
header naming the sender, found by walking the call stack from the innermost frame outwards:
the first frame that matches a rule below names the kind, and the next outer frame of another
kind, if any, says what it ran for ("setup (in single-violation probe)"). The lifecycle
scenarios' requests are named by the module and function of conformance/stateful/ that sent
them ("lifecycle audit_logs.AuditLogs.read"), since one label would hide which of their reads
dominate. A request sent from a thread pool (conformance/transport/together.py's reads sent
together, the
cleanup's cancels) is named by the stack that handed it to the pool when its own stack names no
sender. The delay proxy counts by that header and strips it before the mock sees the request.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
import requests.adapters

HEADER = "X-Bench-Origin"
ST_CHECKS = "schemathesis/specs/openapi/checks.py"
GENERATED = "generated case"
LIFECYCLE = "conformance/stateful/"  # its requests are named by module and function, see _kind
# (file path ending, function name or None for any, kind); first match in the stack wins.
RULES: tuple[tuple[str, str | None, str], ...] = (
    # auth.py also wraps every authenticated request (send_renewing): only the fetch is a token.
    ("conformance/transport/auth.py", "_post", "token"),
    ("conformance/machinery/factory.py", "cancel", "cleanup"),
    ("conformance/machinery/factory.py", None, "setup"),
    ("conformance/machinery/preparers.py", None, "setup"),
    ("conformance/machinery/shipment_preparers.py", None, "setup"),
    ("conformance/machinery/preparation.py", None, "setup"),
    ("conformance/checks/snapshots.py", "take", "snapshot before write"),
    ("conformance/checks/audit.py", None, "audit-log read"),
    ("conformance/checks/read_after_write.py", None, "read-after-write"),
    ("conformance/checks/tenant.py", None, "tenant-B read"),
    ("conformance/checks/listing.py", None, "paging/filter read"),
    ("conformance/checks/constraints.py", None, "single-violation probe"),
    ("conformance/suites/runner.py", "call_and_check", GENERATED),
    ("conformance/suites/test_links.py", None, "link scenario"),
    ("conformance/suites/test_lifecycle.py", None, "lifecycle scenario"),
    ("schemathesis/engine/run/probes.py", None, "st capability probe"),
)
NO_CONTEXT = {"token", GENERATED}
_unmatched = "other (suite)"  # what a request no rule matches is: install() sets it
_handed = threading.local()  # in a pool thread: the sender named by the stack that submitted


def _kind(frame: FrameType) -> str | None:
    filename = frame.f_code.co_filename.replace("\\", "/")
    if filename.endswith(ST_CHECKS):
        return "st check " + _st_check_name(frame)
    if LIFECYCLE in filename:  # target.py only sends: the caller says what for
        if filename.endswith("/target.py"):
            return None
        return f"lifecycle {Path(filename).stem}.{frame.f_code.co_qualname}"
    for ending, function, kind in RULES:
        if (filename.endswith(ending) or (ending.endswith("/") and ending in filename)) and (
            function is None or frame.f_code.co_name == function
        ):
            return kind
    return None


def _st_check_name(frame: FrameType) -> str:
    """The outermost of the consecutive frames in Schemathesis' checks module: the check itself
    rather than one of its helpers."""
    name = frame.f_code.co_name
    while frame.f_back is not None and frame.f_back.f_code.co_filename.endswith(ST_CHECKS):
        frame = frame.f_back
        if not frame.f_code.co_name.startswith("_") and frame.f_code.co_name != "wrapper":
            name = frame.f_code.co_name
    return name


def origin(frame: FrameType | None) -> str:
    """The sender of the request being sent from `frame`'s stack, as described above."""
    first = None
    while frame is not None:
        kind = _kind(frame)
        if kind and first is None:
            first = kind
            if first in NO_CONTEXT:
                return first
        elif kind and kind != first and not _same_family(first, kind):
            return first if kind == GENERATED else f"{first} (in {kind})"
        frame = frame.f_back
    return first or getattr(_handed, "origin", None) or _unmatched


def _same_family(first: str, kind: str) -> bool:
    """No context from a Schemathesis check, nor from one lifecycle function for another."""
    if kind.startswith("st check"):
        return True
    return first.startswith("lifecycle ") and kind.startswith("lifecycle ")


def _tagging(send: Callable[..., Any]) -> Callable[..., Any]:
    def tagged_send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        request.headers[HEADER] = origin(sys._getframe(1))
        return send(self, request, *args, **kwargs)

    return tagged_send


def _handing_over(submit: Callable[..., Any]) -> Callable[..., Any]:
    def submit_named(self: Any, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        sender = origin(sys._getframe(1))

        def named(*inner: Any, **inner_kw: Any) -> Any:
            _handed.origin = sender
            try:
                return fn(*inner, **inner_kw)
            finally:
                _handed.origin = None

        return submit(self, named, *args, **kwargs)

    return submit_named


def install(unmatched: str) -> None:
    """Tag every request this process sends from now on; `unmatched` names the ones no rule
    matches (in a plain `st run`: its generated cases)."""
    global _unmatched
    _unmatched = unmatched
    httpx.Client.send = _tagging(httpx.Client.send)
    requests.adapters.HTTPAdapter.send = _tagging(requests.adapters.HTTPAdapter.send)
    ThreadPoolExecutor.submit = _handing_over(ThreadPoolExecutor.submit)


def pytest_configure(config: Any) -> None:
    install("other (suite)")
