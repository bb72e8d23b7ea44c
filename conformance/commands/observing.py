"""Observing a target, as `drift` and `compare` both do: the same seeded cases and refusals, so
the two commands see a target the same way without one importing the other."""

from __future__ import annotations

import time
from collections.abc import Callable

from conformance.commands.preflight import preflight
from conformance.drift.observe import ObservedApi, load_schema, observe_cases, probe_refusals


def observe(target: ObservedApi, max_examples: int, echo: Callable[[str], None]) -> None:
    """Seeded positive cases for every operation, then one call per probeable refusal."""
    settings = target.settings
    preflight(settings, target.harness.redactor)
    schema = load_schema(target.harness.spec.document, settings.seed)
    started = time.monotonic()
    observe_cases(target, schema, max_examples, settings.seed)
    probe_refusals(target, schema, settings.seed)
    echo(
        f"{target.label}: {len(target.observations)} responses in {time.monotonic() - started:.1f}s"
    )
