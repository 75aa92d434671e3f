"""Who calls a function, as far as the fix is concerned: whether a caller could
ever pass it a ``session``.

A new parameter helps only where someone can pass it. Nobody can at:
- test code (the test runner calls it), Lambda handlers (the runtime passes
  ``event, context``), a script's entry point (``main()`` under
  ``if __name__ == "__main__":``, a ``[project.scripts]`` target, a click or
  Typer command);
- callbacks: a function passed around as a value, or registered by a
  decorator that is not known to pass keyword arguments through;
- functions whose signature the project reads (``inspect.signature(f)``);
- properties and dunder methods (Python calls them), and overrides of a method
  of a base class from outside the project (the framework calls them): for
  these the class can take the session instead (``CLASS_FIX``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, FrozenSet, Optional, Set, Tuple

import libcst as cst

from botolint.handlers import is_lambda_handler
from botolint.lambda_names import handler_names
from botolint.project.summarize import SIGNATURE_READERS
from botolint.semantic import BindingKind, ScopeKind, SemanticModel, dotted_name
from botolint.testcode import TestCode

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

CLASS_FIX = "class"  # the class's __init__ can take the session instead
CALLBACK = "passed around as a callback"
LEFT = "left"
# Decorators known to call the function with the arguments its callers give.
TRANSPARENT_DECORATORS = frozenset(
    {
        "staticmethod", "classmethod", "functools.wraps", "functools.cache", "functools.lru_cache",
        "contextlib.contextmanager", "contextlib.asynccontextmanager", "tenacity.retry",
        "backoff.on_exception", "backoff.on_predicate", "typing.overload", "abc.abstractmethod",
    }
)
PROPERTY_DECORATORS = frozenset({"property", "functools.cached_property", "cached_property"})
COMMAND_DECORATORS = frozenset({"click.command", "click.group", "typer.Typer.command"})
COMMAND_METHODS = frozenset({"command", "callback", "group"})


def why_unpassable(
    function: cst.FunctionDef, semantic: SemanticModel, path: str, config,
    signature_read: FrozenSet[str] = frozenset(), in_project: Callable[[str], bool] = lambda name: False,
    base_defines: Callable[[str, str], bool] = lambda base, name: False,
    used_elsewhere: Callable[[cst.FunctionDef], Optional[Tuple[str, str]]] = lambda function: None,
) -> Optional[Tuple[str, str]]:
    """``(what can be done, why)`` when no caller can pass ``function`` a
    session: ``CLASS_FIX`` (the class can take it) or ``LEFT``; else None.
    ``in_project`` says whether a dotted name is the project's own code;
    ``base_defines(base, name)`` whether the project's class ``base`` has a
    method ``name`` (which a method of that name in a subclass overrides);
    ``used_elsewhere(function)`` whether another module of the project reads
    its signature (``("signature", module)``) or uses it as a value
    (``("value", module)``)."""
    scope = semantic.scope_created_by[function]
    owner = scope.parent
    name = function.name.value
    if TestCode(semantic, path, config).contains(function):
        return LEFT, "test code: the test runner calls it"
    in_class = owner is not None and owner.kind is ScopeKind.CLASS
    if in_class and name == "__init__":
        built_by = built_from_config(owner.node, semantic)
        if built_by is not None:
            return LEFT, built_by
    if in_class:
        if _decorated_by(function, semantic, PROPERTY_DECORATORS) or _is_setter(function):
            return CLASS_FIX, "a property: attribute access passes no arguments"
        if name.startswith("__") and name.endswith("__") and name != "__init__":
            return CLASS_FIX, f"{name} is called by Python itself"
        base = _external_base(owner.node, semantic, in_project)
        if base is not None and not name.startswith("_") and not _is_static(function):
            return CLASS_FIX, f"overrides a method of {base}, which its framework calls"
        overridden = _overridden_in_project(owner.node, name, semantic, in_project, base_defines)
        if overridden is not None and name != "__init__" and not _is_static(function):
            return CLASS_FIX, f"overrides {overridden}.{name}, which its callers reach through the base class"
    elif owner is not None and owner.kind is ScopeKind.MODULE:
        if is_lambda_handler(function, handler_names(config)):
            return (
                LEFT,
                "a Lambda handler: the runtime passes only (event, context); see AWS301's hoist (--unsafe-fixes)",
            )
        if name in _entry_points(semantic, path):
            return LEFT, "the script's entry point: nobody passes it arguments; see AWS105's --profile (--unsafe-fixes)"
    command = _command_decorator(function, semantic)
    if command is not None:
        return (
            LEFT,
            f"a {command} command: its options come from the command line; see AWS105's --profile (--unsafe-fixes)",
        )
    decorator = _opaque_decorator(function, semantic)
    if decorator is not None:
        return LEFT, f"decorated with {decorator}, which may not pass a session through"
    if name in signature_read:
        return LEFT, "the project reads its signature (inspect.signature): a new parameter would change what it finds"
    if _used_as_value(function, semantic):
        return LEFT, f"{CALLBACK}: whoever calls it decides its arguments"
    elsewhere = used_elsewhere(function)
    if elsewhere is not None:
        kind, module = elsewhere
        if kind == "signature":
            return LEFT, f"{module} reads its signature (inspect.signature): a new parameter would change what it finds"
        return LEFT, f"{CALLBACK} in {module}: whoever calls it decides its arguments"
    return None


def built_from_config(cls: cst.ClassDef, semantic: SemanticModel) -> Optional[str]:
    """Why the class's ``__init__`` can take no session, when the class makes
    its instances from a configuration mapping: one of its methods calls
    ``cls(..., **config)`` (or the class by name) with a mapping the method was
    given, not its own ``**kwargs`` (dagster's ``from_config_value``). Its
    arguments come from a config file, and a Session cannot."""
    for statement in cls.body.body:
        if not isinstance(statement, cst.FunctionDef):
            continue
        for call in semantic.calls.get(statement, []):
            if not (isinstance(call.func, cst.Name) and call.func.value in ("cls", cls.name.value)):
                continue
            for arg in call.args:
                if arg.star == "**" and isinstance(arg.value, cst.Name) and _is_mapping_parameter(arg.value, statement):
                    return (
                        f"built from configuration ({statement.name.value}() passes **{arg.value.value}): "
                        "a session cannot come from a config mapping"
                    )
    return None


def _is_mapping_parameter(name: cst.Name, function: cst.FunctionDef) -> bool:
    params = function.params
    star_kwarg = params.star_kwarg
    if star_kwarg is not None and star_kwarg.name.value == name.value:
        return False  # the caller's own keywords, which may hold a session
    named = (*params.posonly_params, *params.params, *params.kwonly_params)
    return any(param.name.value == name.value for param in named)


def signature_readers(semantic: SemanticModel) -> Set[str]:
    """The last names of what ``inspect.signature(...)`` and friends are given in this module."""
    found: Set[str] = set()
    for call in semantic.call_order:
        if call.args and not semantic.qualified_names(call.func).isdisjoint(SIGNATURE_READERS):
            name = dotted_name(call.args[0].value)
            if name is not None:
                found.add(name.rpartition(".")[2])
    return found


def _decorated_by(function: cst.FunctionDef, semantic: SemanticModel, names: FrozenSet[str]) -> bool:
    return any(_decorator_names(d.decorator, semantic) & names for d in function.decorators)


def _decorator_names(decorator: cst.BaseExpression, semantic: SemanticModel) -> Set[str]:
    target = decorator.func if isinstance(decorator, cst.Call) else decorator
    names = set(semantic.qualified_names(target))
    spelled = dotted_name(target)
    if spelled is not None:
        names.add(spelled)
    return names


def _is_setter(function: cst.FunctionDef) -> bool:
    return any(
        isinstance(d.decorator, cst.Attribute) and d.decorator.attr.value in ("setter", "deleter", "getter")
        for d in function.decorators
    )


def _is_static(function: cst.FunctionDef) -> bool:
    return any(
        isinstance(d.decorator, cst.Name) and d.decorator.value in ("staticmethod", "classmethod")
        for d in function.decorators
    )


def _overridden_in_project(
    cls: cst.ClassDef, name: str, semantic: SemanticModel,
    in_project: Callable[[str], bool], base_defines: Callable[[str, str], bool],
) -> Optional[str]:
    """The project's base class (imported from another of its modules) that
    defines ``name`` too: code written against the base (luigi's worker calling
    ``task.run()``) calls the override without a session."""
    for base in cls.bases:
        for qualified in sorted(semantic.qualified_names(base.value)):
            if (qualified.startswith(".") or in_project(qualified)) and base_defines(qualified, name):
                return qualified.rpartition(".")[2] or qualified
    return None


def _external_base(cls: cst.ClassDef, semantic: SemanticModel, in_project: Callable[[str], bool]) -> Optional[str]:
    """The first base class imported from outside the project (``luigi.Task``,
    ``threading.Thread``), whose methods a framework may call."""
    for base in cls.bases:
        for name in sorted(semantic.qualified_names(base.value)):
            if not name.startswith(".") and not in_project(name):
                return name
    return None


def _command_decorator(function: cst.FunctionDef, semantic: SemanticModel) -> Optional[str]:
    for decorator in function.decorators:
        names = _decorator_names(decorator.decorator, semantic)
        if any(name.startswith("click.") for name in names):
            return "click"
        target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        if (
            isinstance(target, cst.Attribute)
            and target.attr.value in COMMAND_METHODS
            and isinstance(target.value, cst.Name)
        ):
            for binding in semantic.scope_of(target.value).lookup(target.value.value):
                if isinstance(binding.value, cst.Call) and "typer.Typer" in semantic.qualified_names(
                    binding.value.func
                ):
                    return "Typer"
    return None


def _opaque_decorator(function: cst.FunctionDef, semantic: SemanticModel) -> Optional[str]:
    for decorator in function.decorators:
        names = _decorator_names(decorator.decorator, semantic)
        if names & (TRANSPARENT_DECORATORS | PROPERTY_DECORATORS) or _is_setter(function):
            continue
        expression = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
        return f"@{dotted_name(expression) or 'a decorator'}"
    return None


def _used_as_value(function: cst.FunctionDef, semantic: SemanticModel) -> bool:
    """Read other than to call it: passed, stored, returned, registered."""
    for binding in semantic.scope_of(function).lookup(function.name.value):
        if binding.kind is BindingKind.DEFINITION and binding.node is function:
            for read in semantic.reads_of(binding):
                parent = semantic.parent_of(read)
                if not (isinstance(parent, cst.Call) and parent.func is read):
                    return True
    return False


def _entry_points(semantic: SemanticModel, path: str) -> Set[str]:
    """Functions the module runs as a script (under ``if __name__ ==
    "__main__":``) or that the project declares as console scripts."""
    found: Set[str] = set()
    for statement in semantic.module.body:
        if isinstance(statement, cst.If) and _is_main_test(statement.test):
            for call in semantic.calls.get(None, []):
                if (
                    isinstance(call.func, cst.Name)
                    and _inside(call, statement, semantic)
                    and _runs_the_script(call, semantic)
                ):
                    found.add(call.func.value)
    found |= _declared_scripts(path)
    return found


def _runs_the_script(call: cst.Call, semantic: SemanticModel) -> bool:
    """``main()`` as a statement of its own, or given to ``sys.exit``,
    ``SystemExit`` or ``asyncio.run``: the call that runs the script."""
    parent = semantic.parent_of(call)
    if isinstance(parent, cst.Expr):
        return True
    if isinstance(parent, cst.Arg):
        outer = semantic.parent_of(parent)
        if isinstance(outer, cst.Call):
            names = semantic.qualified_names(outer.func) | {dotted_name(outer.func) or ""}
            return bool(names & {"sys.exit", "exit", "SystemExit", "asyncio.run", "raise_systemexit"})
    return False


def _is_main_test(test: cst.BaseExpression) -> bool:
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1):
        return False
    sides = {dotted_name(test.left), dotted_name(test.comparisons[0].comparator) or ""}
    values = {getattr(side, "value", "") for side in (test.left, test.comparisons[0].comparator)}
    return "__name__" in sides and any(v.strip("'\"") == "__main__" for v in values if isinstance(v, str))


def _inside(node: cst.CSTNode, statement: cst.CSTNode, semantic: SemanticModel) -> bool:
    return any(ancestor is statement for ancestor in semantic.ancestors(node))


def _declared_scripts(path: str) -> Set[str]:
    """The function names ``[project.scripts]`` points at in this module's
    project, when the module is one of them (matched by its file name)."""
    if path in ("<string>", "-"):
        return set()
    from botolint.project.layout import Layout  # the fix imports the project layer lazily

    layout = Layout.of(Path(path))
    module = layout.module_name(Path(path))
    pyproject = layout.root / "pyproject.toml"
    if module is None or not pyproject.is_file():
        return set()
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return set()
    project = data.get("project", {}) if isinstance(data, dict) else {}
    found: Set[str] = set()
    for table in (project.get("scripts", {}), project.get("gui-scripts", {})):
        if isinstance(table, dict):
            for target in table.values():
                if isinstance(target, str) and ":" in target:
                    target_module, _, function = target.partition(":")
                    if target_module.strip() == module:
                        found.add(function.strip().partition(".")[0])
    return found
