"""Call-site propagation: a function that has a session passes it to the
functions it calls that accept one, within a file and across the files of one
run, so that a session given at the top reaches every client made below.

Callees are resolved by name, best effort and never by guessing:
- a function defined in the same file (``put(...)``, nested functions too);
- ``from pkg.mod import put`` / ``from .mod import put`` / ``import pkg.mod``
  then ``pkg.mod.put(...)``, when ``pkg.mod`` is a file of this run;
- ``self.method(...)`` / ``cls.method(...)`` inside a class that defines
  ``method``, when every method of that name in the run accepts a session
  (a subclass outside the run that overrides it would not: see the README).
Anything else (callables passed around, attributes of other objects, calls
from module scope or from lambdas) is left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import libcst as cst

from botolint.fix.build import session_statement
from botolint.fix.model import FilePlan, SessionParam, SessionSource
from botolint.fix.options import SECOND_PARAM_NAME, FixOptions
from botolint.fix.names import choose_param_name, free_module_name
from botolint.fix.calls import leftover
from botolint.fix.class_session import held_session
from botolint.fix.parameters import injection_parameters, session_like_params
from botolint.fix.profile_option import calls_after
from botolint.fix.session_parameter import add_passing_parameter
from botolint.semantic import BindingKind, Scope, ScopeKind, dotted_name

Target = Tuple[FilePlan, cst.FunctionDef]


class Project:
    """The files of one run, addressable by module name."""

    def __init__(self, plans: Sequence[FilePlan], roots: Sequence[Path], options: FixOptions = FixOptions()) -> None:
        self.plans = list(plans)
        self.options = options
        self.modules: Dict[str, FilePlan] = {}
        self.package_of: Dict[int, Tuple[str, bool]] = {}
        ambiguous: Set[str] = set()
        for plan in self.plans:
            names = module_names(Path(plan.path), roots)
            if names:
                self.package_of[id(plan)] = (names[0], Path(plan.path).stem == "__init__")
            for name in names:
                if name in self.modules and self.modules[name] is not plan:
                    ambiguous.add(name)
                self.modules.setdefault(name, plan)
        for name in ambiguous:
            del self.modules[name]
        self.method_names = _session_safe_method_names(self.plans)

    def top_level_callable(self, module: str, name: str) -> Optional[Tuple[Target, bool]]:
        plan = self.modules.get(module)
        if plan is None or plan.semantic is None:
            return None
        return _defined_callable(plan, plan.semantic.module_scope, name)

    def absolute_module(self, plan: FilePlan, node: cst.ImportFrom) -> Optional[str]:
        """The module an ``import from`` names, relative imports resolved."""
        module = dotted_name(node.module) if node.module is not None else ""
        if not node.relative:
            return module
        known = self.package_of.get(id(plan))
        if known is None:
            return None
        name, is_package = known
        parts = name.split(".") if is_package else name.split(".")[:-1]
        up = len(node.relative) - 1
        if up > len(parts):
            return None
        base = parts[: len(parts) - up]
        return ".".join(base + ([module] if module else [])) or None


def module_names(path: Path, roots: Sequence[Path]) -> List[str]:
    """The dotted names a file can be imported by: from its package structure
    (directories with ``__init__.py``), then relative to each run root."""
    path = path.resolve()
    names: List[str] = []
    parts = [] if path.stem == "__init__" else [path.stem]
    directory = path.parent
    while (directory / "__init__.py").is_file():
        parts.insert(0, directory.name)
        directory = directory.parent
    if parts:
        names.append(".".join(parts))
    for root in roots:
        root = root.resolve()
        if root.is_dir() and root in path.parents:
            relative = path.relative_to(root).with_suffix("").parts
            if relative and relative[-1] == "__init__":
                relative = relative[:-1]
            if relative and all(part.isidentifier() for part in relative):
                names.append(".".join(relative))
    return list(dict.fromkeys(names))


def _defined_callable(plan: FilePlan, scope: Scope, name: str) -> Optional[Tuple[Target, bool]]:
    """The function ``name`` is bound to in ``scope`` (or, for a class, its
    ``__init__``: a bound method), when it accepts a session."""
    target = _defined_function(plan, scope, name)
    if target is not None:
        return target, False
    bindings = scope.bindings.get(name, [])
    if len(bindings) == 1 and isinstance(bindings[0].node, cst.ClassDef) and not bindings[0].node.decorators:
        class_scope = plan.semantic.scope_created_by.get(bindings[0].node)
        init = _defined_function(plan, class_scope, "__init__") if class_scope is not None else None
        if init is not None:
            return init, True
    return None


def _defined_function(plan: FilePlan, scope: Scope, name: str) -> Optional[Target]:
    bindings = scope.bindings.get(name, [])
    if (
        len(bindings) == 1
        and bindings[0].kind is BindingKind.DEFINITION
        and isinstance(bindings[0].node, cst.FunctionDef)
    ):
        if bindings[0].node in plan.sessions:
            return plan, bindings[0].node
    return None


def _session_safe_method_names(plans: Iterable[FilePlan]) -> Set[str]:
    """Method names that, in every class of the run defining them, accept a session."""
    accepting: Set[str] = set()
    refusing: Set[str] = set()
    for plan in plans:
        if plan.semantic is None:
            continue
        for node, scope in plan.semantic.scope_created_by.items():
            if scope.kind is not ScopeKind.CLASS:
                continue
            for statement in _class_body(node):
                if isinstance(statement, cst.FunctionDef):
                    (accepting if statement in plan.sessions else refusing).add(statement.name.value)
    return accepting - refusing


def _class_body(node: cst.ClassDef) -> List[cst.CSTNode]:
    body = node.body
    return list(body.body) if isinstance(body, cst.IndentedBlock) else []


def propagate(project: Project) -> int:
    """Fill in ``plan.passes`` for every plan; returns the number of call sites.
    With ``add_to_callers``, first give every function that calls one taking a
    session a parameter of its own, repeating until no caller is added. Then
    settle the session sources (``--profile``) and pass sessions along."""
    calls = {id(plan): plan.semantic.call_order for plan in project.plans}
    while True:
        changed = _recognize_carriers(project, calls)
        # A private helper's callers pass it the session (nobody else can);
        # with add_to_callers, every caller does.
        changed |= _add_callers(project, calls, private_only=not project.options.add_to_callers)
        if not changed:
            break
        project.method_names = _session_safe_method_names(project.plans)
    count = sum(_pass_from_sources(project, plan) for plan in project.plans)
    for plan in project.plans:
        if not plan.sessions and not plan.class_sessions:
            continue
        count += _pass_to_base_init(plan)
        for call in calls[id(plan)]:
            passed = _session_to_pass(project, plan, call)
            if passed is not None and call not in plan.passes:
                plan.passes[call] = passed
                count += 1
    return count


def _pass_to_base_init(plan: FilePlan) -> int:
    """A subclass ``__init__`` with a session whose base class (in the same
    module) takes one in its ``__init__`` too passes it on in
    ``super().__init__(...)``: else the base's methods (``self._session``)
    use the default session while the subclass uses the caller's."""
    count = 0
    classes = {node.name.value: node for node in plan.module.body if isinstance(node, cst.ClassDef)}
    for function, param in list(plan.sessions.items()):
        if function.name.value != "__init__":
            continue
        scope = plan.semantic.scope_created_by.get(function)
        owner = scope.parent if scope is not None else None
        if owner is None or owner.kind is not ScopeKind.CLASS:
            continue
        base_params = [
            plan.sessions.get(_init_of(classes[base.value.value]))
            for base in owner.node.bases
            if isinstance(base.value, cst.Name) and base.value.value in classes
        ]
        base_param = next((found for found in base_params if found is not None), None)
        if base_param is None or not base_param.keyword_ok:
            continue
        for call in plan.semantic.call_order:
            if call in plan.passes or not _is_super_init(call):
                continue
            inner = plan.semantic.scope_by_node.get(call)
            if inner is None or inner.enclosing_function is None or inner.enclosing_function.node is not function:
                continue
            if _forwards_without(call, function, base_param, param):
                plan.passes[call] = (base_param.name, param.name)
                count += 1
    return count


