"""AWS105 beyond what the fixtures show."""

from __future__ import annotations

from rule_support import codes


def test_aws105_is_reported_once_per_module():
    assert codes(
        """
        import argparse
        import boto3

        a = argparse.ArgumentParser()
        b = argparse.ArgumentParser()
        s3 = boto3.client("s3")
        """
    ) == [(5, "AWS105"), (7, "AWS103")]
