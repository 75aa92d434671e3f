"""How long the object a call makes lives: made once and kept, or made on
every call and dropped. AWS301 and AWS302 both ask."""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Union

import libcst as cst

from botolint.rule import Context
from botolint.semantic import BindingKind, Scope, dotted_name, iter_children
from botolint.statements import early_exit

MEMOIZING_DECORATORS = frozenset({"functools.cache", "functools.lru_cache"})
Target = Union[cst.Name, cst.Attribute, cst.Subscript]


def made_once(call: cst.Call, owner: Optional[cst.CSTNode], ctx: Context) -> bool:
    """Whether ``call`` runs once and its result is kept: in a memoized
    function, as the lazy initialisation of a global, attribute or entry, or
    in the code that such an initialisation guards."""
    if isinstance(owner, cst.FunctionDef):
        if any(_memoizes(decorator, ctx) for decorator in owner.decorators):
            return True
        if owner not in ctx.memo(_functions_that_keep):
            return False  # nothing its code assigns outlives the call: nothing is initialised lazily
    return _initialises_lazily(call, owner, ctx) or _in_lazy_initialisation(call, owner, ctx)


def _functions_that_keep(ctx: Context) -> Set[cst.CSTNode]:
    """The functions whose own code assigns an attribute or an entry, or
    declares a global or nonlocal name: only these can keep what a call makes
    (most functions do none of it, and their calls need no closer look)."""
    semantic = ctx.semantic
    found = {scope.owner for scope in map(semantic.scope_by_node.get, semantic.store_targets) if scope is not None}
    found.update(
        node for node, scope in semantic.scope_created_by.items() if scope.global_names or scope.nonlocal_names
    )
    return found


def _initialises_lazily(call: cst.Call, owner: Optional[cst.CSTNode], ctx: Context) -> bool:
    """``if _client is None: _client = call``, ``_client = _client or call``."""
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


def _in_lazy_initialisation(node: cst.CSTNode, owner: Optional[cst.CSTNode], ctx: Context) -> bool:
    """Whether ``node`` runs only until a kept object is set: in the body of
    an ``if`` that tests a global, attribute or entry that the body assigns
    (``if _config is None: data = load(); _config = parse(data)``), or after
    an early return that tests one, up to the statement that assigns it
    (``if _session: return _session`` ... ``_session = boto3.Session()``)."""
    if not isinstance(owner, cst.FunctionDef):
        return False  # module scope runs once anyway; a lambda has no statements
    statement: cst.CSTNode = node  # the top-level statement of ``owner`` that holds ``node``
    child: cst.CSTNode = node
    for ancestor in ctx.semantic.ancestors(node):
        if ancestor is owner:
            break
        if isinstance(ancestor, cst.If) and child is ancestor.body and _guards_its_body(ancestor, owner, ctx):
            return True
        statement, child = child, ancestor
    guarded = ctx.memo(_guarded_by_early_returns)
    if owner not in guarded:
        guarded[owner] = _statements_after_early_returns(owner, ctx)
    return any(held is statement for held in guarded[owner])


def _guards_its_body(statement: cst.If, owner: cst.FunctionDef, ctx: Context) -> bool:
    tested = _keys_read(statement.test, ctx)
    return bool(tested) and not _kept_keys_assigned(statement.body, owner, ctx).isdisjoint(tested)


def _statements_after_early_returns(owner: cst.FunctionDef, ctx: Context) -> Sequence[cst.BaseStatement]:
    """The top-level statements of ``owner`` between ``if <tests K>: return``
    and the last later statement that assigns K (a kept target)."""
    if not isinstance(owner.body, cst.IndentedBlock):
        return []
    statements = list(owner.body.body)
    for index, statement in enumerate(statements):
        guard = early_exit(statement, (cst.Return,))
        if guard is None:
            continue
        tested = _keys_read(guard.test, ctx)
        if not tested:
            continue  # a guard clause on parameters and locals
        last = max(
            (
                later for later in range(index + 1, len(statements))
                if not _kept_keys_assigned(statements[later], owner, ctx).isdisjoint(tested)
            ),
            default=None,
        )
        if last is not None:
            return statements[index + 1 : last + 1]
    return []


def _guarded_by_early_returns(ctx: Context) -> Dict[cst.CSTNode, Sequence[cst.BaseStatement]]:
    return {}


def _kept_keys_assigned(block: cst.CSTNode, owner: cst.FunctionDef, ctx: Context) -> FrozenSet[str]:
    """The keys of the globals, attributes and entries that ``block`` assigns
    (``_session``, ``self._client``, ``_clients`` of ``_clients[r] = ...``),
    not counting nested functions and classes, whose code runs later."""
    memo = ctx.memo(_assigned_keys)
    if block in memo:
        return memo[block]
    scope = ctx.scope_of(owner.body)
    keys: Set[str] = set()
    stack: List[cst.CSTNode] = [block]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        targets: List[cst.CSTNode] = []
        if isinstance(node, cst.Assign):
            targets = [target.target for target in node.targets]
        elif isinstance(node, cst.AnnAssign) and node.value is not None:
            targets = [node.target]
        for target in targets:
            if isinstance(target, cst.Name) and not _outlives_the_call(target.value, scope):
                continue
            key = _target_key(target, ctx)
            if key is not None:
                keys.add(key)
        stack.extend(iter_children(node))
    memo[block] = frozenset(keys)
    return memo[block]


def _assigned_keys(ctx: Context) -> Dict[cst.CSTNode, FrozenSet[str]]:
    return {}


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
        return _spelling(target, ctx)
    return None


def _spelling(node: Union[cst.Name, cst.Attribute], ctx: Context) -> str:
    # Generating code is slow: only an attribute of a call or subscript needs it.
    dotted = dotted_name(node)
    return dotted if dotted is not None else " ".join(ctx.module.code_for_node(node).split())


