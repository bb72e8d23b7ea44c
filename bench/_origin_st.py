"""Schemathesis hooks file for the latency bench's plain `st run` (`SCHEMATHESIS_HOOKS`).

It registers no hook: loading it makes bench/_origin.py tag the run's requests, so the delay
proxy counts the plain side's generated cases, check requests and capability probes apart.
"""

from __future__ import annotations

from _origin import GENERATED, install

install(GENERATED)
