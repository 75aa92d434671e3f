"""AWS403's thresholds: what looks like a real credential and what is a placeholder."""

from __future__ import annotations

import pytest

from botolint.rules.credentials import looks_real
from rule_support import codes


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
        ("aws_access_key_id", "ASIAIOSFODNN7EXAMPLE"),
        ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("aws_session_token", "FwoGZXIvYXdzEBYaDExampleSessionTokenValue0123456789"),
    ],
)
def test_real_shaped_credentials_are_reported(parameter, value):
    assert looks_real(parameter, value)


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("aws_access_key_id", "testing"),
        ("aws_access_key_id", "FOOBARKEY"),
        ("aws_access_key_id", "AKIAIOSFODNN7EXAMPL"),  # 19 characters
        ("aws_access_key_id", "akiaiosfodnn7example"),
        ("aws_access_key_id", "AIDAIOSFODNN7EXAMPLE"),  # a user id, not an access key
        ("aws_secret_access_key", "testing"),
        ("aws_secret_access_key", "short-but-random-9"),
        ("aws_secret_access_key", "my fake secret value with spaces"),
        ("aws_secret_access_key", "x" * 40),
        ("aws_secret_access_key", "FAKEfakeFAKEfakeFAKEfake1234"),
        ("aws_secret_access_key", "DummySecretAccessKey1234567890"),
        ("aws_session_token", "test-session-token-0123456789"),
    ],
)
def test_placeholders_are_not_reported(parameter, value):
    assert not looks_real(parameter, value)


def test_aws403_only_for_boto3_calls():
    assert codes(
        """
        import boto3, requests
        requests.get("u", aws_access_key_id="AKIAIOSFODNN7EXAMPLE")
        boto3.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE")
        """
    ) == [(4, "AWS403")]
