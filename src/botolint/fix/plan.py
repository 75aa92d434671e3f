"""What ``botolint fix`` will change in one file, decided from the core's findings.

The core says which calls use the default session (AWS101/AWS102) and which
function each belongs to (``finding.fix["function"]``); nothing here looks for
boto3 calls again. This module decides, per function, which parameter carries
the session (a new keyword-only one, or one the function already has) and what
each flagged call becomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterator, List, Optional, Tuple

import libcst as cst

from botolint.engine import CANONICAL_NAMES, FileAnalysis
from botolint.rule import Finding, all_rules
from botolint.semantic import BindingKind, Scope, SemanticModel

FIXABLE_CODES = frozenset({"AWS101", "AWS102"})
# Rules that replace AWS101/AWS102 on some calls and whose findings on
# ``boto3.client``/``boto3.resource`` carry the same fix data.
WORKER_THREAD_CODE = "AWS203"  # fixed with a new Session per call, see below
LAMBDA_HANDLER_CODE = "AWS301"  # fixed like AWS101: the runtime passes only (event, context)
PROFILE_OPTION_CODE = "AWS105"  # --unsafe-fixes: fix/profile_option.py
SESSION_PARAM_CODES = FIXABLE_CODES | {WORKER_THREAD_CODE, LAMBDA_HANDLER_CODE}
IMPORT_TIME_CODE = "AWS103"
DEFAULT_PARAM_NAME = "session"
SECOND_PARAM_NAME = "boto3_session"
FALLBACKS = ("default", "new-session")
SESSION_CLASSES = frozenset({"boto3.Session"})


@dataclass(frozen=True)
class FixOptions:
    param_name: str = DEFAULT_PARAM_NAME
    # "default": ``(session or boto3).client(...)``, which keeps the module's
    # default session; "new-session": ``(session or boto3.Session()).client(...)``.
    fallback: str = "default"
    # Also give a session parameter to functions that call a function taking
    # one, up their call chains, so that the session can be passed from the top.
    add_to_callers: bool = False
    # Make import-time clients (AWS103) from one module-level session: this
    # changes which session they use, hence "unsafe".
    unsafe_fixes: bool = False


@dataclass(frozen=True)
class SessionParam:
    """A parameter through which a function receives a boto3 session."""

    name: str
    # Index among the positional parameters, None when keyword-only.
    position: Optional[int] = None
    keyword_ok: bool = True


@dataclass(eq=False)
class FunctionFix:
    node: cst.FunctionDef
    qualname: str
    param: SessionParam
    adds_param: bool
    annotation: Optional[str]
    findings: List[Finding]


@dataclass(frozen=True)
class Leftover:
    """A finding ``fix`` does not rewrite, and why."""

    line: int
    column: int
    code: str
    reason: str


@dataclass(frozen=True)
class ModuleSession:
    index: int  # of the module statement it goes before
    name: str
    module: cst.BaseExpression  # the boto3 module, as the file names it
    calls: int


@dataclass(eq=False)
class FilePlan:
    path: str
    analysis: FileAnalysis
    fixes: Dict[cst.FunctionDef, FunctionFix] = field(default_factory=dict)
    # Every function that has a session parameter once the fix is applied.
    sessions: Dict[cst.FunctionDef, SessionParam] = field(default_factory=dict)
    # The new ``func`` of each rewritten call.
    call_funcs: Dict[cst.Call, cst.BaseExpression] = field(default_factory=dict)
    # Calls that will pass a session along: call -> (keyword, value).
    passes: Dict[cst.Call, Tuple[str, str]] = field(default_factory=dict)
    needs_boto3_import: bool = False
    # ``name = boto3.Session()`` inserted before module statement ``index``.
    module_session: Optional["ModuleSession"] = None
    # ``from boto3 import client [as name]`` imports that may now be unused:
    # (object, alias); RemoveImportsVisitor drops only those nothing else uses.
    maybe_unused: List[Tuple[str, Optional[str]]] = field(default_factory=list)
    left: List[Leftover] = field(default_factory=list)
    # --unsafe-fixes for AWS105 (a ``profile_option.ProfileOption``), and the
    # statements it inserts after existing ones.
    profile_option: Optional[object] = None
    insert_after: Dict[cst.CSTNode, List[cst.BaseStatement]] = field(default_factory=dict)
    insert_first: Dict[cst.IndentedBlock, List[cst.BaseStatement]] = field(default_factory=dict)
    # A click command's new ``@click.option`` (inserted at that index) and keyword-only parameter.
    add_decorators: Dict[cst.FunctionDef, Tuple[int, cst.Decorator]] = field(default_factory=dict)
    add_params: Dict[cst.FunctionDef, str] = field(default_factory=dict)

    @property
    def semantic(self) -> SemanticModel:
        return self.analysis.semantic

    @property
    def has_changes(self) -> bool:
        return bool(self.call_funcs or self.passes or self.insert_after or self.insert_first or self.add_decorators)


def plan_file(analysis: FileAnalysis, findings: List[Finding], options: FixOptions) -> FilePlan:
    """Decide the rewrite of one analyzed file; ``findings`` are the ones not
    silenced by ``noqa`` (a silenced finding is not fixed)."""
    plan = FilePlan(analysis.path, analysis)
    if analysis.module is None or analysis.semantic is None:
        return plan
    by_function: Dict[cst.CSTNode, List[Finding]] = {}
    import_time: List[Finding] = []
    for finding in findings:
        if finding.code in SESSION_PARAM_CODES and "function" in finding.fix:
            reason = _not_fixed_by_options(finding, options)
            if reason is None:
                by_function.setdefault(finding.fix["function"], []).append(finding)
            else:
                plan.left.append(_leftover(finding, reason))
        elif finding.code == IMPORT_TIME_CODE:
            import_time.append(finding)
        elif finding.code == PROFILE_OPTION_CODE:
            from botolint.fix.profile_option import plan_profile_option

            plan_profile_option(plan, finding, options)
        elif finding.code == LAMBDA_HANDLER_CODE:
            plan.left.append(_leftover(finding, "not rewritten: creating it once at module scope (AWS301's advice) is a manual change"))
        elif finding.code in _replacing_codes():
            plan.left.append(_leftover(finding, f"not rewritten: {finding.code} gives other advice here (see `botolint rule {finding.code}`)"))
    for function, function_findings in _lambdas_to_their_function(by_function, analysis.semantic).items():
        if isinstance(function, cst.FunctionDef):
            _plan_function(plan, function, function_findings, options)
        else:
            plan.left += [_leftover(f, "not fixable: lambda outside any function (it cannot take a session parameter)") for f in function_findings]
    if import_time and options.unsafe_fixes:
        from botolint.fix.module_session import plan_module_session

        plan_module_session(plan, import_time)
    else:
        reason = "not fixable: runs at import time (module or class body, default value or decorator); see --unsafe-fixes"
        plan.left += [_leftover(finding, reason) for finding in import_time]
    _note_existing_sessions(plan, options)
    plan.left.sort(key=lambda item: (item.line, item.column, item.code))
    return plan


def _not_fixed_by_options(finding: Finding, options: FixOptions) -> Optional[str]:
    """Why a call the session-parameter fix could rewrite is left under these
    options, or None. A worker-thread call (AWS203) only gets the fix that
    removes its race, a new Session per call when none is passed, which
    changes behaviour: it needs --unsafe-fixes unless ``--fallback
    new-session`` already asked for that behaviour everywhere."""
    if finding.code == WORKER_THREAD_CODE and not options.unsafe_fixes and options.fallback != "new-session":
        return (
            "needs --unsafe-fixes (or --fallback new-session): its fix makes a new boto3.Session() per call, "
            "which ignores setup_default_session() and patches of boto3.client/resource"
        )
    return None


def fallback_mode(finding: Finding, options: FixOptions) -> str:
    """The fallback of one rewritten call: worker-thread calls always get a
    Session of their own (sharing the default one is the race AWS203 is about)."""
    return "new-session" if finding.code == WORKER_THREAD_CODE else options.fallback


def _replacing_codes() -> FrozenSet[str]:
    """Rules that replace AWS101/AWS102 on some calls (AWS301 in Lambda handlers):
    their findings are left for a person, with a pointer to their advice."""
    return frozenset(rule.code for rule in all_rules() if FIXABLE_CODES & set(rule.supersedes))


def _lambdas_to_their_function(
    by_function: Dict[cst.CSTNode, List[Finding]], semantic: SemanticModel
) -> Dict[cst.CSTNode, List[Finding]]:
    """A lambda cannot take a new parameter, but one inside a function can read
    that function's session through the closure: its findings move to the
    nearest enclosing ``def``. Lambdas outside any ``def`` stay as they are."""
    moved: Dict[cst.CSTNode, List[Finding]] = {}
    for function, findings in by_function.items():
        owner = function
        while isinstance(owner, cst.Lambda):
            enclosing = semantic.scope_of(owner).enclosing_function
            if enclosing is None:
                break
            owner = enclosing.node
        moved.setdefault(owner, []).extend(findings)
    return moved


def _leftover(finding: Finding, reason: str) -> Leftover:
    return Leftover(finding.line, finding.column, finding.code, reason)


def _plan_function(plan: FilePlan, function: cst.FunctionDef, findings: List[Finding], options: FixOptions) -> None:
    semantic = plan.semantic
    existing = existing_session_param(function, semantic, options)
    fallbacks = [(finding, _fallback(finding.node, semantic, fallback_mode(finding, options))) for finding in findings]
    fixable = [(finding, fallback) for finding, fallback in fallbacks if fallback is not None]
    plan.left += [_leftover(f, "not fixable: no name refers to the boto3 module here") for f, m in fallbacks if m is None]
    if not fixable:
        return
    fallback_names = frozenset(name for _, fallback in fixable for name in _names_of(fallback.expression))
    if existing is not None:
        param, adds = existing, False
    else:
        name = choose_param_name(function, options.param_name, taken=fallback_names)
        if name is None:
            reason = f"not fixable: the names {options.param_name!r} and {SECOND_PARAM_NAME!r} are already used in this function"
            plan.left += [_leftover(f, reason) for f, _ in fixable]
            return
        param, adds = SessionParam(name), True
    annotation = _annotation(function, semantic, any(f.needs_import for _, f in fixable)) if adds else None
    plan.fixes[function] = FunctionFix(function, qualified_function_name(function, semantic), param, adds, annotation, [f for f, _ in fixable])
    plan.sessions[function] = param
    for finding, fallback in fixable:
        plan.call_funcs[finding.node] = session_factory(finding.node, param.name, fallback, finding.fix["kind"], fallback_mode(finding, options))
        plan.needs_boto3_import |= fallback.needs_import
        if not fallback.imported:
            plan.maybe_unused += from_import_of(finding.node, semantic)


def _annotation(function: cst.FunctionDef, semantic: SemanticModel, adds_import: bool) -> Optional[str]:
    """``"boto3.session.Session | None"`` for a fully annotated function, in
    the file's own name for boto3; None otherwise."""
    if not _fully_annotated(function, semantic):
        return None
    module = visible_boto3_name(semantic.scope_of(function)) or ("boto3" if adds_import else None)
    return f'"{module}.session.Session | None"' if module else None


