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


_THREADED_MODULE = '''
import threading

import boto3


class Uploader:
    def __init__(self, session=None):
        self.session = session or boto3.Session()

    def upload_all(self, paths):
        threads = [threading.Thread(target=self.upload, args=(path,)) for path in paths]
        for thread in threads:
            thread.start()

    def upload(self, path):
        client = boto3.client("s3")
        client.upload_file(path, "bucket", path)
'''


def _cyclic_garbage_after(analyze) -> int:
    """How many objects only the cyclic collector can free once ``analyze`` returns."""
    import gc

    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        analyze()
        return gc.collect()
    finally:
        if was_enabled:
            gc.enable()


def test_a_released_analysis_leaves_its_tree_to_reference_counting(tmp_path):
    from botolint.config import Config
    from botolint.project.projects import Projects
    from botolint.rule import all_rules
    from botolint.runner import analyze_for_report

    path = tmp_path / "uploader.py"
    path.write_text(_THREADED_MODULE)
    config = Config()
    project = Projects(config, None, load=False).of(path)
    report = []

    def analyze():
        report.append(analyze_for_report(path, config, tuple(all_rules()), None, project, reach=False))

    assert _cyclic_garbage_after(analyze) < 20
    assert [finding.code for finding in report[0].findings]  # it was analyzed, not skipped


def test_an_analysis_that_is_not_released_is_cyclic_garbage():
    # The twin: without ``release`` the scopes' cycles hold the whole tree.
    assert _cyclic_garbage_after(lambda: analyze_source(_THREADED_MODULE, "uploader.py")) > 200
