"""AWS105 beyond what the fixtures show."""

from __future__ import annotations

import pytest

from botolint import runner
from botolint.config import load_config
from botolint.rule import all_rules
from rule_support import codes


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


COMMAND = '''\
import boto3
import click

from tool.options import aws_options


@click.command()
@aws_options
def main():
    click.echo(boto3.client("sts").get_caller_identity()["Account"])
'''


@pytest.mark.parametrize(
    "options, reported",
    [
        # It declares no profile option: the command has none.
        ("import click\n\ndef aws_options(command):\n    return click.option('--region')(command)\n", True),
        # It does not parse: whether it declares one is not established.
        ("import click\n\ndef aws_options(command:\n    return command\n", False),
        # Through a function it calls.
        (
            "import click\n\ndef aws_options(command):\n    return _profile(command)\n\n"
            "def _profile(command):\n    return click.option('--profile')(command)\n",
            False,
        ),
    ],
    ids=["declares-none", "does-not-parse", "through-a-call"],
)
def test_a_decorator_of_another_module_that_may_declare_the_option(tmp_path, options, reported):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'tool'\n")
    (tmp_path / "tool").mkdir()
    (tmp_path / "tool" / "__init__.py").write_text("")
    (tmp_path / "tool" / "options.py").write_text(options)
    command = tmp_path / "tool" / "command.py"
    command.write_text(COMMAND)
    config = load_config(tmp_path)
    (report,) = runner.check_paths([command], config, all_rules())
    assert ("AWS105" in [finding.code for finding in report.findings]) is reported