def _keys_read(test: cst.CSTNode, ctx: Context) -> Set[str]:
    found = set()
    stack = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.Name, cst.Attribute)):
            found.add(_spelling(node, ctx))
        stack.extend(iter_children(node))
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
    stack: List[cst.CSTNode] = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Name):
            defining = scope.defining_scope(node.value)
            if defining is not None and defining.enclosing_function is not None:
                return True
        elif isinstance(node, cst.Attribute):
            stack.append(node.value)  # ``creds.token``: the attribute's name is no variable
            continue
        stack.extend(iter_children(node))
    return False


# -- made and dropped within one iteration of a loop ----------------------------------

COMMAND_FACTORIES = frozenset({"click.command", "click.group", "typer.Typer", "argparse.ArgumentParser"})


def within_one_iteration(call: cst.Call, credentials: cst.BaseExpression, ctx: Context) -> bool:
    """Whether what ``call`` makes from ``credentials`` lives for one
    iteration of a loop whose iteration assumes them afresh:

    - ``call`` is in a loop body, the credentials come from a call made in
      that body, and the object is used there only (a local name, a receiver);
    - or ``call`` is in a module-level function that assumes the credentials
      itself and does not keep the object, the function is private or in a
      command-line module, and every use of it in its module is such a
      per-iteration call (and there is at least one).

    An object kept on ``self``, in a global or a container, or handed on
    (returned from the loop's function, passed as an argument) is not."""
    owner = ctx.scope_of(call).owner
    loop = _loop_around(call, owner, ctx)
    if loop is not None:
        return _fresh(credentials, loop, ctx, 0) and _used_in_place(call, ctx)
    if not isinstance(owner, cst.FunctionDef) or kept_beyond_the_call(call, ctx):
        return False
    if not _fresh(credentials, owner, ctx, 0):
        return False
    if ctx.scope_of(owner).owner is not None:
        return False  # module-level functions only: their callers can be found
    if not (owner.name.value.startswith("_") or ctx.memo(_command_module)):
        return False  # a public helper of a library: callers elsewhere are not seen
    return _every_use_per_iteration(owner, ctx)


def _loop_around(node: cst.CSTNode, owner: Optional[cst.CSTNode], ctx: Context) -> Optional[cst.CSTNode]:
    """The innermost ``for``/``while`` whose body holds ``node``, within ``owner``."""
    child = node
    for ancestor in ctx.semantic.ancestors(node):
        if ancestor is owner or isinstance(ancestor, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            return None
        if isinstance(ancestor, (cst.For, cst.While)) and child is ancestor.body:
            return ancestor.body
        child = ancestor
    return None


def _fresh(expr: cst.BaseExpression, within: cst.CSTNode, ctx: Context, depth: int) -> bool:
    """Whether ``expr`` (``creds["AccessKeyId"]``, ``response["Credentials"][...]``)
    comes from a call made inside ``within``, through local names bound once."""
    while depth < 8:
        depth += 1
        if isinstance(expr, (cst.Subscript, cst.Attribute)):
            expr = expr.value
        elif isinstance(expr, cst.Call):
            if isinstance(expr.func, cst.Attribute) and expr.func.attr.value == "get":
                expr = expr.func.value
                continue
            return _inside(expr, within, ctx)
        elif isinstance(expr, cst.Name):
            bindings = ctx.scope_of(expr).lookup(expr.value)
            if len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGNMENT or bindings[0].value is None:
                return False
            if not _inside(bindings[0].node, within, ctx):
                return False
            expr = bindings[0].value
        else:
            return False
    return False


def _inside(node: cst.CSTNode, within: cst.CSTNode, ctx: Context) -> bool:
    return any(ancestor is within for ancestor in ctx.semantic.ancestors(node))


def _used_in_place(value: cst.CSTNode, ctx: Context) -> bool:
    """``value`` is bound to a plain local name, or is the receiver of a chain
    of calls (``get_session().client("s3").list_buckets()``) whose result is
    dropped, bound to a local name or iterated."""
    node = value
    parent = ctx.semantic.parent_of(node)
    while (isinstance(parent, cst.Attribute) and parent.value is node) or (
        isinstance(parent, cst.Call) and parent.func is node
    ):
        node = parent
        parent = ctx.semantic.parent_of(node)
    if isinstance(parent, cst.Expr) or (isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node):
        return True
    if isinstance(parent, cst.Assign) and parent.value is node and len(parent.targets) == 1:
        target = parent.targets[0].target
        return isinstance(target, cst.Name) and not _outlives_the_call(target.value, ctx.scope_of(value))
    return False


def _every_use_per_iteration(function: cst.FunctionDef, ctx: Context) -> bool:
    bindings = ctx.semantic.module_scope.bindings.get(function.name.value, [])
    if len(bindings) != 1 or bindings[0].node is not function:
        return False
    reads = ctx.semantic.reads_of(bindings[0])
    if not reads:
        return False
    for read in reads:
        use = ctx.semantic.parent_of(read)
        if not (isinstance(use, cst.Call) and use.func is read):
            return False  # passed around as a value
        if _loop_around(use, ctx.scope_of(use).owner, ctx) is None or not _used_in_place(use, ctx):
            return False
    return True


def _command_module(ctx: Context) -> bool:
    """Whether the module is a command-line program: it builds an argparse
    parser, defines a click or Typer command, or runs under ``__main__``."""
    for call in ctx.semantic.call_order:
        if ctx.resolves_to(call.func, *COMMAND_FACTORIES):
            return True
    for statement in ctx.module.body:
        if isinstance(statement, cst.If) and "__main__" in ctx.module.code_for_node(statement.test):
            return True
    return False
