"""The planner of ``SessionParameter`` fixes (AWS101, AWS102, AWS203 and
AWS301's ``boto3.client/resource`` calls): the function gets a session
parameter (a new keyword-only one, or one it already has) and each flagged
call is made from it, falling back to what it used before.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple, Union

import libcst as cst

from botolint.fix.model import FilePlan, FunctionFix, SessionParam
from botolint.fix.options import SECOND_PARAM_NAME, FixOptions
from botolint.fix.callers import CALLBACK, CLASS_FIX, why_unpassable
from botolint.fix.calls import (
    fallback_mode, fallback_of, fresh_session_factory, from_import_of, leftover, local_session_factory,
    same_session_reads, session_factory,
)
from botolint.fix.class_session import plan_class_session
from botolint.fix.docstrings import document_parameter
from botolint.fix.parameters import annotation_for, existing_session_param, is_instance_method
from botolint.fix.profile_option import calls_after
from botolint.fix.names import choose_param_name, first_free, qualified_function_name
from botolint.fixes import SessionParameter
from botolint.rule import Finding
from botolint.semantic import BindingKind, SemanticModel, names_in_expression
from botolint.statements import is_docstring


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


def _plan_function(plan: FilePlan, function: cst.FunctionDef, findings: List[Finding], options: FixOptions) -> None:
    semantic = plan.semantic
    local = _local_session(plan, function, findings)
    if local is not None:
        for finding in findings:
            plan.call_funcs[finding.fix.call] = local_session_factory(finding.fix.call, local, finding.fix.kind)
        plan.notes.append(
            (function.name, f"{qualified_function_name(function, semantic)}() makes its clients from its own `{local}`")
        )
        return
    existing = plan.sessions.get(function) or existing_session_param(plan, function, options)
    if existing is None:
        blocked = _why_unpassable(plan, function)
        if (
            blocked is not None
            and blocked[1].startswith(CALLBACK)
            and isinstance(semantic.scope_of(function).owner, cst.FunctionDef)
        ):
            # A closure handed out (``return upload``) reads its function's session.
            _plan_function(plan, semantic.scope_of(function).owner, findings, options)
            return
        if blocked is not None or (is_instance_method(function, semantic) and function.name.value != "__init__"):
            _plan_without_parameter(plan, function, findings, options, blocked)
            return
    fallbacks = [
        (finding, fallback_of(finding.fix.call, semantic, fallback_mode(finding.fix, options))) for finding in findings
    ]
    fixable = [(finding, fallback) for finding, fallback in fallbacks if fallback is not None]
    plan.left += [
        leftover(f, "not fixable: no name refers to the boto3 module here") for f, m in fallbacks if m is None
    ]
    if not fixable:
        return
    fallback_names = frozenset(name for _, fallback in fixable for name in names_in_expression(fallback.expression))
    if existing is not None:
        param, adds = existing, False
    else:
        name = choose_param_name(function, semantic, options.param_name, taken=fallback_names)
        if name is None:
            reason = (
                f"not fixable: the names {options.param_name!r} and {SECOND_PARAM_NAME!r} "
                "are already used in this function"
            )
            plan.left += [leftover(f, reason) for f, _ in fixable]
            return
        param, adds = SessionParam(name), True
    annotation = annotation_for(plan, function) if adds else None
    if function in plan.fixes:  # __init__, given its parameter for its class's methods
        plan.fixes[function].calls += len(fixable)
    else:
        plan.fixes[function] = FunctionFix(
            function, qualified_function_name(function, semantic), param, adds, annotation, len(fixable)
        )
    plan.sessions[function] = param
    same_session_reads(plan, function, cst.Name(param.name))
    if adds:
        document_parameter(plan, function, param.name)
    bindings = _factory_bindings(plan, function, fixable, param.name, fallback_names)
    for finding, fallback in fixable:
        fix: SessionParameter = finding.fix
        binding = (
            bindings.get((fix.kind, plan.module.code_for_node(fallback.expression))) if fallback.imported else None
        )
        if binding is not None:
            plan.call_funcs[fix.call] = cst.Name(binding, lpar=fix.call.func.lpar, rpar=fix.call.func.rpar)
            continue
        plan.call_funcs[fix.call] = session_factory(
            fix.call, cst.Name(param.name), fallback, fix.kind, fallback_mode(fix, options)
        )
        plan.needs_boto3_import |= fallback.needs_import
        if not fallback.imported:
            plan.maybe_unused += from_import_of(fix.call, semantic)


def _factory_bindings(plan: FilePlan, function: cst.FunctionDef, fixable, param: str, taken) -> Dict[tuple, str]:
    """With ``from boto3 import client``, a function with several such calls
    gets one local binding, ``make_client = session.client if session else
    client``, instead of the conditional at every call."""
    if not isinstance(function.body, cst.IndentedBlock):
        return {}
    groups: Dict[tuple, int] = {}
    for finding, fallback in fixable:
        if fallback.imported:
            key = (finding.fix.kind, plan.module.code_for_node(fallback.expression))
            groups[key] = groups.get(key, 0) + 1
    names: Dict[tuple, str] = {}
    used = plan.semantic.names_used_in(function) | set(taken) | {param}
    statements = []
    for (kind, imported), count in groups.items():
        name = first_free((f"make_{kind}", f"{kind}_factory"), used)
        if count < 2 or name is None:
            continue
        used.add(name)
        names[(kind, imported)] = name
        value = cst.parse_expression(f"{param}.{kind} if {param} else {imported}")
        statements.append(
            cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=value)])
        )
    if statements:
        body = function.body.body
        if body and is_docstring(body[0]):
            plan.insert_after.setdefault(body[0], []).extend(statements)
        else:
            plan.insert_first.setdefault(function.body, []).extend(statements)
    return names



def _plan_without_parameter(
    plan: FilePlan, function: cst.FunctionDef, findings: List[Finding], options: FixOptions, blocked
) -> None:
    """A function nobody can pass a session: its class takes one instead, a
    worker-thread call gets a Session of its own, or the finding is left."""
    kind, why = blocked if blocked is not None else (CLASS_FIX, "")
    # Worker-thread calls never take a session from elsewhere (AWS201): a Session of their own.
    on_workers = [f for f in findings if f.fix.fallback == "new-session"]
    others = [f for f in findings if f.fix.fallback != "new-session"]
    if others and kind == CLASS_FIX and is_instance_method(function, plan.semantic):
        reason = plan_class_session(plan, function, others, options)
        if reason is None:
            others = []
        else:
            why = f"{why}; {reason}" if why else reason
    others = _use_profile_session(plan, function, others, options)
    leftovers = []
    for finding in on_workers + others:
        fix: SessionParameter = finding.fix
        if fix.fallback == "new-session" and not why.startswith("test code"):
            fallback = fallback_of(fix.call, plan.semantic, "new-session")
            if fallback is not None:
                plan.call_funcs[fix.call] = fresh_session_factory(fix.call, fallback, fix.kind)
                plan.needs_boto3_import |= fallback.needs_import
                plan.maybe_unused += from_import_of(fix.call, plan.semantic)
                continue
        leftovers.append(leftover(finding, f"no session parameter added: {why}"))
    plan.left += leftovers
    if blocked is None and leftovers and not on_workers:
        plan.left_for_want_of_param[function] = (others, leftovers)


def _use_profile_session(
    plan: FilePlan, function: cst.FunctionDef, findings: List[Finding], options: FixOptions
) -> List[Finding]:
    """An entry point that gets a ``--profile`` session (AWS105's fix) makes
    the clients after it from that session; returns the findings it cannot."""
    source = next((source for source in plan.sources if source.scope.node is function), None)
    if source is None or not findings:
        return findings
    name = choose_param_name(function, plan.semantic, options.param_name)  # what settling the source picks
    after = set(calls_after(plan, source))
    remaining = []
    for finding in findings:
        if name is not None and finding.fix.call in after:
            plan.call_funcs[finding.fix.call] = local_session_factory(finding.fix.call, name, finding.fix.kind)
        else:
            remaining.append(finding)
    return remaining


def _local_session(plan: FilePlan, function: cst.FunctionDef, findings: List[Finding]) -> Optional[str]:
    """A name the function binds once, to a boto3 Session, before every flagged
    call: the calls can use it instead of a new parameter."""
    scope = plan.semantic.scope_created_by[function]
    values = plan.analysis.values
    order = plan.semantic.walk_index
    for name, bindings in scope.bindings.items():
        if len(bindings) != 1 or bindings[0].kind is not BindingKind.ASSIGNMENT or bindings[0].value is None:
            continue
        binding = bindings[0]
        if not isinstance(binding.value, cst.Call) or not values.is_session(binding.value):
            continue
        if all(order(binding.node) < order(finding.fix.call) for finding in findings):
            if all(plan.semantic.scope_of(finding.fix.call).lookup(name) == bindings for finding in findings):
                return name
    return None


def _why_unpassable(plan: FilePlan, function: cst.FunctionDef) -> Optional[Tuple[str, str]]:
    """Why no caller could pass ``function`` a session, from what the plan knows of its file."""
    return why_unpassable(
        function,
        plan.semantic,
        plan.path,
        plan.analysis.context.config,
        plan.signature_read,
        plan.in_project,
        plan.base_defines,
        plan.used_elsewhere,
    )


def add_passing_parameter(plan: FilePlan, function: cst.FunctionDef, options: FixOptions) -> Optional[SessionParam]:
    """Give ``function`` (which has no findings of its own) a new session
    parameter only to pass on; None when no name is free, or nobody could
    pass it one (an entry point, a callback, ...)."""
    semantic = plan.semantic
    blocked = _why_unpassable(plan, function)
    if blocked is not None:
        note = f"{qualified_function_name(function, semantic)}() left without a session to pass on: {blocked[1]}"
        if not blocked[1].startswith("test code") and all(text != note for _, text in plan.notes):
            plan.notes.append((function.name, note))
        return None
    name = choose_param_name(function, semantic, options.param_name)
    if name is None:
        return None
    param = SessionParam(name)
    annotation = annotation_for(plan, function)
    plan.fixes[function] = FunctionFix(
        function, qualified_function_name(function, semantic), param, True, annotation, 0
    )
    plan.sessions[function] = param
    document_parameter(plan, function, name)
    deferred = plan.left_for_want_of_param.pop(function, None)
    if deferred is not None:  # its own calls use the parameter too: one session per function
        findings, leftovers = deferred
        plan.left = [item for item in plan.left if all(item is not left for left in leftovers)]
        _plan_function(plan, function, findings, options)
    return param


def note_existing_sessions(plan: FilePlan, options: FixOptions) -> None:
    """Functions the fix does not touch but that already take a boto3 session:
    they can pass it on, and be passed one."""
    for node in plan.semantic.scope_created_by:
        if isinstance(node, cst.FunctionDef) and node not in plan.sessions:
            param = existing_session_param(plan, node, options)
            if param is not None:
                plan.sessions[node] = param