def _init_of(cls: cst.ClassDef) -> Optional[cst.FunctionDef]:
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else []
    return next((node for node in body if isinstance(node, cst.FunctionDef) and node.name.value == "__init__"), None)


def _is_super_init(call: cst.Call) -> bool:
    func = call.func
    return (
        isinstance(func, cst.Attribute) and func.attr.value == "__init__" and isinstance(func.value, cst.Call)
        and isinstance(func.value.func, cst.Name) and func.value.func.value == "super"
    )


def _forwards_without(call: cst.Call, function: cst.FunctionDef, base: SessionParam, own: SessionParam) -> bool:
    """Whether ``super().__init__(...)`` can be given the keyword: it does not
    pass it already, and a ``**kwargs`` it forwards is the function's own,
    which cannot hold the session (the function takes it by name)."""
    star_kwarg = function.params.star_kwarg
    own_kwargs = star_kwarg.name.value if isinstance(star_kwarg, cst.Param) else None
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == base.name:
            return False
        if arg.star == "*" and base.position is not None:
            return False  # the positional arguments may fill it
        if arg.star == "**":
            if not (isinstance(arg.value, cst.Name) and arg.value.value == own_kwargs and own.name == base.name):
                return False
    return True


def _pass_from_sources(project: Project, plan: FilePlan) -> int:
    """Settle each session source and pass it to the calls after it that
    accept one. When its function has a session parameter of its own, the
    source keeps a caller's session (``session = session or ...``) and the
    general pass passes that parameter."""
    count = 0
    for source in plan.sources:
        name = _settle(plan, source, project.options)
        if name is None:
            continue
        for call in calls_after(plan, source):
            scope = plan.semantic.scope_of(call)
            param = _accepting_callee(project, plan, call, scope, scope)
            if param is not None and call not in plan.passes:
                plan.passes[call] = (param.name, name)
                count += 1
    return count


