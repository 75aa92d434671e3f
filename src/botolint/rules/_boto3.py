"""What several rules need to know about boto3 calls: which calls make a
Session, client or resource, which expressions are Sessions, how arguments bind
to boto3's own signatures, and what string a name was bound to.

Names, service lists and signatures come from the installed boto3 and botocore,
loaded once per process, never from hand-copied lists.
"""

from __future__ import annotations

import inspect
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, FrozenSet, Iterator, List, Optional, Tuple

import libcst as cst

from botolint.kinds import SESSION_CLASS, ObjectKind
from botolint.objects import default_session_factory, module_values
from botolint.rule import Context
from botolint.semantic import Binding, BindingKind

@dataclass(frozen=True)
class Boto3Call:
    """A call that makes a boto3 Session, client or resource."""

    kind: str  # "session", "client" or "resource"
    callee: str  # how messages name it: "boto3.Session", "boto3.client", "Session.client"
    node: cst.Call


def boto3_call(node: cst.Call, ctx: Context) -> Optional[Boto3Call]:
    """The boto3 factory ``node`` calls: ``boto3.Session(...)``,
    ``boto3.client/resource(...)``, or ``client/resource`` on an expression that
    is a boto3 Session or the boto3 module (``(session or boto3).client(...)``)."""
    if ctx.resolves_to(node.func, SESSION_CLASS):
        return Boto3Call("session", SESSION_CLASS, node)
    kind = default_session_factory(node, ctx.semantic)
    if kind is not None:
        return Boto3Call(kind, f"boto3.{kind}", node)
    func = node.func
    if isinstance(func, cst.Attribute) and func.attr.value in ("client", "resource"):
        if module_values(ctx).kinds_of(func.value) & {ObjectKind.SESSION, ObjectKind.MODULE}:
            return Boto3Call(func.attr.value, f"Session.{func.attr.value}", node)
    return None


def bindings_of(name: cst.Name, ctx: Context) -> List[Binding]:
    """The bindings a name read sees ([] for a node outside the model)."""
    scope = ctx.semantic.scope_by_node.get(name)
    return scope.lookup(name.value) if scope is not None else []


# -- boto3's own signatures and service lists ----------------------------------


@lru_cache(maxsize=None)
def parameter_names(kind: str) -> Tuple[str, ...]:
    """Parameter names, in positional order, of ``boto3.Session(...)`` (kind
    "session") or ``Session.client``/``Session.resource``; () if boto3 cannot
    be inspected. ``boto3.client`` forwards ``*args, **kwargs`` to
    ``Session.client``, so the method's signature is the one that counts."""
    try:
        from boto3.session import Session
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return ()
    function = {"session": Session.__init__, "client": Session.client, "resource": Session.resource}[kind]
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):  # pragma: no cover - defensive
        return ()
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return tuple(p.name for p in parameters[1:] if p.kind in named)


@lru_cache(maxsize=None)
def available_services() -> FrozenSet[str]:
    """Service names ``client()`` accepts, from botocore's installed models."""
    return _list_models("service-2", with_boto3_data=False)


@lru_cache(maxsize=None)
def available_resources() -> FrozenSet[str]:
    """Service names ``resource()`` accepts, from boto3's resource models."""
    return _list_models("resources-1", with_boto3_data=True)


def _list_models(type_name: str, *, with_boto3_data: bool) -> FrozenSet[str]:
    """The loader boto3's Session uses, built without a Session: a Session reads
    ~/.aws/config and fails on a missing AWS_PROFILE, and listing models needs
    neither credentials, configuration nor network. AWS_DATA_PATH is honoured
    as botocore does. Empty when the models cannot be read."""
    try:
        import boto3
        from botocore.loaders import create_loader

        loader = create_loader(os.environ.get("AWS_DATA_PATH"))
        if with_boto3_data:
            loader.search_paths.append(os.path.join(os.path.dirname(boto3.__file__), "data"))
        return frozenset(loader.list_available_services(type_name))
    except Exception:  # noqa: BLE001 - a broken install must not crash a lint run
        return frozenset()


# -- arguments and literals -----------------------------------------------------


def has_double_star(call: cst.Call) -> bool:
    return any(arg.star == "**" for arg in call.args)


def bound_arguments(call: Boto3Call) -> Dict[str, cst.Arg]:
    """The call's arguments by boto3 parameter name: keywords by their name,
    positionals by their place in the signature (up to the first ``*args``)."""
    names = parameter_names(call.kind)
    bound: Dict[str, cst.Arg] = {}
    position = 0
    for arg in call.node.args:
        if arg.keyword is not None:
            bound[arg.keyword.value] = arg
        elif arg.star == "*":
            position = len(names)  # where later positionals land is unknown
        elif not arg.star:
            if position < len(names):
                bound.setdefault(names[position], arg)
            position += 1
    return bound


CREDENTIAL_PARAMETERS = ("aws_access_key_id", "aws_secret_access_key", "aws_session_token")


def credential_arguments(node: cst.Call, ctx: Context) -> Iterator[Tuple[Boto3Call, str, cst.Arg]]:
    """``(call, parameter, argument)`` for each credential ``node`` passes to
    a boto3 Session, client or resource (by keyword or by position)."""
    call = boto3_call(node, ctx)
    if call is None:
        return
    arguments = bound_arguments(call)
    for parameter in CREDENTIAL_PARAMETERS:
        arg = arguments.get(parameter)
        if arg is not None:
            yield call, parameter, arg


def string_value(expr: cst.BaseExpression) -> Optional[str]:
    """The text of a plain string literal (implicit concatenation included)."""
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        value = expr.evaluated_value
        return value if isinstance(value, str) else None
    return None


def constant_strings(expr: cst.BaseExpression, ctx: Context) -> Tuple[str, ...]:
    """The string ``expr`` is: a literal, or a name whose every binding (in the
    scope the name resolves to) assigns a string literal; () otherwise."""
    literal = string_value(expr)
    if literal is not None:
        return (literal,)
    if not isinstance(expr, cst.Name):
        return ()
    values = []
    for binding in bindings_of(expr, ctx):
        value = binding.value if binding.kind is BindingKind.ASSIGNMENT and binding.value is not None else None
        literal = string_value(value) if value is not None else None
        if literal is None:
            return ()
        values.append(literal)
    return tuple(values)
