"""The engine's contract with rules."""

from __future__ import annotations


def test_a_failing_rule_becomes_a_file_error_not_a_crash():
    from botolint.engine import analyze_source
    from botolint.rule import Rule

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
