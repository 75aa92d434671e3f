"""Unit tests for AWS105 and AWS301–AWS403 beyond what the fixtures show:
thresholds, options, caching, and running offline without AWS configuration."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import textwrap

import boto3.session
import pytest

from botolint.config import config_from_table
from botolint.engine import analyze_source
from botolint.rules._boto3 import available_resources, available_services, parameter_names
from botolint.rules.credentials import looks_real


def codes(source: str, **settings) -> list:
    analysis = analyze_source(textwrap.dedent(source), config=config_from_table(settings))
    assert analysis.error is None
    return [(finding.line, finding.code) for finding in analysis.findings]


# -- boto3's names, from the installed boto3 -----------------------------------


@pytest.mark.parametrize(
    "kind, method",
    [("session", boto3.session.Session.__init__), ("client", boto3.session.Session.client),
     ("resource", boto3.session.Session.resource)],
)
def test_parameter_names_follow_the_installed_signature(kind, method):
    expected = [name for name in inspect.signature(method).parameters if name != "self"]
    assert list(parameter_names(kind)) == expected


def test_service_lists_come_from_the_installed_models():
    session = boto3.session.Session()
    assert available_services() == frozenset(session.get_available_services())
    assert available_resources() == frozenset(session.get_available_resources())
    assert "lambda" in available_services() and "lambda" not in available_resources()


def test_service_lists_are_loaded_once_per_process():
    available_services()
    before = available_services.cache_info()
    available_services()
    after = available_services.cache_info()
    assert after.hits == before.hits + 1 and after.misses == before.misses


OFFLINE_PROBE = textwrap.dedent(
    """
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("network used")

    socket.socket.connect = no_network
    socket.create_connection = no_network

    from botolint.engine import analyze_source

    source = "import boto3\\n\\ndef f(session: boto3.Session):\\n    return session.client('dynamo', region='x')\\n"
    print(sorted(finding.code for finding in analyze_source(source).findings))
    """
)


def test_aws401_and_aws402_work_offline_without_aws_configuration(tmp_path):
    broken_config = tmp_path / "config"
    broken_config.write_text("this is [not an ini file\n")
    env = {
        key: value for key, value in os.environ.items() if not key.startswith("AWS_")
    }
    env.update(
        AWS_PROFILE="no-such-profile",
        AWS_CONFIG_FILE=str(broken_config),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "missing"),
        AWS_EC2_METADATA_DISABLED="false",
        HOME=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", OFFLINE_PROBE], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['AWS401', 'AWS402']"


def test_aws401_suggests_the_closest_name():
    analysis = analyze_source("import boto3\nboto3.Session(regoin_name='x')\n")
    (finding,) = [f for f in analysis.findings if f.code == "AWS401"]
    assert "did you mean `region_name=`?" in finding.message


def test_aws401_points_session_arguments_to_the_session():
    analysis = analyze_source("import boto3\ns = boto3.Session()\ns.client('s3', profile_name='x')\n")
    (finding,) = [f for f in analysis.findings if f.code == "AWS401"]
    assert "boto3.Session(profile_name=...)" in finding.message


# -- AWS403 thresholds ----------------------------------------------------------


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
        ("aws_access_key_id", "ASIAIOSFODNN7EXAMPLE"),
        ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        ("aws_session_token", "FwoGZXIvYXdzEBYaDExampleSessionTokenValue0123456789"),
    ],
)
def test_real_shaped_credentials_are_reported(parameter, value):
    assert looks_real(parameter, value)


@pytest.mark.parametrize(
    "parameter, value",
    [
        ("aws_access_key_id", "testing"),
        ("aws_access_key_id", "FOOBARKEY"),
        ("aws_access_key_id", "AKIAIOSFODNN7EXAMPL"),  # 19 characters
        ("aws_access_key_id", "akiaiosfodnn7example"),
        ("aws_access_key_id", "AIDAIOSFODNN7EXAMPLE"),  # a user id, not an access key
        ("aws_secret_access_key", "testing"),
        ("aws_secret_access_key", "short-but-random-9"),
        ("aws_secret_access_key", "my fake secret value with spaces"),
        ("aws_secret_access_key", "x" * 40),
        ("aws_secret_access_key", "FAKEfakeFAKEfakeFAKEfake1234"),
        ("aws_secret_access_key", "DummySecretAccessKey1234567890"),
        ("aws_session_token", "test-session-token-0123456789"),
    ],
)
def test_placeholders_are_not_reported(parameter, value):
    assert not looks_real(parameter, value)


def test_aws403_only_for_boto3_calls():
    assert codes(
        """
        import boto3, requests
        requests.get("u", aws_access_key_id="AKIAIOSFODNN7EXAMPLE")
        boto3.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE")
        """
    ) == [(4, "AWS403")]


# -- AWS301 ---------------------------------------------------------------------


def test_aws301_replaces_aws101_on_the_same_call():
    assert codes(
        """
        import boto3

        def lambda_handler(event, context):
            return boto3.client("s3")
        """
    ) == [(5, "AWS301")]


@pytest.mark.parametrize(
    "setting, handler_name, expected",
    [
        (["app.main"], "main", "AWS301"),
        ("main", "main", "AWS301"),
        (["main"], "handler", "AWS101"),  # the option replaces the defaults
        (5, "handler", "AWS101"),  # a bad value is ignored, not a crash
        ([3, "main"], "main", "AWS301"),
    ],
)
def test_lambda_handlers_option(setting, handler_name, expected):
    source = f"""
    import boto3

    def {handler_name}(payload, runtime):
        return boto3.client("s3")
    """
    assert codes(source, **{"lambda-handlers": setting}) == [(5, expected)]


def test_aws103_is_quiet_only_in_modules_with_a_handler():
    module_client = 'import boto3\ns3 = boto3.client("s3")\n'
    assert codes(module_client) == [(2, "AWS103")]
    assert codes(module_client + "\ndef lambda_handler(event, context):\n    return s3\n") == []


# -- AWS302 and AWS105 ----------------------------------------------------------


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


def test_aws105_is_reported_once_per_module():
    assert codes(
        """
        import argparse
        import boto3

        a = argparse.ArgumentParser()
        b = argparse.ArgumentParser()
        s3 = boto3.client("s3")
        """
    ) == [(5, "AWS105"), (7, "AWS103")]


# -- odd input never crashes a run ------------------------------------------------

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


def test_odd_input_does_not_crash():
    analysis = analyze_source(ODD_SOURCE)
    assert analysis.error is None
    found = {finding.code for finding in analysis.findings}
    assert {"AWS105", "AWS301", "AWS401", "AWS403"} <= found


def test_generated_programs_do_not_crash():
    hypothesis = pytest.importorskip("hypothesis")
    hypothesmith = pytest.importorskip("hypothesmith")

    @hypothesis.settings(max_examples=40, deadline=None, suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(hypothesmith.from_grammar())
    def check(source):
        analyze_source("import boto3\n" + source)

    check()
