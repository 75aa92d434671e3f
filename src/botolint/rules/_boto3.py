"""What several rules need to know about boto3 calls: which calls make a
Session, client or resource, which expressions are Sessions, how arguments bind
to boto3's own signatures, and what string a name was bound to.

Signatures and service lists come from the installed boto3 and botocore
(``botolint.installed``), never from hand-copied lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Tuple

import libcst as cst

from botolint.installed import parameter_names
from botolint.kinds import SESSION_CLASS, ObjectKind
from botolint.objects import default_session_factory, module_values, string_value
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
    is a boto3 Session or the boto3 module (``(session or boto3).client(...)``).
    Worked out once per call, however many rules ask."""
    known = ctx.memo(_boto3_calls)
    if node not in known:
        known[node] = _boto3_call(node, ctx)
    return known[node]


def _boto3_calls(ctx: Context) -> Dict[cst.Call, Optional[Boto3Call]]:
    return {}


def _boto3_call(node: cst.Call, ctx: Context) -> Optional[Boto3Call]:
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


def constant_strings(expr: cst.BaseExpression, ctx: Context) -> Tuple[str, ...]:
    """The string ``expr`` is: a literal, or a name whose every binding (in the
    scope the name resolves to) assigns a string literal; () otherwise."""
    literal = string_value(expr)
    if literal is not None:
        return (literal,)
    values = assigned_values(expr, ctx) if isinstance(expr, cst.Name) else None
    literals = [string_value(value) for value in values or ()]
    return () if None in literals else tuple(literals)


def assigned_values(name: cst.Name, ctx: Context) -> Optional[List[cst.BaseExpression]]:
    """What each binding of ``name`` (in the scope it resolves to) assigns;
    None when one binds it some other way (a parameter, an import, a loop)."""
    values = []
    for binding in bindings_of(name, ctx):
        if binding.kind is not BindingKind.ASSIGNMENT or binding.value is None:
            return None
        values.append(binding.value)
    return values