def add_passing_parameter(plan: FilePlan, function: cst.FunctionDef, options: FixOptions) -> Optional[SessionParam]:
    """Give ``function`` (which has no findings of its own) a new session
    parameter only to pass on; None when no name is free."""
    name = choose_param_name(function, options.param_name)
    if name is None:
        return None
    param = SessionParam(name)
    semantic = plan.semantic
    plan.fixes[function] = FunctionFix(
        function, qualified_function_name(function, semantic), param, True, _annotation(function, semantic, False), []
    )
    plan.sessions[function] = param
    return param


def _names_of(expression: cst.BaseExpression) -> FrozenSet[str]:
    return frozenset(names_in(expression))


def from_import_of(call: cst.Call, semantic: SemanticModel) -> List[Tuple[str, Optional[str]]]:
    if not isinstance(call.func, cst.Name):
        return []
    found = []
    for binding in semantic.scope_of(call).lookup(call.func.value):
        # Module-level imports only: removing a local one would leave its
        # function's layout behind (a blank first line), for little gain.
        module_level = binding.scope is semantic.module_scope
        if module_level and binding.kind is BindingKind.IMPORT and binding.qualified_name in ("boto3.client", "boto3.resource"):
            obj = binding.qualified_name.rpartition(".")[2]
            found.append((obj, None if binding.name == obj else binding.name))
    return found


