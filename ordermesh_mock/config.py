"""Mock configuration."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class MockConfig:
    db: str | None = None
    faults: tuple[str, ...] = ()
    next_version: bool = False  # switch on ordermesh_mock/next_version.py's changes
    client_id: str | None = None  # overrides merchant A's client id
    client_secret: str | None = None  # overrides merchant A's client secret
    token: str | None = None  # fixed, non-expiring bearer for merchant A
    client_token_ttl: int = 86400
    login_token_ttl: int = 900
    refresh_token_ttl: int = 7 * 86400
    body_timeout: float = 10.0  # seconds to receive a whole request body, then 408
    clock: Callable[[], float] = field(default=time.time)
