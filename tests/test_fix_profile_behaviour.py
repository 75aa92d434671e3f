"""AWS105's fix (--unsafe-fixes) on a real argparse script: without
``--profile`` the fixed script does what the original did; with it, the
clients below come from that profile. Imports OUR fixture modules
(fixtures/fix/cli_profile_argparse.*.py), never code under analysis."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from fix_support import load_fix_fixture, use_fake_aws

moto = pytest.importorskip("moto")

FIXTURE = "cli_profile_argparse"
KEYS = ["logs/a.txt", "logs/b.txt", "keep/c.txt"]


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch, tmp_path):
    use_fake_aws(monkeypatch)
    config = tmp_path / "aws-config"
    config.write_text(
        "[profile ops]\nregion = eu-west-1\naws_access_key_id = ops-key\naws_secret_access_key = ops-secret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    with moto.mock_aws():
        yield


def _load(version: str, directory: Path):
    return load_fix_fixture(FIXTURE, version, directory)


def _bucket(name: str) -> str:
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for key in KEYS:
        s3.put_object(Bucket=name, Key=key, Body=b"x")
    return name


def _left(bucket: str):
    listed = boto3.client("s3", region_name="eu-west-1").list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def test_without_profile_the_fixed_script_does_the_same(tmp_path, capsys):
    before, after = _load("before", tmp_path / "b"), _load("after", tmp_path / "a")
    assert before.main([_bucket("dry-before"), "--prefix", "logs/", "--dry-run"]) == 0
    dry_before = capsys.readouterr().out
    assert after.main([_bucket("dry-after"), "--prefix", "logs/", "--dry-run"]) == 0
    assert capsys.readouterr().out == dry_before == "logs/a.txt\nlogs/b.txt\n"
    before.main([_bucket("del-before"), "--prefix", "logs/"])
    after.main([_bucket("del-after"), "--prefix", "logs/"])
    assert _left("del-before") == _left("del-after") == ["keep/c.txt"]


def test_the_profile_option_reaches_every_client(tmp_path, monkeypatch, capsys):
    before, after = _load("before", tmp_path / "b"), _load("after", tmp_path / "a")
    bucket = _bucket("profiled")
    with pytest.raises(SystemExit):  # the original has no such option
        before.main(["--profile", "ops", bucket])
    capsys.readouterr()
    profiles = []
    real_client = boto3.session.Session.client

    def recording_client(self, *args, **kwargs):
        profiles.append(self.profile_name)
        return real_client(self, *args, **kwargs)

    monkeypatch.setattr(boto3.session.Session, "client", recording_client)
    assert after.main(["--profile", "ops", bucket, "--prefix", "logs/"]) == 0
    # list_keys()'s client and delete_keys()'s resource (Session.resource makes a client).
    assert profiles == ["ops", "ops"]
    assert _left(bucket) == ["keep/c.txt"]

