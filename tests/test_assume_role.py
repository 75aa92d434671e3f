"""AWS302 follows the assumed role's credentials through names."""

from __future__ import annotations

from rule_support import codes


def test_aws302_follows_chained_names_once_per_call():
    assert codes(
        """
        import boto3

        def f(session: boto3.Session):
            sts = session.client("sts")
            r = sts.assume_role(RoleArn="a", RoleSessionName="b")
            c = r["Credentials"]
            k = c["AccessKeyId"]
            s = c["SecretAccessKey"]
            return boto3.Session(aws_access_key_id=k, aws_secret_access_key=s)
        """
    ) == [(10, "AWS302")]


def test_aws302_survives_self_referencing_names():
    assert codes(
        """
        import boto3

        def f(creds):
            creds = creds["Credentials"]
            creds = creds or creds
            return boto3.Session(aws_access_key_id=creds["AccessKeyId"])
        """
    ) == []
