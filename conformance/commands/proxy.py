"""`ordermesh-conformance proxy`: the selftest's fault proxy in front of any target, by hand."""

from __future__ import annotations

import argparse

from conformance.commands.usage import Usage
from conformance.exit_codes import Exit
from conformance.selftest.dialect import DIALECTS
from conformance.selftest.proxy import FaultProxy, active_faults
from conformance.selftest.proxy_faults import PROXY_FAULTS
from ordermesh_mock.server import serve
from spec import load_spec

USAGE = Usage(
    description="Serve an HTTP proxy that forwards to --upstream and applies the named proxy "
    "faults to the traffic, matched to operations through the spec; until interrupted.",
    examples=(
        "proxy --upstream http://127.0.0.1:8080 --fault proxy-auth-bypass --port 9090",
        "proxy --upstream http://127.0.0.1:8080 --dialect staging-like --port 9090",
        "run --base-url http://127.0.0.1:9090  # the suite through the proxy",
    ),
    exits={Exit.OK: "stopped", Exit.USAGE: "a bad flag or spec"},
    codes=(Exit.OK, Exit.USAGE),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--upstream", required=True, help="the target's base URL (required)")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        choices=sorted(PROXY_FAULTS),
        metavar="NAME",
        help=f"apply this proxy fault (repeatable; one of {', '.join(sorted(PROXY_FAULTS))})",
    )
    parser.add_argument(
        "--dialect",
        choices=sorted(DIALECTS),
        help="also translate the traffic into this dialect of the spec's inferred elements "
        "(a consistent target that differs from the spec; docs/fault-proxy.md)",
    )
    parser.add_argument("--port", type=int, default=9090, help="loopback port to listen on")
    parser.add_argument("--spec", help="OpenAPI file (default: spec/ordermesh.yaml)")


def handle(args: argparse.Namespace) -> int:
    spec = load_spec(args.spec) if args.spec else load_spec()
    proxy = FaultProxy(args.upstream, active_faults(spec, args.fault, args.dialect), spec)
    dialect = f" in the {args.dialect} dialect" if args.dialect else ""
    print(f"fault proxy on http://127.0.0.1:{args.port} -> {args.upstream}{dialect}")
    serve(proxy, "127.0.0.1", args.port, "warning")
    return Exit.OK
