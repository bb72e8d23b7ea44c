"""Keep secrets out of everything we write: logs, attachments, curl commands, reports.

Only values that can be secrets are registered: a placeholder token such as Prism's `string`
would otherwise mask every schema message that names the type. Secrets are matched as whole
tokens, so a secret that happens to be part of a longer word leaves the word alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeGuard

MASK = "[REDACTED]"
MIN_SECRET_LENGTH = 8
# Words a mock or a misconfigured target hands out as "tokens"; none of them is a secret.
COMMON_WORDS = frozenset(
    {
        "string",
        "password",
        "secret",
        "token",
        "changeme",
        "undefined",
        "null",
        "example",
        "access_token",
        "bearer",
        "placeholder",
        "test",
        "admin",
    }
)
_SECRET_FIELDS = ("access_token", "refresh_token", "client_secret", "password", "token")
_FIELD_PATTERN = re.compile(
    r'("(?:' + "|".join(_SECRET_FIELDS) + r')"\s*:\s*)"[^"]*"', re.IGNORECASE
)
_BEARER_PATTERN = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_HEADER_NAMES = {"authorization", "x-api-key", "cookie", "set-cookie"}
_TOKEN_CHAR = r"[A-Za-z0-9_-]"


def can_be_secret(value: str | None) -> TypeGuard[str]:
    """Long enough and not a common word: masking it cannot hide innocent text."""
    return (
        value is not None and len(value) >= MIN_SECRET_LENGTH and value.lower() not in COMMON_WORDS
    )


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: list[str] = []
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if not can_be_secret(secret) or secret in self._secrets:
            return
        self._secrets.append(secret)
        self._secrets.sort(key=len, reverse=True)
        alternatives = "|".join(re.escape(s) for s in self._secrets)
        # Whole tokens only: no token character directly before or after the secret (a
        # percent-escape before it still counts as a boundary: `secret%3D<value>`).
        before = f"(?:(?<!{_TOKEN_CHAR})|(?<=%[0-9A-Fa-f]{{2}}))"
        self._pattern = re.compile(f"{before}(?:{alternatives})(?!{_TOKEN_CHAR})")

    def text(self, value: str) -> str:
        value = _BEARER_PATTERN.sub(r"\1" + MASK, value)
        value = _FIELD_PATTERN.sub(r'\1"' + MASK + '"', value)
        if self._pattern is not None:
            value = self._pattern.sub(MASK, value)
        return value

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {
            name: (MASK if name.lower() in _HEADER_NAMES else self.text(str(value)))
            for name, value in headers.items()
        }
