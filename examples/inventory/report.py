"""Nightly report script."""

import argparse
import json

import boto3

from storage import export, get_item


def build_report(skus):
    return [get_item(sku) for sku in skus]


def main():
    parser = argparse.ArgumentParser(description="Export the inventory report")
    parser.add_argument("bucket")
    parser.add_argument("skus", nargs="+")
    args = parser.parse_args()
    boto3.setup_default_session(region_name="eu-west-1")
    export(args.bucket, "report.json", json.dumps(build_report(args.skus)))


if __name__ == "__main__":
    main()
