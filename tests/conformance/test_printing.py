"""Hypothesis prints a failing test's arguments with its own pretty-printer; no secret may show."""

from __future__ import annotations

from hypothesis.vendor.pretty import pretty

from conformance.config.settings import Credentials, RunSettings

SECRETS = ("client-secret-1", "password-2", "token-3")


def test_credentials_and_settings_print_without_secrets():
    credentials = Credentials(
        merchant_id="m",
        client_id="c",
        client_secret=SECRETS[0],
        username="u",
        password=SECRETS[1],
        token=SECRETS[2],
    )
    settings = RunSettings(
        base_url="http://127.0.0.1:1", credentials=credentials, tenant_b=credentials
    )
    for printed in (pretty(credentials), pretty(settings), repr(credentials), repr(settings)):
        assert "client_id='c'" in printed  # the identity still shows
        assert not [s for s in SECRETS if s in printed], printed
