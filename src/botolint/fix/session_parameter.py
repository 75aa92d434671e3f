"""The planner of ``SessionParameter`` fixes (AWS101, AWS102, AWS203 and
AWS301's ``boto3.client/resource`` calls): the function gets a session
parameter (a new keyword-only one, or one it already has) and each flagged
call is made from it, falling back to what it used before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Tuple, Union

import libcst as cst

from botolint.fix.model import DEFAULT_PARAM_NAME, SECOND_PARAM_NAME, FilePlan, FixOptions, FunctionFix, Leftover, SessionParam
from botolint.fix.names import choose_param_name, qualified_function_name, visible_boto3_name
from botolint.fixes import SessionParameter
from botolint.objects import BOTO3_MODULE, SESSION_CLASS, ObjectKind, is_staticmethod
from botolint.rule import Finding
from botolint.semantic import BindingKind, SemanticModel, iter_params, names_in_expression


def plan_session_parameters(plan: FilePlan, findings: List[Finding], options: FixOptions) -> None:
    by_function: Dict[cst.CSTNode, List[Finding]] = {}
    for finding in findings:
        by_function.setdefault(_owning_def(finding.fix.function, plan.semantic), []).append(finding)
    for function, function_findings in by_function.items():
        if isinstance(function, cst.FunctionDef):
            _plan_function(plan, function, function_findings, options)
        else:
            reason = "not fixable: lambda outside any function (it cannot take a session parameter)"
            plan.left += [leftover(finding, reason) for finding in function_findings]


def _owning_def(function: Union[cst.FunctionDef, cst.Lambda], semantic: SemanticModel) -> cst.CSTNode:
    """A lambda cannot take a new parameter, but one inside a function can read
    that function's session through the closure: its calls belong to the
    nearest enclosing ``def``. Lambdas outside any ``def`` stay as they are."""
    owner: cst.CSTNode = function
    while isinstance(owner, cst.Lambda):
        enclosing = semantic.scope_of(owner).enclosing_function
        if enclosing is None:
            break
        owner = enclosing.node
    return owner


def leftover(finding: Finding, reason: str) -> Leftover:
    return Leftover(finding.line, finding.column, finding.code, reason)


def fallback_mode(fix: SessionParameter, options: FixOptions) -> str:
    """What a rewritten call falls back to: worker-thread calls always get a
    Session of their own (sharing the default one is the race AWS203 is about)."""
    return fix.fallback or options.fallback


def _plan_function(plan: FilePlan, function: cst.FunctionDef, findings: List[Finding], options: FixOptions) -> None:
    semantic = plan.semantic
    existing = existing_session_param(plan, function, options)
    fallbacks = [(finding, _fallback(finding.fix.call, semantic, fallback_mode(finding.fix, options))) for finding in findings]
    fixable = [(finding, fallback) for finding, fallback in fallbacks if fallback is not None]
    plan.left += [leftover(f, "not fixable: no name refers to the boto3 module here") for f, m in fallbacks if m is None]
    if not fixable:
        return
    fallback_names = frozenset(name for _, fallback in fixable for name in names_in_expression(fallback.expression))
    if existing is not None:
        param, adds = existing, False
    else:
        name = choose_param_name(function, semantic, options.param_name, taken=fallback_names)
        if name is None:
            reason = f"not fixable: the names {options.param_name!r} and {SECOND_PARAM_NAME!r} are already used in this function"
            plan.left += [leftover(f, reason) for f, _ in fixable]
            return
        param, adds = SessionParam(name), True
    annotation = _annotation(function, semantic, any(f.needs_import for _, f in fixable)) if adds else None
    plan.fixes[function] = FunctionFix(
        function, qualified_function_name(function, semantic), param, adds, annotation, len(fixable)
    )
    plan.sessions[function] = param
    for finding, fallback in fixable:
        fix: SessionParameter = finding.fix
        plan.call_funcs[fix.call] = session_factory(fix.call, param.name, fallback, fix.kind, fallback_mode(fix, options))
        plan.needs_boto3_import |= fallback.needs_import
        if not fallback.imported:
            plan.maybe_unused += from_import_of(fix.call, semantic)


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
    semantic = plan.semantic
    name = choose_param_name(function, semantic, options.param_name)
    if name is None:
        return None
    param = SessionParam(name)
    annotation = _annotation(function, semantic, False)
    plan.fixes[function] = FunctionFix(function, qualified_function_name(function, semantic), param, True, annotation, 0)
    plan.sessions[function] = param
    return param


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


def note_existing_sessions(plan: FilePlan, options: FixOptions) -> None:
    """Functions the fix does not touch but that already take a boto3 session:
    they can pass it on, and be passed one."""
    for node in plan.semantic.scope_created_by:
        if isinstance(node, cst.FunctionDef) and node not in plan.sessions:
            param = existing_session_param(plan, node, options)
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


# -- the session parameter -----------------------------------------------------


def existing_session_param(plan: FilePlan, function: cst.FunctionDef, options: FixOptions) -> Optional[SessionParam]:
    """The parameter through which ``function`` already takes a boto3 session:
    one annotated as a boto3 Session, or one named like a session, required or
    defaulting to None, and used as a boto3 session in the body."""
    semantic = plan.semantic
    outer_scope = semantic.scope_of(function)
    values = plan.analysis.values
    names = {options.param_name, DEFAULT_PARAM_NAME, SECOND_PARAM_NAME}
    candidates = list(_named_params(function.params))
    for param, position, keyword_ok in candidates:
        if param.annotation is not None and ObjectKind.SESSION in values.annotation_kinds(param.annotation.annotation, outer_scope):
            return SessionParam(param.name.value, position, keyword_ok)
    for param, position, keyword_ok in candidates:
        name = param.name.value
        if name in names and (param.default is None or _is_none(param.default)) and _used_as_session(plan, function, name):
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
    """Parameters a caller can name: ``(param, position or None, passable by keyword)``."""
    positional = [(param, False) for param in params.posonly_params] + [(param, True) for param in params.params]
    for position, (param, keyword_ok) in enumerate(positional):
        yield param, position, keyword_ok
    for param in params.kwonly_params:
        yield param, None, True


def _is_none(node: Optional[cst.BaseExpression]) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _used_as_session(plan: FilePlan, function: cst.FunctionDef, name: str) -> bool:
    """``name.client(...)``, ``name.resource(...)``, or ``(name or boto3)`` /
    ``(name or boto3.Session(...))`` in the function's code: a database session
    is never used so."""
    semantic = plan.semantic
    for scope in semantic.scope_created_by[function].walk():
        for load in scope.loads:
            if load.value != name:
                continue
            parent = semantic.parent_of(load)
            if isinstance(parent, cst.Attribute) and parent.value is load and parent.attr.value in ("client", "resource"):
                return True
            if isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.Or) and parent.left is load:
                if _is_boto3_or_session(parent.right, semantic):
                    return True
    return False


def _is_boto3_or_session(node: cst.BaseExpression, semantic: SemanticModel) -> bool:
    if isinstance(node, cst.Call):
        return SESSION_CLASS in semantic.qualified_names(node.func)
    return BOTO3_MODULE in semantic.qualified_names(node)


def _fully_annotated(function: cst.FunctionDef, semantic: SemanticModel) -> bool:
    if function.returns is None:
        return False
    params = list(iter_params(function.params))
    if params and _is_method(function, semantic) and not is_staticmethod(function):
        params = params[1:]  # self / cls
    return all(param.annotation is not None for param in params)


def _is_method(function: cst.FunctionDef, semantic: SemanticModel) -> bool:
    return isinstance(semantic.scope_of(function).node, cst.ClassDef)

