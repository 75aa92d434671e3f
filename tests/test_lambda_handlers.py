"""AWS301 beyond what the fixtures show: it replaces AWS101, the
``lambda-handlers`` option, and AWS103 in a handler's module."""

from __future__ import annotations

import pytest

from rule_support import codes


def test_aws301_replaces_aws101_on_the_same_call():
    assert codes(
        """
        import boto3

        def lambda_handler(event, context):
            return boto3.client("s3")
        """
    ) == [(5, "AWS301")]


@pytest.mark.parametrize(
    "setting, handler_name, expected",
    [
        (["app.main"], "main", "AWS301"),
        ("main", "main", "AWS301"),
        (["main"], "handler", "AWS101"),  # the option replaces the defaults
        (5, "handler", "AWS101"),  # a bad value is ignored, not a crash
        ([3, "main"], "main", "AWS301"),
    ],
)
def test_lambda_handlers_option(setting, handler_name, expected):
    source = f"""
    import boto3

    def {handler_name}(payload, runtime):
        return boto3.client("s3")
    """
    assert codes(source, **{"lambda-handlers": setting}) == [(5, expected)]


def test_aws103_is_quiet_only_in_modules_with_a_handler():
    module_client = 'import boto3\ns3 = boto3.client("s3")\n'
    assert codes(module_client) == [(2, "AWS103")]
    assert codes(module_client + "\ndef lambda_handler(event, context):\n    return s3\n") == []