def _settle(plan: FilePlan, source: SessionSource, options: FixOptions) -> Optional[str]:
    """Choose the source's name and queue its edits. Returns the name the calls
    after it are to pass: None when no name is free, or when the function's own
    session parameter is the name (the general pass passes that)."""
    owner = source.scope.node
    param = plan.sessions.get(owner) if isinstance(owner, cst.FunctionDef) else None
    keeps_parameter = param is not None
    if param is not None:
        name = param.name
    else:
        if isinstance(owner, cst.FunctionDef):
            name = choose_param_name(owner, plan.semantic, options.param_name)
        else:
            name = free_module_name(plan.semantic, (options.param_name, SECOND_PARAM_NAME))
        if name is None:
            reason = f"not fixable: the names {options.param_name!r} and {SECOND_PARAM_NAME!r} are taken"
            plan.left.append(leftover(source.finding, reason))
            return None
    plan.needs_boto3_import |= source.needs_import
    for statement, option in source.option_after.items():
        plan.insert_after[statement] = [option]
    plan.add_decorators.update(source.option_decorators)
    for function, parameter in source.option_params.items():
        plan.new_params.setdefault(function, []).append(parameter)
    statement = session_statement(name, source.boto3_name, source.profile, keeps_parameter)
    if source.after is not None:
        plan.insert_after.setdefault(source.after, []).append(statement)
    else:
        plan.insert_first[source.block] = [statement]
    code = plan.module.code_for_node(statement).strip()
    plan.notes.append(
        (source.finding.node, f"`--profile` option added to {source.target}; `{code}` after parsing (unsafe fix)")
    )
    return None if keeps_parameter else name