def _note_existing_sessions(plan: FilePlan, options: FixOptions) -> None:
    """Functions the fix does not touch but that already take a boto3 session:
    they can pass it on, and be passed one."""
    for node in plan.semantic.function_scopes:
        if isinstance(node, cst.FunctionDef) and node not in plan.sessions:
            param = existing_session_param(node, plan.semantic, options)
            if param is not None:
                plan.sessions[node] = param


# -- the rewritten call --------------------------------------------------------


@dataclass(frozen=True)
class Fallback:
    """What a rewritten call uses when no session is passed."""

    # The boto3 module (``boto3``, ``aws``) or, when ``imported``, the name
    # ``from boto3 import client`` bound (``client``, ``make_client``).
    expression: cst.BaseExpression
    imported: bool = False
    needs_import: bool = False  # ``import boto3`` must be added


def session_factory(call: cst.Call, param: str, fallback: Fallback, kind: str, mode: str) -> cst.BaseExpression:
    """The new ``func`` of a flagged call: ``(session or boto3).client``,
    ``(session or boto3.Session()).client``, or, for a name imported from
    boto3, ``(session.client if session else client)``."""
    if fallback.imported:
        either = cst.IfExp(
            test=cst.Name(param),
            body=cst.Attribute(value=cst.Name(param), attr=cst.Name(kind)),
            orelse=fallback.expression.deep_clone(),
            lpar=[cst.LeftParen()],
            rpar=[cst.RightParen()],
        )
        return either.with_changes(lpar=[*call.func.lpar, cst.LeftParen()], rpar=[cst.RightParen(), *call.func.rpar])
    default = fallback.expression.deep_clone()
    if mode == "new-session":
        default = cst.Call(func=cst.Attribute(value=default, attr=cst.Name("Session")))
    either = cst.BooleanOperation(
        left=cst.Name(param), operator=cst.Or(), right=default, lpar=[cst.LeftParen()], rpar=[cst.RightParen()]
    )
    return cst.Attribute(value=either, attr=cst.Name(kind), lpar=call.func.lpar, rpar=call.func.rpar)


