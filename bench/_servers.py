"""Server subprocesses for the bench: start on a free loopback port, wait until ready, stop."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Server:
    name: str
    base_url: str
    proc: subprocess.Popen

    def rss_mb(self) -> float:
        """Resident set size of the server process, from /proc/PID/status VmRSS."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for {self.name} (pid {self.proc.pid})")


def http(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    token: str = "",
    timeout: float = 10,
) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextmanager
def serve(
    name: str, cmd: Sequence[str], ready_path: str, port: int, start_timeout: float
) -> Iterator[Server]:
    """Run `cmd` (which listens on `port`) until the block ends; ready once `ready_path` answers."""
    log = open(f"/tmp/bench-{name}-{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    server = Server(name, f"http://{HOST}:{port}", proc)
    try:
        deadline = time.monotonic() + start_timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"{name} exited with {proc.returncode}; see {log.name}"
                ) from None
            try:
                http(server.base_url + ready_path, timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{name} not ready after {start_timeout}s; see {log.name}"
                    ) from None
                time.sleep(0.1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


def mock_cmd(port: int, token: str, db: str | None = None) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "ordermesh_mock",
        "--host",
        HOST,
        "--port",
        str(port),
        "--token",
        token,
    ]
    return cmd + (["--db", db] if db else [])


def trivial_cmd(port: int) -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "_trivial.py"), "--port", str(port)]


def prism_cmd(port: int) -> list[str]:
    prism = ROOT / "node_modules" / ".bin" / "prism"
    return [str(prism), "mock", str(ROOT / "spec" / "ordermesh.yaml"), "-h", HOST, "-p", str(port)]
