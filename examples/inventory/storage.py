"""Inventory storage: written the way most boto3 tutorials show it."""

import boto3

TABLE_NAME = "inventory"
archive = boto3.client("s3")


def get_item(sku):
    table = boto3.resource("dynamodb").Table(TABLE_NAME)
    return table.get_item(Key={"sku": sku}).get("Item")


def put_item(item):
    table = boto3.resource("dynamodb").Table(TABLE_NAME)
    table.put_item(Item=item)


def export(bucket, key, body):
    s3 = boto3.client("s3")
    s3.put_object(Bucket=bucket, Key=key, Body=body)
