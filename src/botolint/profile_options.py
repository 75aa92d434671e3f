"""Calls that declare a command-line option choosing the AWS profile.

AWS105 looks for them in the script it checks; module summaries record which
functions make one, so that a script whose options come from a decorator or
helper of another module (``@aws_options`` applying
``click.option("--profile")``) is known to have one.
"""

from __future__ import annotations

import libcst as cst

from botolint.objects import string_value
from botolint.semantic import SemanticModel

OPTION_FACTORIES = frozenset({"click.option", "click.argument", "typer.Option", "typer.Argument"})


def names_profile(text: str) -> bool:
    """``--profile``, ``--aws-profile``, ``profile_name``: an option about the profile."""
    return "profile" in text.lower()


def declares_profile_option(call: cst.Call, semantic: SemanticModel) -> bool:
    """``add_argument("--profile")``, ``click.option("--profile")``, ``typer.Option("--aws-profile")``."""
    # The arguments first: most calls pass no string about a profile, and naming the callee costs more.
    if not any(
        arg.keyword is None and not arg.star and names_profile(string_value(arg.value) or "") for arg in call.args
    ):
        return False
    if isinstance(call.func, cst.Attribute) and call.func.attr.value == "add_argument":
        return True
    return not semantic.qualified_names(call.func).isdisjoint(OPTION_FACTORIES)