def _recognize_carriers(project: Project, calls: Dict[int, List[cst.Call]]) -> bool:
    """Parameters like ``session=None`` whose only use is to be passed on, as
    ``session=session``, to functions that take a boto3 session: they carry one
    too (an earlier fix added them; this keeps a second run from adding more)."""
    found = False
    for plan in project.plans:
        for node, scope in plan.semantic.scope_created_by.items():
            if not isinstance(node, cst.FunctionDef) or node in plan.sessions:
                continue
            for param in session_like_params(node, project.options):
                if _only_passed_on(project, plan, node, scope, param.name, calls[id(plan)]):
                    plan.sessions[node] = param
                    found = True
                    break
    return found


def _only_passed_on(
    project: Project, plan: FilePlan, function: cst.FunctionDef, scope: Scope, name: str, calls: List[cst.Call]
) -> bool:
    """Whether every mention of the parameter ``name`` in the function's code
    is ``name=name`` passing it to a function that takes a session."""
    scopes = list(scope.walk())
    parameter_only = scope.bindings.get(name, []) and all(b.kind is BindingKind.PARAMETER for b in scope.bindings[name])
    if not parameter_only or len(scope.bindings[name]) != 1:
        return False
    if any(
        name in other.global_names or name in other.nonlocal_names or name in other.mentions
        or (other is not scope and name in other.bindings)
        for other in scopes
    ):
        return False  # bound or declared again: more than passing it on
    uses = {load for other in scopes for load in other.loads if load.value == name}
    if not uses:
        return False
    passed = 0
    for call in calls:
        for arg in call.args:
            if isinstance(arg.value, cst.Name) and arg.value.value == name and arg.value in uses:
                call_scope = plan.semantic.scope_by_node.get(call)
                if call_scope is None or call_scope.enclosing_function is not scope:
                    return False
                param = _accepting_callee_ignoring_keyword(project, plan, call, call_scope, scope)
                if param is None or arg.keyword is None or arg.keyword.value != param.name:
                    return False
                passed += 1
    return passed == len(uses)


def _add_callers(project: Project, calls: Dict[int, List[cst.Call]], private_only: bool = False) -> bool:
    added = False
    for plan in project.plans:
        for call in calls[id(plan)]:
            scope = plan.semantic.scope_by_node.get(call)
            caller = scope.enclosing_function if scope is not None else None
            if caller is None or caller.kind is not ScopeKind.FUNCTION or caller.node in plan.sessions:
                continue
            if held_session(plan, caller.node) is not None:
                continue  # it passes on the session its class keeps
            if runs_on_workers(plan, caller.node) or _accepting_callee(project, plan, call, scope, caller) is None:
                continue
            if private_only and not _calls_private_helper(project, plan, call, scope, caller):
                continue
            if add_passing_parameter(plan, caller.node, project.options) is not None:
                added = True
    return added


def _session_to_pass(project: Project, plan: FilePlan, call: cst.Call) -> Optional[Tuple[str, str]]:
    semantic = plan.semantic
    scope = semantic.scope_by_node.get(call)
    if scope is None:
        return None
    caller = scope.enclosing_function
    if caller is None or caller.kind is not ScopeKind.FUNCTION:
        return None
    own = plan.sessions.get(caller.node)
    carried = own.name if own is not None else held_session(plan, caller.node)
    if carried is None:
        return None
    if runs_on_workers(plan, caller.node):
        # A session handed along inside worker code would be shared with
        # whoever passed it (AWS201): worker code makes its own.
        return None
    root = carried.partition(".")[0]
    if any(binding.scope is not caller for binding in scope.lookup(root)):
        return None  # shadowed where the call is (a comprehension variable, say)
    if caller.node not in plan.fixes and not _callee_is_fixed(project, plan, call, scope, caller):
        # Neither side changes in this run: the call keeps its behaviour (and
        # a file without findings its bytes), even if it could pass a session.
        return None
    param = _accepting_callee(project, plan, call, scope, caller)
    return (param.name, carried) if param is not None else None


