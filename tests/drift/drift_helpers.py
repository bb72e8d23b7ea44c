"""Shared constants and argument building for the drift tests."""

from __future__ import annotations

import argparse
from pathlib import Path

from conformance.cli import build_parser
from spec import SPEC_PATH

SEED = 20240601
# The schema and status faults of the mock's catalogue: the ones drift must see.
FAULTS = (
    "order-missing-status",
    "shipment-status-as-string",
    "create-order-200",
    "hold-conflict-422",
)


def drift_args(
    spec: Path = SPEC_PATH, reports: Path | None = None, faults: tuple[str, ...] = ()
) -> argparse.Namespace:
    argv = ["drift", "--spec", str(spec), "--seed", str(SEED), "--max-examples", "1"]
    argv += [f"--fault={name}" for name in faults]
    return build_parser().parse_args([*argv, "--reports-dir", str(reports or "reports")])
