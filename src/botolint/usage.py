"""What code does with a ``boto3.client(...)`` / ``boto3.resource(...)`` it
makes, where that decides whether choosing a session matters at all.

- An *introspection* client never makes a request: its every use reads what
  boto3 knows without credentials (``.meta.service_model``, ``._service_model``,
  ``.meta.region_name``, ``.exceptions``, ``can_paginate``, a paginator that
  never paginates, a waiter that never waits) or what Python knows of the
  object (``.__class__``, ``type(client)``, ``isinstance(client, ...)``).
- A *replacement* of boto3's factory is a function installed in its place
  (``patch("boto3.client", fake)``, ``boto3.client = fake``) or one that
  forwards all of its arguments to it.
- An *injection fallback* is the default of a client or resource the caller
  may pass in: ``client = client or boto3.client(...)``, or the same under
  ``if client is None:``; or through the constructor, ``self._client or
  boto3.client(...)`` where ``__init__`` sets ``self._client = client``; or
  the client made where no profile (or session) was given, when the branch
  where one was makes it from that (``if profile: boto3.Session(
  profile_name=profile)... else: boto3.client(...)``).

Where a use cannot be seen (the client is returned, passed on, stored), it
counts as making requests.
"""

from __future__ import annotations

from typing import FrozenSet, List, Optional, Set

import libcst as cst

from botolint.objects import string_value
from botolint.semantic import Binding, BindingKind, SemanticModel, dotted_name, iter_children

# Attributes of a client (or resource) that read boto3's models and settings.
INTROSPECTION_ATTRIBUTES = frozenset({"meta", "_service_model", "exceptions", "can_paginate", "__class__"})
# Builtins that ask what an object is, given it as their first argument.
INTROSPECTION_BUILTINS = frozenset({"type", "isinstance"})
# Objects that make requests only when asked to, and the method that asks.
DEFERRED_REQUESTS = {"get_paginator": "paginate", "get_waiter": "wait"}
FACTORY_NAMES = ("boto3.client", "boto3.resource")
# Keywords of ``boto3.Session(...)`` that choose whose credentials it uses.
SESSION_CHOOSING_KEYWORDS = frozenset({"profile_name", "botocore_session"})
PATCHERS = ("patch", "patch.object", "setattr")


def makes_requests(call: cst.Call, semantic: SemanticModel) -> bool:
    """Whether a client or resource made by ``call`` may make a request."""
    return _value_makes_requests(call, semantic, depth=0)


def _value_makes_requests(value: cst.BaseExpression, semantic: SemanticModel, depth: int) -> bool:
    if depth > 3:
        return True
    parent = semantic.parent_of(value)
    if isinstance(parent, cst.Attribute) and parent.value is value:
        return _attribute_makes_requests(parent, semantic, depth)
    if isinstance(parent, cst.Arg) and _asks_what_it_is(parent, semantic):
        return False
    if isinstance(parent, cst.Assign) and parent.value is value and len(parent.targets) == 1:
        target = parent.targets[0].target
        if isinstance(target, cst.Name):
            binding = _binding_of(parent, target.value, semantic)
            if binding is not None:
                reads = semantic.reads_of(binding)
                return not reads or any(_value_makes_requests(read, semantic, depth + 1) for read in reads)
    return True


def _attribute_makes_requests(attribute: cst.Attribute, semantic: SemanticModel, depth: int) -> bool:
    name = attribute.attr.value
    if name in INTROSPECTION_ATTRIBUTES:
        return False
    if name in DEFERRED_REQUESTS:
        call = semantic.parent_of(attribute)
        if isinstance(call, cst.Call) and call.func is attribute:
            return _deferred_makes_requests(call, DEFERRED_REQUESTS[name], semantic, depth)
    return True


def _asks_what_it_is(arg: cst.Arg, semantic: SemanticModel) -> bool:
    """``type(client)`` or ``isinstance(client, ...)``, with the builtin not rebound."""
    call = semantic.parent_of(arg)
    if not (isinstance(call, cst.Call) and isinstance(call.func, cst.Name) and call.args and call.args[0] is arg):
        return False
    name = call.func.value
    if name not in INTROSPECTION_BUILTINS or arg.star or arg.keyword is not None:
        return False
    if name == "type" and len(call.args) != 1:
        return False  # type(name, bases, namespace) makes a class
    return not semantic.scope_of(call.func).lookup(name)