def _calls_private_helper(project: Project, plan: FilePlan, call: cst.Call, scope: Scope, caller: Scope) -> bool:
    """The call reaches a private function of the same module that the fix gave
    a session parameter: only its module's code calls it."""
    resolved = _resolve_callee(project, plan, call, scope, caller)
    if resolved is None:
        return False
    (callee_plan, callee), _ = resolved
    name = callee.name.value
    private = name.startswith("_") and not (name.startswith("__") and name.endswith("__"))
    fix = callee_plan.fixes.get(callee)
    return callee_plan is plan and private and fix is not None and fix.adds_param


def runs_on_workers(plan: FilePlan, function: cst.CSTNode) -> bool:
    """Whether the project layer says the function's code runs on other threads or processes."""
    return bool(plan.analysis.context.project.workers(function))


def _callee_is_fixed(project: Project, plan: FilePlan, call: cst.Call, scope: Scope, caller: Scope) -> bool:
    resolved = _resolve_callee(project, plan, call, scope, caller)
    if resolved is None:
        return False
    (callee_plan, callee), _ = resolved
    return callee in callee_plan.fixes


def _accepting_callee(
    project: Project, plan: FilePlan, call: cst.Call, scope: Scope, caller: Scope
) -> Optional[SessionParam]:
    """The session parameter of the function ``call`` calls, when the call can
    be given it as a keyword."""
    resolved = _resolve_callee(project, plan, call, scope, caller)
    if resolved is None:
        return None
    (callee_plan, callee), bound_method = resolved
    if not _decorators_pass_keywords(callee, callee_plan):
        return None
    param = callee_plan.sessions[callee]
    if _passes_injected_object(call, callee, callee_plan):
        return None  # the client or resource it is given takes precedence over a session
    return param if _can_pass(call, param, bound_method) else None


def _passes_injected_object(call: cst.Call, callee: cst.FunctionDef, callee_plan: FilePlan) -> bool:
    """``Uploader(client=c)``: the call gives the callee a client or resource
    that it uses instead of making one from a session."""
    injected = injection_parameters(callee, callee_plan.semantic)
    if not injected:
        return False
    positional = [param.name.value for param in (*callee.params.posonly_params, *callee.params.params)]
    names = {arg.keyword.value for arg in call.args if arg.keyword is not None}
    count = sum(1 for arg in call.args if arg.keyword is None and not arg.star)
    offset = 1 if positional[:1] and positional[0] in ("self", "cls") else 0
    names |= set(positional[offset : offset + count])
    return bool(names & injected)


def _accepting_callee_ignoring_keyword(
    project: Project, plan: FilePlan, call: cst.Call, scope: Scope, caller: Scope
) -> Optional[SessionParam]:
    """Like ``_accepting_callee`` for a call that already passes the session."""
    resolved = _resolve_callee(project, plan, call, scope, caller)
    if resolved is None:
        return None
    (callee_plan, callee), _ = resolved
    return callee_plan.sessions[callee] if _decorators_pass_keywords(callee, callee_plan) else None


# Decorators known to hand keyword arguments to the function they wrap; any
# other decorator may not accept ``session=`` (a wrapper taking ``(x)`` only).
_TRANSPARENT_DECORATORS = frozenset(
    {"staticmethod", "classmethod", "functools.cache", "functools.lru_cache", "functools.wraps"}
)


def _decorators_pass_keywords(function: cst.FunctionDef, plan: FilePlan) -> bool:
    for decorator in function.decorators:
        expression = decorator.decorator
        if isinstance(expression, cst.Call):
            expression = expression.func
        names = set(plan.semantic.qualified_names(expression, plan.semantic.scope_of(function)))
        if isinstance(expression, cst.Name) and expression.value in ("staticmethod", "classmethod"):
            names.add(expression.value)
        if not names & _TRANSPARENT_DECORATORS:
            return False
    return True


