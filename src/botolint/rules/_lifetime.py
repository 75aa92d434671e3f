"""How long the object a call makes lives: made once and kept, or made on
every call and dropped. AWS301 and AWS302 both ask."""

from __future__ import annotations

from typing import Optional, Set, Union

import libcst as cst

from botolint.rule import Context
from botolint.semantic import Scope

MEMOIZING_DECORATORS = frozenset({"functools.cache", "functools.lru_cache"})
Target = Union[cst.Name, cst.Attribute, cst.Subscript]


def made_once(call: cst.Call, owner: Optional[cst.CSTNode], ctx: Context) -> bool:
    """Whether ``call`` runs once and its result is kept: in a memoized
    function, or as the lazy initialisation of a global, attribute or entry."""
    if isinstance(owner, cst.FunctionDef) and any(_memoizes(decorator, ctx) for decorator in owner.decorators):
        return True
    target = _assigned_to(call, ctx)
    if target is None:
        return False
    key = _target_key(target, ctx)
    if key is None:
        return False
    if isinstance(target, cst.Name) and not _outlives_the_call(target.value, ctx.scope_of(call)):
        return False  # a plain local is made again on every call
    for ancestor in ctx.semantic.ancestors(call):
        if ancestor is owner:
            break
        if isinstance(ancestor, (cst.If, cst.While)) and key in _keys_read(ancestor.test, ctx):
            return True
        if isinstance(ancestor, cst.BooleanOperation) and isinstance(ancestor.operator, cst.Or):
            if key in _keys_read(ancestor.left, ctx):
                return True
    return False


def _memoizes(decorator: cst.Decorator, ctx: Context) -> bool:
    expression = decorator.decorator
    if isinstance(expression, cst.Call):
        expression = expression.func
    return ctx.resolves_to(expression, *MEMOIZING_DECORATORS)


def _assigned_to(call: cst.Call, ctx: Context) -> Optional[Target]:
    """The single target of the assignment whose value ``call`` is (alone,
    in ``x or call``, or as the receiver of ``call.Table(...)``), if any."""
    node: cst.CSTNode = call
    for parent in ctx.semantic.ancestors(call):
        if isinstance(parent, cst.Assign):
            if len(parent.targets) == 1 and parent.value is node:
                target = parent.targets[0].target
                if isinstance(target, (cst.Name, cst.Attribute, cst.Subscript)):
                    return target
            return None
        if isinstance(parent, cst.BooleanOperation) or (isinstance(parent, cst.Attribute) and parent.value is node):
            node = parent
            continue
        if isinstance(parent, cst.Call) and parent.func is node:
            node = parent
            continue
        return None
    return None


def _target_key(target: cst.CSTNode, ctx: Context) -> Optional[str]:
    """What identifies the kept object: ``_client``, ``self._client``, the
    ``_clients`` of ``_clients[region]``."""
    if isinstance(target, cst.Subscript):
        return _target_key(target.value, ctx)
    if isinstance(target, (cst.Name, cst.Attribute)):
        return " ".join(ctx.module.code_for_node(target).split())
    return None


def _keys_read(test: cst.CSTNode, ctx: Context) -> Set[str]:
    found = set()
    stack = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Name, cst.Attribute)):
            found.add(" ".join(ctx.module.code_for_node(node).split()))
        stack.extend(node.children)
    return found


def _outlives_the_call(name: str, scope) -> bool:
    """A name assigned in a function keeps its value across calls only when
    it is declared global or nonlocal there."""
    return name in scope.global_names or name in scope.nonlocal_names


def kept_beyond_the_call(call: cst.Call, ctx: Context) -> bool:
    """Whether what ``call`` makes is stored where it outlives the function
    call: an attribute, a container entry, a global or nonlocal name."""
    target = _assigned_to(call, ctx)
    if isinstance(target, (cst.Attribute, cst.Subscript)):
        return True
    return isinstance(target, cst.Name) and _outlives_the_call(target.value, ctx.scope_of(call))


def reads_function_locals(expression: cst.BaseExpression, scope: Scope) -> bool:
    """Whether ``expression``, read in ``scope``, reads a name bound in a
    function (a parameter or a local), not only literals and module-level names."""
    stack = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            defining = scope.defining_scope(node.value)
            if defining is not None and defining.enclosing_function is not None:
                return True
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)  # ``creds.token``: the attribute's name is no variable
            continue
        stack.extend(node.children)
    return False