def _deferred_makes_requests(call: cst.Call, trigger: str, semantic: SemanticModel, depth: int) -> bool:
    parent = semantic.parent_of(call)
    if isinstance(parent, cst.Attribute) and parent.value is call:
        return parent.attr.value == trigger
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
        binding = _binding_of(parent, parent.targets[0].target.value, semantic)
        if binding is not None:
            reads = semantic.reads_of(binding)
            return any(
                not (
                    isinstance(semantic.parent_of(read), cst.Attribute)
                    and semantic.parent_of(read).attr.value != trigger
                )
                for read in reads
            )
    return True


def _binding_of(assign: cst.Assign, name: str, semantic: SemanticModel) -> Optional[Binding]:
    """The binding ``name = ...`` makes, when it is the name's only one."""
    bindings = semantic.scope_of(assign.value).lookup(name)
    if len(bindings) == 1 and bindings[0].node is assign:
        return bindings[0]
    return None


# -- replacements of boto3's factories ------------------------------------------


def replaces_factory(function: cst.CSTNode, semantic: SemanticModel, installed: FrozenSet[str]) -> bool:
    """Whether ``function`` stands in for ``boto3.client``/``boto3.resource``:
    it forwards all its arguments to one, or is installed in its place
    (``installed`` is :func:`installed_factories` of its module)."""
    if not isinstance(function, cst.FunctionDef):
        return False
    return function.name.value in installed or _forwards_everything(function, semantic)


def _forwards_everything(function: cst.FunctionDef, semantic: SemanticModel) -> bool:
    params = function.params
    star = params.star_arg.name.value if isinstance(params.star_arg, cst.Param) else None
    double = params.star_kwarg.name.value if params.star_kwarg is not None else None
    if star is None or double is None:
        return False
    for call in semantic.calls.get(function, []):
        if semantic.qualified_names(call.func).isdisjoint(FACTORY_NAMES) and not _is_factory_alias(call, semantic):
            continue
        passed = {(arg.star, arg.value.value) for arg in call.args if arg.star and isinstance(arg.value, cst.Name)}
        if ("*", star) in passed and ("**", double) in passed:
            return True
    return False


def _is_factory_alias(call: cst.Call, semantic: SemanticModel) -> bool:
    """``real_client(*args, **kwargs)`` where ``real_client = boto3.client``."""
    if not isinstance(call.func, cst.Name):
        return False
    return any(
        binding.kind is BindingKind.ASSIGNMENT and binding.value is not None
        and not semantic.qualified_names(binding.value).isdisjoint(FACTORY_NAMES)
        for binding in semantic.scope_of(call.func).lookup(call.func.value)
    )


def installed_factories(semantic: SemanticModel) -> FrozenSet[str]:
    """The names a module installs in place of boto3's factories:
    ``patch("boto3.client", fake)``, ``monkeypatch.setattr(boto3, "client", fake)``,
    ``boto3.client = fake``. One pass over the module's calls."""
    names: Set[str] = set()
    for call in semantic.call_order:
        callee = semantic.qualified_names(call.func) or {dotted_name(call.func)}
        if not any(n.endswith(PATCHERS) for n in callee if n):
            continue
        if _patches_factory(call, semantic):
            names.update(arg.value.value for arg in call.args if isinstance(arg.value, cst.Name))
    for target, value, _ in semantic.attribute_stores:
        if isinstance(value, cst.Name) and not semantic.qualified_names(target).isdisjoint(FACTORY_NAMES):
            names.add(value.value)
    return frozenset(names)


def _patches_factory(call: cst.Call, semantic: SemanticModel) -> bool:
    strings = [string_value(arg.value) for arg in call.args if arg.keyword is None]
    if any(text in FACTORY_NAMES for text in strings if text):
        return True
    # patch.object(boto3, "client", fake) / monkeypatch.setattr(boto3, "client", fake)
    positional = [arg.value for arg in call.args if arg.keyword is None and not arg.star]
    return (
        len(positional) >= 2
        and "boto3" in semantic.qualified_names(positional[0])
        and string_value(positional[1]) in ("client", "resource")
    )


