"""`ordermesh-conformance mock`: run the mock on a real uvicorn server."""

from __future__ import annotations

import argparse
import gc
import socket
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import uvicorn

from ordermesh_mock.app import create_app
from ordermesh_mock.auth import Auth, mask
from ordermesh_mock.config import MockConfig
from ordermesh_mock.faults import BY_NAME, CATALOGUE
from ordermesh_mock.next_version import CHANGES


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ordermesh-conformance mock", description="Run the embedded OrderMesh mock."
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--db", metavar="FILE", help="persist to this SQLite file")
    p.add_argument("--fault", action="append", default=[], metavar="NAME", help="seed a fault")
    p.add_argument("--list-faults", action="store_true", help="print the fault catalogue")
    p.add_argument("--next-version", action="store_true",
                   help="behave as the next API version (see ordermesh_mock/next_version.py)")  # fmt: skip
    p.add_argument("--client-id", help="merchant A's client id")
    p.add_argument("--client-secret", help="merchant A's client secret")
    p.add_argument("--token", help="pre-issue this non-expiring bearer token (merchant A)")
    p.add_argument("--client-token-ttl", type=int, default=86400, metavar="SECONDS")
    p.add_argument("--log-level", default="warning")
    return p


def config_from_args(args: argparse.Namespace) -> MockConfig:
    return MockConfig(
        db=args.db,
        faults=tuple(args.fault),
        next_version=args.next_version,
        client_id=args.client_id,
        client_secret=args.client_secret,
        token=args.token,
        client_token_ttl=args.client_token_ttl,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.list_faults:
        width = max(len(f.name) for f in CATALOGUE)
        for f in CATALOGUE:
            print(f"{f.name:<{width}}  {f.category:<15}  {f.description}")
        return 0
    unknown = [n for n in args.fault if n not in BY_NAME]
    if unknown:
        print(
            f"error: unknown fault(s): {', '.join(unknown)}\nvalid faults: {', '.join(BY_NAME)}",
            file=sys.stderr,
        )
        return 2
    if (args.client_id is None) != (args.client_secret is None):
        print("error: --client-id and --client-secret go together", file=sys.stderr)
        return 2
    config = config_from_args(args)
    try:
        app = create_app(config)
    except (ValueError, sqlite3.DatabaseError) as exc:  # an unusable --db file
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(Auth(config).credentials_banner())
    if args.client_secret:
        print(f"  (client secret from --client-secret: {mask(args.client_secret)})")
    if config.faults:
        print(f"  seeded faults: {', '.join(config.faults)}")
    if config.next_version:
        print(f"  next-version changes: {', '.join(c.name for c in CHANGES)}")
    print(f"OrderMesh mock on http://{args.host}:{args.port} (db: {args.db or 'memory'})")
    sys.stdout.flush()
    # The spec, validators and a loaded --db file are long-lived: move them out of the
    # collector's sight so its full passes stay short (they showed up as p99 latency).
    gc.collect()
    gc.freeze()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level, access_log=False)
    return 0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def run_in_thread(
    config: MockConfig, host: str = "127.0.0.1", port: int | None = None, timeout: float = 10
) -> tuple[str, Callable[[], None]]:
    """Serve the mock from a background thread; returns (base_url, stop)."""
    return serve_app_in_thread(create_app(config), "ordermesh-mock", host, port, timeout)


def serve_app_in_thread(
    app: Any, name: str, host: str = "127.0.0.1", port: int | None = None, timeout: float = 10
) -> tuple[str, Callable[[], None]]:
    """Serve any ASGI app (the mock, a proxy, a test target) on uvicorn from a background
    thread; returns (base_url, stop). The socket is bound before the thread starts, so a free
    port cannot be taken by someone else in between."""
    sock = socket.socket()
    sock.bind((host, port or 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name=f"{name}-{port}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"{name} did not start on {host}:{port}")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout)
        sock.close()

    return f"http://{host}:{port}", stop


if __name__ == "__main__":
    raise SystemExit(main())
