"""The planner of ``ModuleSession`` fixes (AWS103, ``--unsafe-fixes``):
import-time clients are made from one module-level ``boto3_session =
boto3.Session()``, inserted before the first of them, instead of the default
session.

Unsafe because it changes which session those clients use: a
``boto3.setup_default_session()`` run before the import, or a patch of
``boto3.client`` active during it, no longer applies to them.
"""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from botolint.fix.model import FilePlan
from botolint.fix.options import FixOptions
from botolint.fix.names import free_module_name, visible_boto3_name
from botolint.fix.calls import from_import_of, leftover
from botolint.rule import Finding
from botolint.semantic import BindingKind

SESSION_NAMES = ("boto3_session", "module_boto3_session")


def plan_module_session(plan: FilePlan, findings: List[Finding], options: FixOptions) -> None:
    semantic = plan.semantic
    name = free_module_name(semantic, SESSION_NAMES)
    boto3_name = visible_boto3_name(semantic.module_scope)
    if name is None or boto3_name is None:
        if name is None:
            why = "the names boto3_session and module_boto3_session are taken"
        elif _bound_otherwise(plan):
            why = "`boto3` is also bound to something else (as in `except ImportError: boto3 = None`)"
        else:
            why = "boto3 itself is not imported"
        plan.left += [_left(finding, why) for finding in findings]
        return
    index = min(_statement_index(plan.module, finding.fix.call, semantic) for finding in findings)
    if not _imported_before(plan, boto3_name, index):
        plan.left += [
            _left(finding, f"`{boto3_name}` is not imported before the first such statement") for finding in findings
        ]
        return
    before = plan.module.body[index]
    plan.insert_before[before] = [_session_line(name, boto3_name)]
    calls = len(findings)
    plan.notes.append(
        (
            before,
            f"module-level `{name} = boto3.Session()` added for {calls} import-time "
            f"call{'s' * (calls != 1)} (unsafe fix)",
        )
    )
    for finding in findings:
        call = finding.fix.call
        plan.call_funcs[call] = cst.Attribute(
            value=cst.Name(name), attr=cst.Name(finding.fix.kind), lpar=call.func.lpar, rpar=call.func.rpar
        )
        plan.maybe_unused += from_import_of(call, semantic)


def _left(finding: Finding, why: str):
    return leftover(finding, f"not fixable with --unsafe-fixes: {why}")


def _bound_otherwise(plan: FilePlan) -> bool:
    bindings = plan.semantic.module_scope.bindings.get("boto3", [])
    return any(b.kind is BindingKind.IMPORT for b in bindings) and any(
        b.kind is not BindingKind.IMPORT for b in bindings
    )


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
        binding.kind is BindingKind.IMPORT and _statement_index(plan.module, binding.node, semantic) < index
        for binding in bindings
    )


def _session_line(name: str, boto3_name: str) -> cst.SimpleStatementLine:
    assign = cst.Assign(
        targets=[cst.AssignTarget(cst.Name(name))],
        value=cst.Call(func=cst.Attribute(value=cst.Name(boto3_name), attr=cst.Name("Session"))),
    )
    return cst.SimpleStatementLine(body=[assign])