def _fallback(call: cst.Call, semantic: SemanticModel, mode: str) -> Optional[Fallback]:
    """None when no name for boto3 can be used where ``call`` is."""
    if isinstance(call.func, cst.Attribute):  # boto3.client / aws.client: reuse the spelling
        return Fallback(call.func.value)
    if mode == "default" and isinstance(call.func, cst.Name):
        # Keep calling the imported function itself: ``boto3.client`` may be
        # patched differently from it (``mock.patch("app.client")``, or code
        # that imported the real one before patching ``boto3.client``).
        return Fallback(call.func, imported=True)
    scope = semantic.scope_of(call)
    name = visible_boto3_name(scope)
    if name is not None:
        return Fallback(cst.Name(name))
    if not scope.lookup("boto3"):
        return Fallback(cst.Name("boto3"), needs_import=True)
    return None


def visible_boto3_name(scope: Scope) -> Optional[str]:
    """A name that refers to the boto3 module from ``scope`` (``import boto3``
    or ``import boto3 as aws``), preferring ``boto3`` itself."""
    candidates: List[str] = []
    current: Optional[Scope] = scope
    while current is not None:
        for name, bindings in current.bindings.items():
            if any(_is_boto3_import(binding) for binding in bindings):
                candidates.append(name)
        current = current.parent
    for name in sorted(set(candidates), key=lambda name: (name != "boto3", name)):
        bindings = scope.lookup(name)
        if bindings and all(_is_boto3_import(binding) for binding in bindings):
            return name
    return None


def _is_boto3_import(binding) -> bool:
    return binding.kind is BindingKind.IMPORT and binding.qualified_name == "boto3"


# -- the session parameter -----------------------------------------------------


def existing_session_param(function: cst.FunctionDef, semantic: SemanticModel, options: FixOptions) -> Optional[SessionParam]:
    """The parameter through which ``function`` already takes a boto3 session:
    one annotated as a boto3 Session, or one named like a session, required or
    defaulting to None, and used as a boto3 session in the body."""
    outer_scope = semantic.scope_of(function)
    names = {options.param_name, DEFAULT_PARAM_NAME, SECOND_PARAM_NAME}
    candidates = list(_named_params(function.params))
    for param, position, keyword_ok in candidates:
        if param.annotation is not None and _mentions_session_class(param.annotation.annotation, semantic, outer_scope):
            return SessionParam(param.name.value, position, keyword_ok)
    for param, position, keyword_ok in candidates:
        name = param.name.value
        if name in names and (param.default is None or _is_none(param.default)) and _used_as_session(function.body, name, semantic):
            return SessionParam(name, position, keyword_ok)
    return None


def session_like_params(function: cst.FunctionDef, options: FixOptions) -> Iterator[SessionParam]:
    """Parameters named like a session (``session``, ``boto3_session`` or the
    configured name) that default to None."""
    names = {options.param_name, DEFAULT_PARAM_NAME, SECOND_PARAM_NAME}
    for param, position, keyword_ok in _named_params(function.params):
        if param.name.value in names and _is_none(param.default):
            yield SessionParam(param.name.value, position, keyword_ok)


def _named_params(params: cst.Parameters) -> Iterator[Tuple[cst.Param, Optional[int], bool]]:
    position = 0
    for param in params.posonly_params:
        yield param, position, False
        position += 1
    for param in params.params:
        yield param, position, True
        position += 1
    for param in params.kwonly_params:
        yield param, None, True


