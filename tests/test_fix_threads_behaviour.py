"""AWS203's fix on code that really runs on worker threads: the fixed module
(fixtures/fix/worker_threads.after.py, each call on a thread making its own
Session) gives the same results as the original under moto, and a session a
caller passes is the one used.

These import OUR fixture modules (copied to a temporary directory), never
code under analysis.
"""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest

from fix_support import load_fix_fixture, use_fake_aws

moto = pytest.importorskip("moto")

FIXTURE = "worker_threads"
KEYS = [f"data/{index:02d}.bin" for index in range(12)]


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch):
    use_fake_aws(monkeypatch)
    with moto.mock_aws():
        yield


def _load(version: str, directory: Path):
    return load_fix_fixture(FIXTURE, version, directory)


def _setup(suffix: str):
    bucket, table = f"data-{suffix}", f"sizes-{suffix}"
    s3 = boto3.client("s3", region_name="eu-west-1")
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    for index, key in enumerate(KEYS):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x" * (index + 1))
    boto3.client("dynamodb", region_name="eu-west-1").create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "key", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "key", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return bucket, table


def _measured(module, suffix: str):
    bucket, table = _setup(suffix)
    module.measure_all(bucket, table, KEYS)
    items = boto3.resource("dynamodb", region_name="eu-west-1").Table(table).scan()["Items"]
    return sorted((item["key"], int(item["size"])) for item in items)


def _uploaded(module, suffix: str, tmp_path: Path):
    bucket, _ = _setup(suffix)
    paths = []
    for index in range(4):
        path = tmp_path / suffix / f"file{index}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("y" * index)
        paths.append(str(path))
    threads = [module.Uploader(bucket, paths[index::2]) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    listed = boto3.client("s3", region_name="eu-west-1").list_objects_v2(Bucket=bucket, Prefix=str(tmp_path))
    return sorted((item["Key"].rpartition("/")[2], item["Size"]) for item in listed.get("Contents", []))


def test_the_fixed_module_gives_the_same_results_on_threads(tmp_path):
    before = _load("before", tmp_path / "before")
    after = _load("after", tmp_path / "after")
    expected = sorted((key, index + 1) for index, key in enumerate(KEYS))
    assert _measured(before, "before") == _measured(after, "after") == expected
    uploaded = [(f"file{index}.txt", index) for index in range(4)]
    assert _uploaded(before, "ub", tmp_path) == _uploaded(after, "ua", tmp_path) == uploaded


def test_each_call_on_a_thread_makes_its_own_session(tmp_path, monkeypatch):
    after = _load("after", tmp_path / "after")
    bucket, table = _setup("own")
    made = []
    real_session = boto3.Session

    def recording_session(*args, **kwargs):
        session = real_session(*args, **kwargs)
        made.append(session)
        return session

    monkeypatch.setattr(boto3, "Session", recording_session)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)  # _setup made it
    after.measure_all(bucket, table, KEYS[:3])
    # object_size() and record() once per key, each with a Session of its own.
    assert len(made) == 6 and len({id(session) for session in made}) == 6
    assert boto3.DEFAULT_SESSION is None  # the shared default session was never made


def test_a_passed_session_is_used(tmp_path):
    after = _load("after", tmp_path / "after")
    bucket, _ = _setup("passed")
    session = boto3.Session(region_name="eu-west-1")
    made = []
    real_client = session.client
    session.client = lambda *args, **kwargs: made.append(args) or real_client(*args, **kwargs)
    assert after.object_size(bucket, KEYS[2], session=session) == 3
    assert made == [("s3",)]
