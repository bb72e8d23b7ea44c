"""Keep secrets out of everything we write: logs, attachments, curl commands, reports."""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "[REDACTED]"
_SECRET_FIELDS = ("access_token", "refresh_token", "client_secret", "password", "token")
_FIELD_PATTERN = re.compile(
    r'("(?:' + "|".join(_SECRET_FIELDS) + r')"\s*:\s*)"[^"]*"', re.IGNORECASE
)
_BEARER_PATTERN = re.compile(r"(Bearer\s+)[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_HEADER_NAMES = {"authorization", "x-api-key", "cookie", "set-cookie"}


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Short strings would mask innocent text; real secrets are longer than 4 characters.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4 and secret not in self._secrets:
            self._secrets.append(secret)
            self._secrets.sort(key=len, reverse=True)

    def text(self, value: str) -> str:
        value = _BEARER_PATTERN.sub(r"\1" + MASK, value)
        value = _FIELD_PATTERN.sub(r'\1"' + MASK + '"', value)
        for secret in self._secrets:
            value = value.replace(secret, MASK)
        return value

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {
            name: (MASK if name.lower() in _HEADER_NAMES else self.text(str(value)))
            for name, value in headers.items()
        }
