"""Redaction hides real secrets and only those: placeholders never mask innocent text."""

from __future__ import annotations

import json

import pytest

from conformance.config.settings import MOCK_MERCHANT_A
from conformance.redaction import MASK, Redactor, can_be_secret
from ordermesh_mock.config import MockConfig
from ordermesh_mock.server import run_in_thread

SECRET = "s3cret-client-value-0x5eed"


@pytest.mark.parametrize("value", ["string", "String", "abc", "1234567", "", "password"])
def test_short_or_common_values_are_never_registered(value):
    redactor = Redactor([value])
    assert not can_be_secret(value)
    assert redactor.text(f'"type": "{value}"') == f'"type": "{value}"'


def test_a_real_secret_is_masked_as_a_whole_token_wherever_it_appears():
    redactor = Redactor([SECRET])
    text = f'{{"k": "{SECRET}"}} ?secret={SECRET}&x a%3D{SECRET} curl -H "X: {SECRET}"'
    masked = redactor.text(text)
    assert SECRET not in masked
    assert masked.count(MASK) == 4


def test_a_secret_inside_a_longer_token_leaves_the_token_alone():
    redactor = Redactor(["abcdefgh12"])
    assert redactor.text("xabcdefgh12y abcdefgh12") == f"xabcdefgh12y {MASK}"


def test_added_tokens_follow_the_same_rules():
    redactor = Redactor()
    redactor.add("string")
    redactor.add(SECRET)
    assert redactor.text(f"string {SECRET}") == f"string {MASK}"


def test_a_target_whose_token_is_string_still_reports_type_string(run_cli):
    base_url, stop = run_in_thread(MockConfig(token="string", faults=("order-missing-status",)))
    try:
        result = run_cli(
            "run",
            "--base-url",
            base_url,
            "--token",
            "string",
            "--merchant-id",
            MOCK_MERCHANT_A.merchant_id,
            "--profile",
            "smoke",
            "--include",
            "getOrderById",
        )
    finally:
        stop()
    assert result.code == 1, result.stdout + result.stderr
    messages = json.dumps([f["message"] for f in result.summary["failures"]])
    assert '\\"type\\": \\"string\\"' in messages
    assert MASK not in messages
