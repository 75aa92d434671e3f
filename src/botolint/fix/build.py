"""Small pieces of code the fix writes, spelled the way people write them."""

from __future__ import annotations

import libcst as cst


def no_space_equal() -> cst.AssignEqual:
    """``=`` without spaces, as in ``f(key=value)``."""
    return cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


def keyword_arg(keyword: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value, keyword=cst.Name(keyword), equal=no_space_equal())


def string(text: str, quote: str) -> cst.SimpleString:
    return cst.SimpleString(f"{quote}{text}{quote}")


def session_statement(
    name: str, boto3_name: str, profile: cst.BaseExpression, keep_parameter: bool
) -> cst.SimpleStatementLine:
    """``session = boto3.Session(profile_name=args.profile)``, or, when the
    function already takes ``session``, ``session = session or boto3.Session(...)``."""
    value: cst.BaseExpression = cst.Call(
        func=cst.Attribute(value=cst.Name(boto3_name), attr=cst.Name("Session")),
        args=[keyword_arg("profile_name", profile.deep_clone())],
    )
    if keep_parameter:
        value = cst.BooleanOperation(left=cst.Name(name), operator=cst.Or(), right=value)
    return cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=value)])
