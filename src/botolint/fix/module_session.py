"""``--unsafe-fixes``: import-time clients (AWS103) made from one module-level
session, ``boto3_session = boto3.Session()``, instead of the default session.

Unsafe because it changes which session those clients use: a
``boto3.setup_default_session()`` run before the import, or a patch of
``boto3.client`` active during it, no longer applies to them.
"""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from botolint.fix.plan import FilePlan, Leftover, ModuleSession, from_import_of, names_in, visible_boto3_name
from botolint.rule import Finding
from botolint.semantic import BindingKind

SESSION_NAMES = ("boto3_session", "module_boto3_session")


def plan_module_session(plan: FilePlan, findings: List[Finding]) -> None:
    semantic = plan.semantic
    module = plan.analysis.module
    name = next((n for n in SESSION_NAMES if n not in names_in(module)), None)
    boto3_name = visible_boto3_name(semantic.module_scope)
    if name is None or boto3_name is None:
        why = "the names boto3_session and module_boto3_session are taken" if name is None else "boto3 itself is not imported"
        plan.left += [_left(finding, why) for finding in findings]
        return
    index = min(_statement_index(module, finding.node, semantic) for finding in findings)
    if not _imported_before(plan, boto3_name, index):
        plan.left += [_left(finding, f"`{boto3_name}` is not imported before the first such statement") for finding in findings]
        return
    plan.module_session = ModuleSession(index, name, cst.Name(boto3_name), len(findings))
    for finding in findings:
        call = finding.node
        plan.call_funcs[call] = cst.Attribute(
            value=cst.Name(name), attr=cst.Name(finding.fix["kind"]), lpar=call.func.lpar, rpar=call.func.rpar
        )
        plan.maybe_unused += from_import_of(call, semantic)


def _left(finding: Finding, why: str) -> Leftover:
    return Leftover(finding.line, finding.column, finding.code, f"not fixable with --unsafe-fixes: {why}")


def _statement_index(module: cst.Module, node: cst.CSTNode, semantic) -> int:
    """Index in ``module.body`` of the top-level statement holding ``node``."""
    statement: Optional[cst.CSTNode] = node
    for ancestor in semantic.ancestors(node):
        if ancestor is module:
            break
        statement = ancestor
    for index, candidate in enumerate(module.body):
        if candidate is statement:
            return index
    raise ValueError("node is not in the module")


def _imported_before(plan: FilePlan, name: str, index: int) -> bool:
    """True when every module-level binding of ``name`` is an import in a
    statement before ``index`` (so the new line can use it)."""
    semantic = plan.semantic
    bindings = semantic.module_scope.bindings.get(name, [])
    return bool(bindings) and all(
        binding.kind is BindingKind.IMPORT and _statement_index(plan.analysis.module, binding.node, semantic) < index
        for binding in bindings
    )


def session_statement(session: ModuleSession, before: cst.CSTNode) -> List[cst.CSTNode]:
    """The new ``name = boto3.Session()`` line and the statement it precedes:
    blank lines above that statement move above the new line; comments stay
    with the statement they describe."""
    leading = list(getattr(before, "leading_lines", ()))
    blank = 0
    while blank < len(leading) and leading[blank].comment is None:
        blank += 1
    assign = cst.Assign(
        targets=[cst.AssignTarget(cst.Name(session.name))],
        value=cst.Call(func=cst.Attribute(value=session.module.deep_clone(), attr=cst.Name("Session"))),
    )
    line = cst.SimpleStatementLine(body=[assign], leading_lines=leading[:blank])
    return [line, before.with_changes(leading_lines=leading[blank:])]
