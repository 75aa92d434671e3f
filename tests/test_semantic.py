"""Name resolution: what a name refers to through imports and scopes."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from botolint.semantic import ScopeKind, SemanticModel


def resolve_calls(source: str):
    """Qualified names of every call's callee, in source order."""
    model = SemanticModel(cst.parse_module(textwrap.dedent(source)), frozenset({cst.Call}))
    return [sorted(model.qualified_names(call.func)) for call in model.collected]


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import boto3\nboto3.client()", ["boto3.client"]),
        ("import boto3 as b\nb.client()", ["boto3.client"]),
        # boto3.session.Session is boto3.Session: the model gives one canonical name.
        ("import boto3.session\nboto3.session.Session()", ["boto3.Session"]),
        ("import boto3.session as bs\nbs.Session()", ["boto3.Session"]),
        ("import boto3\nboto3.Session()", ["boto3.Session"]),
        ("from boto3 import client as c\nc()", ["boto3.client"]),
        ("from boto3.session import Session\nSession()", ["boto3.Session"]),
        # A relative import keeps its dots: a local module named boto3 is not boto3.
        ("from . import boto3\nboto3.client()", [".boto3.client"]),
        ("from ..pkg import aws\naws.make()", ["..pkg.aws.make"]),
        ("client()", []),
    ],
)
def test_import_spellings(source, expected):
    assert resolve_calls(source) == [expected]



def test_shadowing_cases_individually():
    calls = resolve_calls(
        """
        import boto3
        from boto3 import client
        def param(boto3):
            boto3.client()
        def local():
            boto3.client()
            boto3 = object()
        def uses_global():
            boto3.client()
        def shadow_client(client):
            client()
        """
    )
    # object() is a call too.
    assert calls == [[], [], [], ["boto3.client"], []]


def test_global_declaration_and_class_scope_skipping():
    calls = resolve_calls(
        """
        def setup():
            global boto3
            import boto3
        def use():
            boto3.client()
        class A:
            boto3 = None
            def m(self):
                boto3.client()
        """
    )
    assert calls == [["boto3.client"], ["boto3.client"]]


def test_import_inside_function_and_closure():
    calls = resolve_calls(
        """
        def outer():
            import boto3 as b
            def inner():
                return b.client()
            return inner
        def elsewhere():
            b.client()
        """
    )
    assert calls == [["boto3.client"], []]


def test_try_import_with_fallback_assignment_still_resolves():
    calls = resolve_calls(
        """
        try:
            import boto3
        except ImportError:
            boto3 = None
        def f():
            boto3.client()
        """
    )
    assert calls == [["boto3.client"]]


def test_comprehension_and_lambda_scopes():
    source = textwrap.dedent(
        """
        import boto3
        xs = [boto3.client(n) for n in names]
        f = lambda boto3: boto3.client()
        g = lambda: boto3.client()
        """
    )
    model = SemanticModel(cst.parse_module(source), frozenset({cst.Call}))
    kinds = [model.scope_of(call).kind for call in model.collected]
    assert kinds == [ScopeKind.COMPREHENSION, ScopeKind.LAMBDA, ScopeKind.LAMBDA]
    assert [sorted(model.qualified_names(c.func)) for c in model.collected] == [["boto3.client"], [], ["boto3.client"]]
    assert [model.scope_of(c).runs_at_import for c in model.collected] == [True, False, False]


def test_defaults_and_decorators_run_in_the_enclosing_scope():
    source = textwrap.dedent(
        """
        import boto3
        @deco(boto3.client())
        def f(x=boto3.client()):
            return boto3.client()
        """
    )
    model = SemanticModel(cst.parse_module(source), frozenset({cst.Call}))
    boto_calls = [c for c in model.collected if model.qualified_names(c.func)]
    assert [model.scope_of(c).runs_at_import for c in boto_calls] == [True, True, False]

