"""Planning the rewrite of one file from the core's findings.

Each finding carries its fix as a typed intent (``botolint.fixes``); this
module filters them on their applicability and hands each kind to its planner.
Nothing here looks for boto3 calls again: the findings say where they are.
"""

from __future__ import annotations

from typing import Callable, Dict, List, Type

from botolint.fix.model import FilePlan
from botolint.fix.options import FixOptions
from botolint.fix.hoist import plan_hoists
from botolint.fix.module_session import plan_module_session
from botolint.fix.profile_option import plan_profile_options
from botolint.fix.calls import leftover
from botolint.fix.session_parameter import note_existing_sessions, plan_session_parameters
from botolint.engine import FileAnalysis
from botolint.fixes import Fix, HoistToInit, ModuleSession, ProfileOption, SessionParameter
from botolint.rule import Finding, rules_by_code

Planner = Callable[[FilePlan, List[Finding], FixOptions], None]
# In this order: a --profile session exists before the calls of its function are planned.
PLANNERS: Dict[Type[Fix], Planner] = {
    ProfileOption: plan_profile_options,
    SessionParameter: plan_session_parameters,
    ModuleSession: plan_module_session,
    HoistToInit: plan_hoists,
}


def plan_file(analysis: FileAnalysis, findings: List[Finding], options: FixOptions) -> FilePlan:
    """Decide the rewrite of one analyzed file; ``findings`` are the ones not
    silenced by ``noqa`` (a silenced finding is not fixed)."""
    plan = FilePlan(analysis.path, analysis)
    if analysis.module is None or analysis.semantic is None:
        return plan
    by_type: Dict[Type[Fix], List[Finding]] = {}
    rules = rules_by_code()
    for finding in findings:
        fix = finding.fix
        if fix is None:
            reason = rules[finding.code].no_fix_reason
            if reason:
                plan.left.append(leftover(finding, reason))
        elif not fix.allowed(options.unsafe_fixes, options.fallback):
            plan.left.append(leftover(finding, fix.unsafe_reason))
        else:
            by_type.setdefault(type(fix), []).append(finding)
    for fix_type, planner in PLANNERS.items():
        if fix_type in by_type:
            planner(plan, by_type[fix_type], options)
    note_existing_sessions(plan, options)
    plan.left.sort(key=lambda item: (item.line, item.column, item.code))
    return plan
