"""Run `wrk` against one URL and read its numbers back from a Lua `done()` summary (JSON line)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Printed by every script: wrk's own totals plus the latency percentiles we report (microseconds).
DONE = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d,'
    .. ' "status": %d, "timeout": %d, "p50": %d, "p95": %d, "p99": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

HEADERS = """
local auth = os.getenv("BENCH_AUTH")
if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
"""

# One unique safeId per request: a run nonce, the wrk thread number and a per-thread counter.
CREATE_ORDER = """
local threads_made = 0
function setup(thread)
  threads_made = threads_made + 1
  thread:set("tid", threads_made)
end
local counter = 0
local nonce = os.getenv("BENCH_NONCE") or "0"
local merchant = os.getenv("BENCH_MERCHANT")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function request()
  counter = counter + 1
  local safe = string.format("B%s-%d-%d", nonce, tid, counter)
  local body = '{"merchantId": "' .. merchant .. '", "externalId": "' .. safe
    .. '", "safeId": "' .. safe .. '", "currencyCode": "USD", "shippingAddress": {'
    .. '"firstName": "Ada", "lastName": "Lovelace", "line1": "1 Main St", "city": "Austin",'
    .. ' "zip": "73301", "countryCode": "US"}, "items": [{"sku": "TEE-RED-M-001",'
    .. ' "quantity": 2, "customerPrice": {"currency": "USD", "amount": 19.99}}]}'
  return wrk.format(nil, nil, nil, body)
end
"""

# Walks the result pages 1..BENCH_PAGES of the search query given as the URL.
PAGED = """
local page = 0
local pages = tonumber(os.getenv("BENCH_PAGES") or "50")
function request()
  page = page % pages + 1
  return wrk.format(nil, wrk.path .. "&page=" .. page)
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    errors: int  # socket errors plus non-2xx/3xx answers
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(
    url: str,
    *,
    duration: float,
    connections: int,
    threads: int = 2,
    script: str = "",
    env: dict[str, str] | None = None,
) -> WrkResult:
    """One bounded wrk run (`-d` plus a hard subprocess timeout); raise if wrk fails."""
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk not found on PATH (Debian package `wrk`)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write(HEADERS + script + DONE)
    try:
        cmd = [
            wrk,
            "-t",
            str(min(threads, connections)),
            "-c",
            str(connections),
            "-d",
            f"{max(1, round(duration))}s",
            "--timeout",
            "5s",
            "-s",
            lua.name,
            url,
        ]
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=duration + 30, env=env, check=False
        )
    finally:
        Path(lua.name).unlink(missing_ok=True)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("WRK_RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed on {url} (exit {proc.returncode}): {proc.stderr[-500:]}")
    data = json.loads(line.removeprefix("WRK_RESULT "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=errors,
        p50_ms=data["p50"] / 1000,
        p95_ms=data["p95"] / 1000,
        p99_ms=data["p99"] / 1000,
    )
