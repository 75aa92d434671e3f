"""The planner of ``HoistToInit`` fixes (AWS301, ``--unsafe-fixes``): a
Session, client or resource that a Lambda handler makes in its own body, as
``name = <call>``, moves to module scope, right before the handler, so that
Lambda's init makes it once per execution environment; the handler then reads
the module-level name. A module-level assignment of the same call that is
already there is reused instead.

Only what can be evaluated at init moves: the call's arguments may be
literals, module-level names bound before the handler (constants, a
module-level Session, a name hoisted just before), ``os.environ[...]``,
``os.environ.get(...)`` and ``os.getenv(...)``. Anything read from the event
or the context stays, and the finding is left with the reason.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Set

import libcst as cst

from botolint.fix.calls import leftover
from botolint.fix.model import FilePlan
from botolint.fix.options import FixOptions
from botolint.fixes import HoistToInit
from botolint.rule import Finding
from botolint.semantic import BindingKind, SemanticModel

ENVIRONMENT_READS = ("os.environ", "os.getenv", "os.environ.get")


def plan_hoists(plan: FilePlan, findings: List[Finding], options: FixOptions) -> None:
    by_handler: Dict[cst.FunctionDef, List[Finding]] = {}
    for finding in findings:
        by_handler.setdefault(finding.fix.handler, []).append(finding)
    for handler_findings in by_handler.values():
        hoisted: Set[str] = set()
        for finding in sorted(handler_findings, key=lambda f: (f.line, f.column)):
            reason = _hoist(plan, finding.fix, hoisted)
            if reason is not None:
                plan.left.append(leftover(finding, f"not hoisted: {reason}"))


def _hoist(plan: FilePlan, fix: HoistToInit, hoisted: Set[str]) -> Optional[str]:
    semantic = plan.semantic
    value = _made_from(fix.call, semantic)
    assign = semantic.parent_of(value)
    statement = semantic.parent_of(assign) if assign is not None else None
    body = fix.handler.body
    if not (
        isinstance(assign, cst.Assign) and assign.value is value and len(assign.targets) == 1
        and isinstance(assign.targets[0].target, cst.Name)
        and isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
        and isinstance(body, cst.IndentedBlock) and statement in body.body
    ):
        return "it is not a `name = ...` statement of the handler's own body"
    name = assign.targets[0].target.value
    scope = semantic.scope_created_by[fix.handler]
    if len(scope.bindings.get(name, [])) != 1:
        return f"`{name}` is assigned more than once in the handler"
    if len(body.body) == 1:
        return "it is all the handler does"
    blocker = _not_at_init(
        value, semantic, hoisted, plan.module.body.index(fix.handler) if fix.handler in plan.module.body else -1
    )
    if blocker is not None:
        return blocker
    code = plan.module.code_for_node(value)
    existing = _module_assignment(plan, code)
    if existing is not None:
        if existing != name:
            plan.replace_value[value] = cst.Name(existing)  # the handler reads the one made at init
        else:
            plan.remove.add(statement)
        return None
    if name in semantic.module_scope.bindings or name in semantic.module_scope.global_names:
        return f"the module already has a `{name}`"
    plan.remove.add(statement)
    plan.insert_before.setdefault(fix.handler, []).append(statement.with_changes(leading_lines=()))
    plan.notes.append(
        (statement, f"`{name} = {code}` moved to module scope, made once per execution environment (unsafe fix)")
    )
    hoisted.add(name)
    return None


def _made_from(call: cst.Call, semantic: SemanticModel) -> cst.BaseExpression:
    """The whole of what is made from ``call``: ``boto3.resource("s3").Bucket(NAME)``."""
    value: cst.BaseExpression = call
    parent = semantic.parent_of(value)
    while isinstance(parent, cst.Attribute) and isinstance(semantic.parent_of(parent), cst.Call):
        value = semantic.parent_of(parent)
        parent = semantic.parent_of(value)
    return value


def _not_at_init(
    call: cst.BaseExpression, semantic: SemanticModel, hoisted: Set[str], handler_index: int
) -> Optional[str]:
    """Why some part of ``call`` cannot be evaluated at module scope, or None.
    The calls of the chain itself (``boto3.resource(...).Table(...)``) run, their arguments are checked."""
    chain: Set[cst.CSTNode] = set()
    link: cst.BaseExpression = call
    while isinstance(link, cst.Call):
        chain.add(link)
        link = link.func.value if isinstance(link.func, cst.Attribute) else link.func
    todo: List[cst.CSTNode] = [call]
    while todo:
        node = todo.pop()
        if isinstance(node, cst.Name):
            if node.value in hoisted:
                continue
            bindings = semantic.scope_of(node).lookup(node.value)
            if not bindings:
                if node.value in ("True", "False", "None"):
                    continue
                return f"`{node.value}` is not defined at module scope"
            if any(b.scope is not semantic.module_scope for b in bindings):
                return f"it reads `{node.value}`, which the handler computes"
            if any(
                b.kind is BindingKind.ASSIGNMENT and _statement_index(b.node, semantic) > handler_index
                for b in bindings
            ):
                return f"`{node.value}` is bound after the handler"
            continue
        if isinstance(node, cst.Subscript) and not semantic.qualified_names(node.value).isdisjoint(ENVIRONMENT_READS):
            todo += [node.value] + [
                element.slice.value for element in node.slice if isinstance(element.slice, cst.Index)
            ]
            continue
        if isinstance(node, cst.Attribute):
            todo.append(node.value)
            continue
        if isinstance(node, cst.Call) and node not in chain:
            names = semantic.qualified_names(node.func)
            if not names.isdisjoint(ENVIRONMENT_READS) or "boto3.Session" in names:
                todo += [arg.value for arg in node.args]
                continue
            return "a call in its arguments would run at import time"
        todo += _children(node)
    return None


def _children(node: cst.CSTNode) -> List[cst.CSTNode]:
    if isinstance(node, cst.Call):
        return [node.func, *(arg.value for arg in node.args)]
    from botolint.semantic import iter_children

    return list(iter_children(node))


def _statement_index(node: cst.CSTNode, semantic: SemanticModel) -> int:
    statement = node
    for ancestor in semantic.ancestors(node):
        if ancestor is semantic.module:
            break
        statement = ancestor
    try:
        return semantic.module.body.index(statement)
    except ValueError:
        return -1


def _module_assignment(plan: FilePlan, code: str) -> Optional[str]:
    """The name a module-level ``name = <the same call>`` binds, if there is one."""
    for statement in plan.module.body:
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            assign = statement.body[0]
            if (
                isinstance(assign, cst.Assign)
                and len(assign.targets) == 1
                and isinstance(assign.targets[0].target, cst.Name)
            ):
                if plan.module.code_for_node(assign.value) == code:
                    return assign.targets[0].target.value
    return None
