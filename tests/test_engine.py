"""The engine's contract with rules."""

from __future__ import annotations

from botolint.engine import analyze_source
from botolint.rule import Rule


def test_a_failing_rule_becomes_a_file_error_not_a_crash():
    class Exploding(Rule):
        """Raises on every call."""

        code = "AWS999"
        name = "exploding"
        message = "never"

        def visit_Call(self, node, ctx):
            raise ValueError("boom")

    analysis = analyze_source("import boto3\nboto3.client('s3')\n", rules=(Exploding,))
    assert analysis.error == "internal error in AWS999: ValueError: boom"
    assert analysis.findings == []


# Calls every rule must survive: starred arguments, non-string services, odd callees.
ODD_SOURCE = '''
import argparse, boto3, click, typer
from boto3 import *

args, kwargs = (), {}
boto3.client()
boto3.client(*args)
boto3.resource(**kwargs)
boto3.Session(*args, aws_access_key_id="AKIAIOSFODNN7EXAMPLE")
boto3.Session().client(b"s3")
boto3.Session().client(f"{args}")
boto3.Session().resource(service_name=None)
boto3.Session().client("s3" "x")
(boto3 or boto3).client("s3", regoin=1)
x = x
x = x["Credentials"][0]
y = boto3.client("sts").assume_role()["Credentials"][0:2]
boto3.Session(aws_access_key_id=y, aws_session_token=x[...])
argparse.ArgumentParser().add_argument(*args)
parser = argparse.ArgumentParser
parser().add_argument()
app = typer.Typer()
typer.run()
typer.run(lambda: None)

@(lambda f: f)
@app.command
@click.command
def handler(event, context, /):
    boto3.Session().client("s3")
    return lambda: boto3.client("s3")

async def lambda_handler(event, context):
    session = boto3.Session()
    session = session or session
    async with session.client("s3") as s3:
        return [s3 async for s3 in session.resource("s3")]

class handler:
    boto3.client("s3")
'''


def test_odd_but_valid_calls_give_findings_not_errors():
    analysis = analyze_source(ODD_SOURCE)
    assert analysis.error is None
    found = {finding.code for finding in analysis.findings}
    assert {"AWS105", "AWS301", "AWS401", "AWS403"} <= found
