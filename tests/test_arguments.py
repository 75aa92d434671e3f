"""AWS401 and AWS402 beyond what the fixtures show: boto3's names come from the
installed boto3, the messages suggest the right name, and nothing needs AWS
configuration or the network."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import textwrap

import boto3.session
import pytest

from botolint.engine import analyze_source
from botolint.installed import available_resources, available_services, parameter_names


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
