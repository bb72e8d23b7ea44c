"""`python -m ordermesh_mock`: `ordermesh-conformance mock`, parsed by the one command tree."""

import sys

from conformance.cli import main

raise SystemExit(main(["mock", *sys.argv[1:]]))
