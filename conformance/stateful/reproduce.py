"""Turn the steps of a failing walk into something a person can run: a pytest snippet that
replays the steps with every check, and a curl script of the same requests.

Server-side ids differ on every run, so the curl script captures each id from the response
that made it (with jq) and uses the variable in later requests.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from typing import Any

from conformance.config.settings import MOCK_MERCHANT_A, RunSettings, credentials_from, new_run_id
from conformance.stateful.driver import Driver, Step
from conformance.stateful.scenarios import run_steps
from conformance.transport import auth, curl_auth
from conformance.transport.client import Exchange
from spec import load_spec

ID_PATTERN = re.compile(
    r"^(?:[0-9a-f]{24}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


def replay(steps: list[Step], base_url: str | None = None) -> Driver:
    """Run `steps` against ORDERMESH_BASE_URL (or `base_url`) with ORDERMESH_* credentials
    (merchant A of the mock when none are set); raises what the steps expose."""
    from conformance.machinery.harness import Harness
    from conformance.stateful.target import Target

    url = base_url or os.environ.get("ORDERMESH_BASE_URL")
    if not url:
        raise ValueError("set ORDERMESH_BASE_URL to the target to replay against")
    credentials = credentials_from({}, dict(os.environ), {}, "ORDERMESH_")
    if credentials.kind is None:
        credentials = MOCK_MERCHANT_A
    settings = RunSettings(base_url=url, credentials=credentials, run_id=new_run_id())
    harness = Harness.build(settings)
    driver = Driver(Target.from_harness(harness))
    try:
        run_steps(driver, steps)
    finally:
        harness.close()
    return driver


def pytest_snippet(
    steps: list[Step],
    headline: str,
    seed: int,
    faults: tuple[str, ...],
    target: str | None = None,
) -> str:
    """`target`: the run's live target (None: the run's embedded mock, which a replay starts
    again as `mock` with the run's faults)."""
    mock = "ordermesh-conformance mock --port 8080" + "".join(f" --fault {f}" for f in faults)
    where = (
        ["With the run's ORDERMESH_* credentials set:"]
        if target
        else [f"Start the target (e.g. `{mock}`), then:"]
    )
    url = shlex.quote(target or "http://127.0.0.1:8080")
    lines = [
        f'"""Reproduce: {headline} (seed {seed}).',
        "",
        *where,
        f"    ORDERMESH_BASE_URL={url} pytest this_file.py",
        '"""',
        "",
        "from conformance.stateful.driver import Step",
        "from conformance.stateful.reproduce import replay",
        "",
        "STEPS = [",
        *(f"    Step({s.action!r}, {s.args!r})," for s in steps),
        "]",
        "",
        "",
        "def test_reproduce():",
        "    replay(STEPS)",
        "",
    ]
    return "\n".join(lines)


CURL_PRELUDE = r"""#!/usr/bin/env bash
# Reproduce: {headline} (seed {seed})
# Needs curl and jq. Set ORDERMESH_BASE_URL and {credentials}.
set -euo pipefail
BASE_URL="${{ORDERMESH_BASE_URL:?set ORDERMESH_BASE_URL}}"
TAG="repro-$(date +%s)-$RANDOM"
if [ -z "${{ORDERMESH_TOKEN:-}}" ]; then
  {token_line}
fi
call() {{  # METHOD PATH [JSON]: prints the status, leaves the body in $BODY
  local args=(-sS -X "$1" "$BASE_URL$2" -w '\n%{{http_code}}')
  args+=(-H "Authorization: Bearer $ORDERMESH_TOKEN")
  if [ $# -ge 3 ]; then args+=(-H 'Content-Type: application/json' -d "$3"); fi
  local out; out=$(curl "${{args[@]}}")
  BODY=${{out%$'\n'*}}; STATUS=${{out##*$'\n'}}
  echo "$1 $2 -> $STATUS"
}}
"""


def credentials_needed(kind: str | None) -> str:
    """The variables the script reads, for the kind of credentials the run used."""
    fields = auth.KIND_FIELDS.get(kind or "")
    names = [curl_auth.variable(field) for field in fields] if fields else []
    return " / ".join(names) + " (or ORDERMESH_TOKEN)" if names else "ORDERMESH_TOKEN"


def curl_script(
    steps: list[Step],
    final: list[Exchange],
    headline: str,
    seed: int,
    tag: str,
    base_url: str,
    kind: str | None = "client",
) -> str:
    """`final`: the reads that exposed the failure, replayed last with the body printed. `kind`:
    the credentials the run used, which the script fetches its token with."""
    known: dict[str, str] = {}  # id value -> shell variable
    prelude = CURL_PRELUDE.format(
        headline=headline,
        seed=seed,
        credentials=credentials_needed(kind),
        token_line=curl_auth.token_line(load_spec(), kind, "$BASE_URL"),
    )
    out = [prelude]
    for planned in steps:
        out.append(f"\n# step: {planned.title()}")
        for exchange in planned.exchanges:
            out.append(_call_line(exchange, known, tag, base_url))
            out += _captures(exchange, known)
    if final:
        out.append(f"\n# {headline}: the read below shows it")
        for exchange in final:
            out.append(_call_line(exchange, known, tag, base_url))
            out.append('echo "$BODY"')
    return "\n".join(out) + "\n"


def _substitute(text: str, known: dict[str, str], tag: str, quote: str) -> str:
    """Swap ids for their variables; `quote` is how to leave the surrounding quoting."""
    text = text.replace(tag, f"{quote}${{TAG}}{quote}")
    for value, variable in known.items():
        text = text.replace(value, f"{quote}${{{variable}}}{quote}")
    return text


def _call_line(exchange: Exchange, known: dict[str, str], tag: str, base_url: str) -> str:
    path = exchange.url.removeprefix(base_url.rstrip("/"))
    line = f'call {exchange.method} "{_substitute(path, known, tag, "")}"'
    if exchange.request_body:
        line += " " + _substitute(shlex.quote(exchange.request_body), known, tag, "'")
    return line


def _captures(exchange: Exchange, known: dict[str, str]) -> list[str]:
    """`VAR=$(jq ...)` for every new id in a successful response body."""
    if not 200 <= exchange.status < 300 or not exchange.response_body:
        return []
    try:
        body = json.loads(exchange.response_body)
    except ValueError:
        return []
    lines = []
    for path, value in _ids(body, ""):
        if value not in known:
            known[value] = f"ID{len(known) + 1}"
            lines.append(f"{known[value]}=$(jq -r '{path or '.'}' <<<\"$BODY\")")
    return lines


def _ids(node: Any, path: str):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _ids(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _ids(value, f"{path}[{index}]")
    elif isinstance(node, str) and ID_PATTERN.match(node):
        yield path, node
