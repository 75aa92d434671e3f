"""The fixed code behaves like the original for callers that pass no session,
and uses the session a caller passes everywhere below.

These import OUR fixture modules (fixtures/fix/behaviour.*.py, copied to a
temporary directory), never code under analysis, and run them under moto.
"""

from __future__ import annotations

from pathlib import Path
from unittest import mock

import boto3
import pytest

from fix_support import load_fix_fixture, use_fake_aws

moto = pytest.importorskip("moto")

ORDERS = [{"id": "o-2", "body": b"second"}, {"id": "o-1", "body": b"first"}]


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch):
    use_fake_aws(monkeypatch)
    with moto.mock_aws():
        yield


def _load(version: str, tmp_path: Path, fixture: str = "behaviour"):
    return load_fix_fixture(fixture, version, tmp_path)


@pytest.fixture(params=["before", "after"])
def version(request, tmp_path):
    return _load(request.param, tmp_path)


def _run_archive(tmp_path, version_name):
    # One moto backend for both runs (the autouse fixture): separate names.
    module = _load(version_name, tmp_path / version_name)
    bucket, table = f"orders-{version_name}", f"sizes-{version_name}"
    result = module.archive(bucket, table, ORDERS)
    items = boto3.resource("dynamodb", region_name="eu-west-1").Table(table).scan()["Items"]
    error = module.missing(bucket, "nope")
    return result, sorted((item["id"], int(item["size"])) for item in items), error


def test_fixed_module_gives_the_same_results(tmp_path):
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    before = _run_archive(tmp_path, "before")
    after = _run_archive(tmp_path, "after")
    assert before[:2] == after[:2] == ([b"first", b"second"], [("o-1", 5), ("o-2", 6)])
    assert before[2].__name__ == after[2].__name__ == "NoSuchKey"


class RecordingSession:
    """A real boto3 Session that notes every client and resource it makes."""

    def __init__(self) -> None:
        self.session = boto3.Session(region_name="eu-west-1")
        self.made = []

    def client(self, service, *args, **kwargs):
        self.made.append(("client", service))
        return self.session.client(service, *args, **kwargs)

    def resource(self, service, *args, **kwargs):
        self.made.append(("resource", service))
        return self.session.resource(service, *args, **kwargs)


def _refuse(*args, **kwargs):
    raise AssertionError("the default session was used although a session was passed")


def test_a_session_passed_at_the_top_is_used_by_every_client_below(tmp_path, monkeypatch):
    fixed = _load("after", tmp_path)
    recording = RecordingSession()
    monkeypatch.setattr(boto3, "client", _refuse)
    monkeypatch.setattr(boto3, "resource", _refuse)
    assert fixed.archive("orders", "order-sizes", ORDERS, session=recording) == [b"first", b"second"]
    n = len(ORDERS)
    expected = [("client", "s3"), ("resource", "dynamodb")] + [("client", "s3"), ("resource", "dynamodb")] * n
    expected += [("client", "sqs")] + [("client", "s3")] * n
    assert recording.made == expected


def test_patching_boto3_client_still_takes_effect(version):
    fake = mock.MagicMock()
    with mock.patch("boto3.client", fake):
        version.put("orders", "k", b"body")
    fake.assert_called_once_with("s3", region_name="eu-west-1")
    fake.return_value.put_object.assert_called_once_with(Bucket="orders", Key="k", Body=b"body")


def test_patching_the_modules_boto3_still_takes_effect(version):
    with mock.patch.object(version, "boto3") as fake:
        version.default_region()
    fake.client.assert_called_once_with("sts")


def test_setup_default_session_is_still_honoured(version):
    boto3.setup_default_session(region_name="ap-southeast-2")
    assert version.default_region() == "ap-southeast-2"


def test_exception_classes_are_those_of_the_default_session(version):
    default_s3 = boto3.client("s3", region_name="eu-west-1")
    default_s3.create_bucket(Bucket="orders", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert version.missing("orders", "nope") is default_s3.exceptions.NoSuchKey


def test_patching_a_name_imported_from_boto3_still_takes_effect(version):
    with mock.patch.object(version, "resource") as fake:
        version.record("sizes", {"id": "o-1", "body": b"x"})
    fake.assert_called_once_with("dynamodb", region_name="eu-west-1")
    fake.return_value.Table.assert_called_once_with("sizes")


def test_with_add_to_callers_a_session_given_to_the_entry_point_reaches_the_client(tmp_path, monkeypatch):
    fixed = _load("after", tmp_path, fixture="callers")
    boto3.client("s3").create_bucket(Bucket="orders", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    recording = RecordingSession()
    monkeypatch.setattr(boto3, "client", _refuse)
    event = {
        "Records": [{"bucket": "orders", "key": "k1", "body": "one"}, {"bucket": "orders", "key": "k2", "body": "two"}]
    }
    assert fixed.ingest(event, None, session=recording) == {"stored": 2}
    assert recording.made == [("client", "s3"), ("client", "s3")]