def _is_none(node: Optional[cst.BaseExpression]) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _mentions_session_class(annotation: cst.BaseExpression, semantic: SemanticModel, scope: Scope) -> bool:
    for expression in _annotation_names(annotation):
        names = {CANONICAL_NAMES.get(name, name) for name in semantic.qualified_names(expression, scope)}
        if names & SESSION_CLASSES:
            return True
    return False


def _annotation_names(annotation: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """The Name/Attribute chains in an annotation, including inside strings."""
    collector = _NameChains()
    annotation.visit(collector)
    yield from collector.chains


class _NameChains(cst.CSTVisitor):
    def __init__(self) -> None:
        self.chains: List[cst.BaseExpression] = []

    def visit_Name(self, node: cst.Name) -> bool:
        self.chains.append(node)
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        self.chains.append(node)
        return False

    def visit_SimpleString(self, node: cst.SimpleString) -> bool:
        try:
            text = node.evaluated_value
            if isinstance(text, str):
                cst.parse_expression(text.strip()).visit(self)
        except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError):
            pass
        return False


def _used_as_session(body: cst.CSTNode, name: str, semantic: SemanticModel) -> bool:
    finder = _SessionUse(name, semantic)
    body.visit(finder)
    return finder.found


class _SessionUse(cst.CSTVisitor):
    """``name.client(...)``, ``name.resource(...)``, or ``(name or boto3)`` /
    ``(name or boto3.Session(...))``: a database session is never used so."""

    def __init__(self, name: str, semantic: SemanticModel) -> None:
        self.name = name
        self.semantic = semantic
        self.found = False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if isinstance(node.value, cst.Name) and node.value.value == self.name and node.attr.value in ("client", "resource"):
            self.found = True

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        if isinstance(node.operator, cst.Or) and isinstance(node.left, cst.Name) and node.left.value == self.name:
            self.found |= self._is_boto3_or_session(node.right)

    def _is_boto3_or_session(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Call):
            node = node.func
            wanted = SESSION_CLASSES
        else:
            wanted = frozenset({"boto3"})
        scope = self.semantic.scopes.get(node)
        if scope is None:
            return False
        names = {CANONICAL_NAMES.get(name, name) for name in self.semantic.qualified_names(node, scope)}
        return bool(names & wanted)


def choose_param_name(function: cst.FunctionDef, preferred: str, taken: FrozenSet[str] = frozenset()) -> Optional[str]:
    """``preferred`` unless the function already uses that name for something
    (a parameter, a local, a loop variable, a global it reads): then
    ``boto3_session``; None when both are used."""
    used = names_in(function) | set(taken)
    for candidate in (preferred, SECOND_PARAM_NAME):
        if candidate not in used:
            return candidate
    return None


def names_in(node: cst.CSTNode) -> set:
    """Every variable name read, bound or declared in ``node`` (attribute
    names and keyword-argument names are not variables)."""
    collector = _VariableNames()
    node.visit(collector)
    return collector.names


class _VariableNames(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set = set()

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False

    def visit_ImportAlias(self, node: cst.ImportAlias) -> bool:
        bound = node.asname.name if node.asname is not None else node.name
        head = bound
        while isinstance(head, cst.Attribute):
            head = head.value
        head.visit(self)
        return False


def _fully_annotated(function: cst.FunctionDef, semantic: SemanticModel) -> bool:
    if function.returns is None:
        return False
    params = _all_params(function.params)
    if params and _is_method(function, semantic) and not _is_staticmethod(function):
        params = params[1:]  # self / cls
    return all(param.annotation is not None for param in params)


def _all_params(params: cst.Parameters) -> List[cst.Param]:
    found = [*params.posonly_params, *params.params]
    if isinstance(params.star_arg, cst.Param):
        found.append(params.star_arg)
    found += params.kwonly_params
    if params.star_kwarg is not None:
        found.append(params.star_kwarg)
    return found


def _is_method(function: cst.FunctionDef, semantic: SemanticModel) -> bool:
    return semantic.scope_of(function).node is not semantic.module and isinstance(semantic.scope_of(function).node, cst.ClassDef)


def _is_staticmethod(function: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in function.decorators)


def qualified_function_name(function: cst.FunctionDef, semantic: SemanticModel) -> str:
    """``Class.method`` or ``outer.inner``, for messages."""
    parts = [function.name.value]
    for ancestor in semantic.ancestors(function):
        if isinstance(ancestor, (cst.FunctionDef, cst.ClassDef)):
            parts.append(ancestor.name.value)
    return ".".join(reversed(parts))
