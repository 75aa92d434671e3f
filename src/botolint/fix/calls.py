"""How a flagged ``boto3.client(...)`` / ``boto3.resource(...)`` call is
rewritten: what it falls back to without a session, and the expression that
replaces its callee."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Optional, Tuple

import libcst as cst

from botolint.fix.model import Leftover
from botolint.fix.options import FixOptions
from botolint.fix.names import visible_boto3_name
from botolint.fixes import SessionParameter
from botolint.rule import Finding
from botolint.semantic import BindingKind, SemanticModel


def leftover(finding: Finding, reason: str) -> Leftover:
    return Leftover(finding.line, finding.column, finding.code, reason)


def fallback_mode(fix: SessionParameter, options: FixOptions) -> str:
    """What a rewritten call falls back to: worker-thread calls always get a
    Session of their own (sharing the default one is the race AWS203 is about)."""
    return fix.fallback or options.fallback


def from_import_of(call: cst.Call, semantic: SemanticModel) -> List[Tuple[str, Optional[str]]]:
    if not isinstance(call.func, cst.Name):
        return []
    found = []
    for binding in semantic.scope_of(call).lookup(call.func.value):
        # Module-level imports only: removing a local one would leave its
        # function's layout behind (a blank first line), for little gain.
        module_level = binding.scope is semantic.module_scope
        if (
            module_level
            and binding.kind is BindingKind.IMPORT
            and binding.qualified_name in ("boto3.client", "boto3.resource")
        ):
            obj = binding.qualified_name.rpartition(".")[2]
            found.append((obj, None if binding.name == obj else binding.name))
    return found


@dataclass(frozen=True)
class Fallback:
    """What a rewritten call uses when no session is passed."""

    # The boto3 module (``boto3``, ``aws``) or, when ``imported``, the name
    # ``from boto3 import client`` bound (``client``, ``make_client``).
    expression: cst.BaseExpression
    imported: bool = False
    needs_import: bool = False  # ``import boto3`` must be added


def session_factory(
    call: cst.Call, session: cst.BaseExpression, fallback: Fallback, kind: str, mode: str
) -> cst.BaseExpression:
    """The new ``func`` of a flagged call: ``(session or boto3).client``,
    ``(session or boto3.Session()).client``, or, for a name imported from
    boto3, ``(session.client if session else client)``; ``session`` is the
    expression that holds the session (a parameter, ``self._session``)."""
    if fallback.imported:
        either = cst.IfExp(
            test=session.deep_clone(),
            body=cst.Attribute(value=session.deep_clone(), attr=cst.Name(kind)),
            orelse=fallback.expression.deep_clone(),
            lpar=[cst.LeftParen()],
            rpar=[cst.RightParen()],
        )
        return either.with_changes(lpar=[*call.func.lpar, cst.LeftParen()], rpar=[cst.RightParen(), *call.func.rpar])
    default = fallback.expression.deep_clone()
    if mode == "new-session":
        default = cst.Call(func=cst.Attribute(value=default, attr=cst.Name("Session")))
    either = cst.BooleanOperation(
        left=session.deep_clone(), operator=cst.Or(), right=default, lpar=[cst.LeftParen()], rpar=[cst.RightParen()]
    )
    return cst.Attribute(value=either, attr=cst.Name(kind), lpar=call.func.lpar, rpar=call.func.rpar)


def same_session_reads(plan, function: cst.CSTNode, session: cst.BaseExpression) -> None:
    """``boto3.session.Session().region_name`` in a function that now has a
    session reads that session's configuration: ``(session or boto3.session.Session())``,
    so a caller who passes a session for another region gets consistent results."""
    semantic = plan.semantic
    for call in semantic.calls.get(function, []):
        if call.args or "boto3.Session" not in semantic.qualified_names(call.func) or call in plan.replace_value:
            continue
        parent = semantic.parent_of(call)
        if (
            isinstance(parent, cst.Attribute)
            and parent.value is call
            and parent.attr.value not in ("client", "resource")
        ):
            plan.replace_value[call] = cst.BooleanOperation(
                left=session.deep_clone(), operator=cst.Or(), right=call.deep_clone(),
                lpar=[cst.LeftParen()], rpar=[cst.RightParen()],
            )


def fresh_session_factory(call: cst.Call, fallback: Fallback, kind: str) -> cst.BaseExpression:
    """``boto3.Session().client``: a Session of the call's own (worker threads)."""
    session = cst.Call(func=cst.Attribute(value=fallback.expression.deep_clone(), attr=cst.Name("Session")))
    return cst.Attribute(value=session, attr=cst.Name(kind), lpar=call.func.lpar, rpar=call.func.rpar)


def local_session_factory(call: cst.Call, name: str, kind: str) -> cst.BaseExpression:
    """``session.client``: made from a Session the function already has."""
    return cst.Attribute(value=cst.Name(name), attr=cst.Name(kind), lpar=call.func.lpar, rpar=call.func.rpar)


def fallback_of(call: cst.Call, semantic: SemanticModel, mode: str) -> Optional[Fallback]:
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


