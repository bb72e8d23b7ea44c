"""`ordermesh-conformance mock`: the embedded mock on a real uvicorn server, for manual runs,
other tools (Prism, `st run`) and a second target for `compare`."""

from __future__ import annotations

import argparse
import sqlite3
import sys

from conformance.commands.usage import Usage
from conformance.config.settings import ConfigError
from conformance.config.suggestions import fault_problem
from conformance.exit_codes import Exit
from ordermesh_mock.app import create_app
from ordermesh_mock.auth import Auth, mask
from ordermesh_mock.config import MockConfig
from ordermesh_mock.faults import CATALOGUE
from ordermesh_mock.next_version import CHANGES
from ordermesh_mock.preload import preload
from ordermesh_mock.server import serve

USAGE = Usage(
    description="Run the embedded OrderMesh mock until interrupted; it prints the merchants' "
    "credentials it accepts.",
    examples=(
        "mock --port 8080",
        "mock --next-version --port 8081",
        "mock --fault create-order-200 --db mock.sqlite",
        "mock --list-faults",
    ),
    exits={Exit.OK: "stopped, or --list-faults printed", Exit.USAGE: "a bad flag or --db file"},
    codes=(Exit.OK, Exit.USAGE),
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    p.add_argument("--port", type=int, default=8080, help="port to listen on")
    p.add_argument("--db", metavar="FILE", help="persist to this SQLite file (default: memory)")
    p.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="seed a fault (repeatable; see --list-faults)",
    )
    p.add_argument("--list-faults", action="store_true", help="print the fault catalogue")
    p.add_argument(
        "--next-version",
        action="store_true",
        help="behave as the next API version (see ordermesh_mock/next_version.py)",
    )
    p.add_argument("--client-id", help="merchant A's client id (default: the mock's own)")
    p.add_argument("--client-secret", help="merchant A's client secret (default: the mock's own)")
    p.add_argument("--token", help="pre-issue this non-expiring bearer token (merchant A)")
    p.add_argument(
        "--client-token-ttl",
        type=int,
        default=86400,
        metavar="SECONDS",
        help="lifetime of client-credentials tokens",
    )
    p.add_argument("--log-level", default="warning", help="uvicorn's log level")
    p.add_argument(
        "--preload",
        type=int,
        default=0,
        metavar="N",
        help="start holding N orders of each merchant (default: 0, an empty mock)",
    )


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


def usage_error(args: argparse.Namespace) -> str | None:
    problem = fault_problem(args.fault)
    if problem:
        return problem
    if (args.client_id is None) != (args.client_secret is None):
        return "--client-id and --client-secret go together"
    if args.preload < 0:
        return f"--preload must be 0 or more, got {args.preload}"
    return None


def list_faults() -> None:
    width = max(len(f.name) for f in CATALOGUE)
    for f in CATALOGUE:
        print(f"{f.name:<{width}}  {f.category:<15}  {f.description}")


def banner(config: MockConfig, args: argparse.Namespace) -> None:
    print(Auth(config).credentials_banner())
    if args.client_secret:
        print(f"  (client secret from --client-secret: {mask(args.client_secret)})")
    if config.faults:
        print(f"  seeded faults: {', '.join(config.faults)}")
    if config.next_version:
        print(f"  next-version changes: {', '.join(c.name for c in CHANGES)}")
    print(f"OrderMesh mock on http://{args.host}:{args.port} (db: {args.db or 'memory'})")
    sys.stdout.flush()


def handle(args: argparse.Namespace) -> int:
    if args.list_faults:
        list_faults()
        return Exit.OK
    problem = usage_error(args)
    if problem:
        raise ConfigError(problem)
    config = config_from_args(args)
    try:
        app = create_app(config)
    except (ValueError, sqlite3.DatabaseError) as exc:  # the mock's own: an unusable --db file
        raise ConfigError(f"--db {args.db}: {exc}") from exc
    if args.preload:
        preloaded = preload(app, Auth(config).merchants, args.preload)
        print(f"  preloaded {preloaded} orders ({args.preload} per merchant)")
    banner(config, args)
    serve(app, args.host, args.port, args.log_level)
    return Exit.OK