def _can_pass(call: cst.Call, param: SessionParam, bound_method: bool) -> bool:
    if not param.keyword_ok:
        return False
    positional = 0
    for arg in call.args:
        if arg.star == "**" or (arg.keyword is not None and arg.keyword.value == param.name):
            return False  # may already carry it: passing it twice is a TypeError
        if arg.star == "*" and param.position is not None:
            return False
        if arg.keyword is None and not arg.star:
            positional += 1
    if param.position is not None:
        return positional + (1 if bound_method else 0) <= param.position
    return True


def _resolve_callee(
    project: Project, plan: FilePlan, call: cst.Call, scope: Scope, caller: Scope
) -> Optional[Tuple[Target, bool]]:
    func = call.func
    if isinstance(func, cst.Name):
        return _resolve_name(project, plan, func.value, scope)
    if isinstance(func, cst.Attribute):
        target = _resolve_method(project, plan, func, scope, caller)
        if target is not None:
            return target, True
        for qualified in _module_attribute_names(project, plan, func, scope):
            module, _, name = qualified.rpartition(".")
            target = project.top_level_callable(module, name) if module else None
            if target is not None:
                return target
    return None


def _module_attribute_names(project: Project, plan: FilePlan, func: cst.Attribute, scope: Scope) -> Set[str]:
    """``pkg.mod.put`` for ``pkg.mod.put`` after ``import pkg.mod``, and for
    ``mod.put`` after ``from pkg import mod`` or ``from . import mod``."""
    names = set(plan.semantic.qualified_names(func, scope))
    if isinstance(func.value, cst.Name):
        bindings = scope.lookup(func.value.value)
        if len(bindings) == 1 and isinstance(bindings[0].node, cst.ImportFrom):
            package = project.absolute_module(plan, bindings[0].node)
            original = _imported_name(bindings[0].node, func.value.value)
            if package is not None and original is not None:
                names.add(f"{package}.{original}.{func.attr.value}".lstrip("."))
    return names


def _resolve_name(project: Project, plan: FilePlan, name: str, scope: Scope) -> Optional[Tuple[Target, bool]]:
    bindings = scope.lookup(name)
    if len(bindings) != 1:
        return None
    binding = bindings[0]
    if binding.kind is BindingKind.DEFINITION:
        return _defined_callable(plan, binding.scope, name)
    if binding.kind is BindingKind.IMPORT and isinstance(binding.node, cst.ImportFrom):
        module = project.absolute_module(plan, binding.node)
        original = _imported_name(binding.node, name)
        if module is not None and original is not None:
            return project.top_level_callable(module, original)
    return None


def _imported_name(node: cst.ImportFrom, bound: str) -> Optional[str]:
    if isinstance(node.names, cst.ImportStar):
        return None
    for alias in node.names:
        name = dotted_name(alias.name)
        local = alias.asname.name.value if alias.asname is not None else name
        if local == bound:
            return name
    return None


def _resolve_method(
    project: Project, plan: FilePlan, func: cst.Attribute, scope: Scope, caller: Scope
) -> Optional[Target]:
    """``self.m(...)`` / ``cls.m(...)`` in a method of the class defining ``m``."""
    if not isinstance(func.value, cst.Name) or func.attr.value not in project.method_names:
        return None
    method = caller.node
    class_scope = caller.parent
    if class_scope is None or class_scope.kind is not ScopeKind.CLASS or not isinstance(method, cst.FunctionDef):
        return None
    first = method.params.posonly_params[:1] or method.params.params[:1]
    if not first or first[0].name.value != func.value.value or _decorated_static(method):
        return None
    bindings = scope.lookup(func.value.value)
    if len(bindings) != 1 or bindings[0].kind is not BindingKind.PARAMETER:
        return None
    return _defined_function(plan, class_scope, func.attr.value)


def _decorated_static(method: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in method.decorators)
