"""AWS301's hoist (--unsafe-fixes), run under moto: the handler gives the same
results, and what moved to module scope is made once, when the module loads,
instead of on every invocation. These import OUR fixture modules
(fixtures/fix/lambda_hoist.*.py), never code under analysis."""

from __future__ import annotations

from collections import Counter

import boto3
import pytest

from fix_support import load_fix_fixture, use_fake_aws

moto = pytest.importorskip("moto")


@pytest.fixture(autouse=True)
def fake_aws(monkeypatch):
    use_fake_aws(monkeypatch)
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("TABLE_NAME", "sizes")
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name="eu-west-1")
        s3.create_bucket(Bucket="orders", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        s3.put_object(Bucket="orders", Key="k1", Body=b"one")
        s3.put_object(Bucket="orders", Key="k2", Body=b"twelve")
        boto3.client("dynamodb", region_name="eu-west-1").create_table(
            TableName="sizes", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
        )
        yield


def _invoke_twice(module, queue_url):
    return [
        module.lambda_handler({"bucket": "orders", "key": key, "queue_url": queue_url}, None)["MD5OfMessageBody"]
        for key in ("k1", "k2")
    ]


def _counting(monkeypatch):
    """Count the clients and resources boto3's module-level factories make, by service."""
    made = Counter()
    real_client, real_resource = boto3.client, boto3.resource

    def client(service, *args, **kwargs):
        made[("client", service)] += 1
        return real_client(service, *args, **kwargs)

    def resource(service, *args, **kwargs):
        made[("resource", service)] += 1
        return real_resource(service, *args, **kwargs)

    monkeypatch.setattr(boto3, "client", client)
    monkeypatch.setattr(boto3, "resource", resource)
    return made


@pytest.mark.parametrize("version", ["before", "after"])
def test_the_handler_gives_the_same_results(version, tmp_path):
    queue_url = boto3.client("sqs", region_name="eu-west-1").create_queue(QueueName=f"q-{version}")["QueueUrl"]
    module = load_fix_fixture("lambda_hoist", version, tmp_path)
    digests = _invoke_twice(module, queue_url)
    items = boto3.resource("dynamodb", region_name="eu-west-1").Table("sizes").scan()["Items"]
    assert len(digests) == 2 and len(set(digests)) == 2
    assert sorted((item["id"], int(item["size"])) for item in items) == [("k1", 3), ("k2", 6)]


def test_what_moved_is_made_at_import_not_per_invocation(tmp_path, monkeypatch):
    queue_url = boto3.client("sqs", region_name="eu-west-1").create_queue(QueueName="q")["QueueUrl"]
    made = _counting(monkeypatch)
    before = load_fix_fixture("lambda_hoist", "before", tmp_path / "before")
    at_import = Counter(made)
    _invoke_twice(before, queue_url)
    assert made - at_import == Counter({("client", "s3"): 2, ("resource", "dynamodb"): 2, ("resource", "sqs"): 2})

    made.clear()
    after = load_fix_fixture("lambda_hoist", "after", tmp_path / "after")
    assert made == Counter({("client", "s3"): 1, ("resource", "dynamodb"): 1})  # once, at init
    made.clear()
    _invoke_twice(after, queue_url)
    assert made == Counter({("resource", "sqs"): 2})  # the queue comes with the event: still per invocation
