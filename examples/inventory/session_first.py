"""The same storage functions in the session-first style: no findings."""

import boto3

TABLE_NAME = "inventory"


def get_item(sku, *, session=None):
    table = (session or boto3).resource("dynamodb").Table(TABLE_NAME)
    return table.get_item(Key={"sku": sku}).get("Item")


def main(profile=None):
    session = boto3.Session(profile_name=profile)
    return get_item("sku-1", session=session)
