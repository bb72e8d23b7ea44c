"""`python -m conformance.diff OLD NEW ...`: `ordermesh-conformance diff`, via the one CLI tree."""

import sys

from conformance.cli import main

raise SystemExit(main(["diff", *sys.argv[1:]]))