# -- client injection -------------------------------------------------------------


def is_injection_fallback(call: cst.Call, semantic: SemanticModel) -> bool:
    """``x = x or boto3.client(...)`` or ``if x is None: x = boto3.client(...)``
    where ``x`` is a parameter of the function, or an attribute its class's
    ``__init__`` sets from one of its own (``self._client = client``): the
    caller may pass its own. What is made from the call
    (``boto3.resource(...).Table(...)``) counts too."""
    default_of = _stands_in_for(call, semantic)
    return default_of is not None and (
        _parameter_name(default_of, semantic) is not None or _set_by_the_constructor(default_of, semantic)
    )


def injected_name(call: cst.Call, semantic: SemanticModel) -> Optional[str]:
    """The parameter an injection fallback stands in for, or None."""
    default_of = _stands_in_for(call, semantic)
    return _parameter_name(default_of, semantic) if default_of is not None else None


def _stands_in_for(call: cst.Call, semantic: SemanticModel) -> Optional[cst.BaseExpression]:
    """What ``call`` is the default of: ``x`` in ``x or boto3.client(...)``,
    ``x = boto3.client(...)`` under ``if x is None:`` (or ``if not x:``), or a
    client made or returned on the path where ``x`` was not given, when the
    path where it was makes the client from it (``if profile:
    Session(profile_name=profile)... else: boto3.client(...)``, or
    ``session.client(...) if session else boto3.client(...)``)."""
    value: cst.BaseExpression = call
    parent = semantic.parent_of(value)
    while isinstance(parent, cst.Attribute) and isinstance(semantic.parent_of(parent), cst.Call):
        value = semantic.parent_of(parent)
        parent = semantic.parent_of(value)
    if isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.Or) and parent.right is value:
        return parent.left
    if isinstance(parent, cst.IfExp):
        if parent.orelse is value:
            tested, given_branch = _tested_given(parent.test), parent.body
        else:
            tested, given_branch = _tested_absent(parent.test), parent.orelse
        return tested if tested is not None and _chooses_session_from(given_branch, tested) else None
    if isinstance(parent, (cst.Assign, cst.Return)) and parent.value is value:
        return _default_when_absent(parent, semantic)
    return None


def _default_when_absent(statement: cst.CSTNode, semantic: SemanticModel) -> Optional[cst.BaseExpression]:
    """The ``x`` that ``statement`` stands in for, on the branch that runs
    only when ``x`` was not given: it sets ``x`` itself, or the branch where
    ``x`` was given chooses the session from it."""
    child = statement
    for ancestor in semantic.ancestors(statement):
        if isinstance(ancestor, cst.If):
            if child is ancestor.orelse:
                tested, given_branch = _tested_given(ancestor.test), ancestor.body
            else:
                tested, given_branch = _tested_absent(ancestor.test), ancestor.orelse
            if tested is not None and (
                _sets(statement, tested) or (given_branch is not None and _chooses_session_from(given_branch, tested))
            ):
                return tested
        if isinstance(ancestor, cst.IndentedBlock):
            earlier = _returned_when_given(ancestor, child)
            if earlier is not None:
                return earlier
        if isinstance(ancestor, (cst.FunctionDef, cst.ClassDef, cst.Module, cst.Lambda)):
            break
        child = ancestor
    return None


def _returned_when_given(block: cst.IndentedBlock, line: cst.CSTNode) -> Optional[cst.BaseExpression]:
    """``x`` when a statement before ``line`` in ``block`` is ``if x:`` whose
    body chooses the session from ``x`` and always returns: ``line`` then runs
    only when ``x`` was not given."""
    for statement in block.body:
        if statement is line:
            break
        if isinstance(statement, cst.If) and statement.orelse is None and _always_leaves(statement.body):
            tested = _tested_given(statement.test)
            if tested is not None and _chooses_session_from(statement.body, tested):
                return tested
    return None


def _always_leaves(block: cst.BaseSuite) -> bool:
    last = block.body[-1] if isinstance(block, cst.IndentedBlock) and block.body else None
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], (cst.Return, cst.Raise))


