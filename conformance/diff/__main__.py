"""`python -m conformance.diff OLD NEW ...`: `ordermesh-conformance diff`, parsed by the one tree."""

import sys

from conformance.cli import main

raise SystemExit(main(["diff", *sys.argv[1:]]))