def _tested_absent(test: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """The ``x`` of ``x is None`` or ``not x``."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return test.expression
    return _compared_to_none(test, cst.Is)


def _tested_given(test: cst.BaseExpression) -> Optional[cst.BaseExpression]:
    """The ``x`` of ``x`` or ``x is not None``."""
    if isinstance(test, (cst.Name, cst.Attribute)):
        return test
    return _compared_to_none(test, cst.IsNot)


def _compared_to_none(test: cst.BaseExpression, operator: type) -> Optional[cst.BaseExpression]:
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        comparison = test.comparisons[0]
        right = comparison.comparator
        if isinstance(comparison.operator, operator) and isinstance(right, cst.Name) and right.value == "None":
            return test.left
    return None


def _sets(statement: cst.CSTNode, expr: cst.BaseExpression) -> bool:
    """``statement`` is ``expr = ...``."""
    spelled = dotted_name(expr)
    return isinstance(statement, cst.Assign) and spelled is not None and any(
        dotted_name(target.target) == spelled for target in statement.targets
    )


def _made_from(call: cst.Call, spelled: str) -> bool:
    """``spelled.client(...)``, or a call given ``profile_name=spelled``."""
    func = call.func
    if isinstance(func, cst.Attribute) and func.attr.value in ("client", "resource"):
        if dotted_name(func.value) == spelled:
            return True
    return any(
        arg.keyword is not None and arg.keyword.value in SESSION_CHOOSING_KEYWORDS and dotted_name(arg.value) == spelled
        for arg in call.args
    )


def _chooses_session_from(branch: cst.CSTNode, expr: cst.BaseExpression) -> bool:
    """``branch`` makes a session or client from ``expr``:
    ``Session(profile_name=expr)`` or ``expr.client(...)``."""
    spelled = dotted_name(expr)
    if spelled is None:
        return False
    pending: List[cst.CSTNode] = [branch]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Call) and _made_from(node, spelled):
            return True
        pending.extend(iter_children(node))
    return False


def _set_by_the_constructor(expr: cst.BaseExpression, semantic: SemanticModel) -> bool:
    """``self._client`` in a method, where the class's ``__init__`` has
    ``self._client = client`` for a parameter ``client`` of its own."""
    if not (isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name)):
        return False
    method = semantic.scope_of(expr).node
    cls = semantic.scope_of(method).node if isinstance(method, cst.FunctionDef) else None
    if not isinstance(cls, cst.ClassDef) or not _is_first_parameter(expr.value.value, method):
        return False
    for init in cls.body.body:
        if isinstance(init, cst.FunctionDef) and init.name.value == "__init__" and init.params.params:
            receiver = init.params.params[0].name.value
            parameters = {param.name.value for param in (*init.params.params[1:], *init.params.kwonly_params)}
            return any(
                _assigns(statement, receiver, expr.attr.value, parameters)
                for line in init.body.body if isinstance(line, cst.SimpleStatementLine)
                for statement in line.body
            )
    return False


def _is_first_parameter(name: str, function: cst.FunctionDef) -> bool:
    params = function.params.params
    return bool(params) and params[0].name.value == name


def _assigns(statement: cst.BaseSmallStatement, receiver: str, attribute: str, parameters: Set[str]) -> bool:
    """``receiver.attribute = p`` with ``p`` one of ``parameters``."""
    if not (isinstance(statement, cst.Assign) and isinstance(statement.value, cst.Name)):
        return False
    return statement.value.value in parameters and any(
        isinstance(target.target, cst.Attribute)
        and isinstance(target.target.value, cst.Name)
        and target.target.value.value == receiver
        and target.target.attr.value == attribute
        for target in statement.targets
    )


def _parameter_name(expr: cst.BaseExpression, semantic: SemanticModel) -> Optional[str]:
    """``expr``'s name when it is a parameter of the enclosing function."""
    if not isinstance(expr, cst.Name):
        return None
    bindings: List[Binding] = semantic.scope_of(expr).lookup(expr.value)
    return expr.value if any(binding.kind is BindingKind.PARAMETER for binding in bindings) else None
