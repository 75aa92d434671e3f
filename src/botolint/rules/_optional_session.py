"""The calls ``botolint fix`` writes for ``boto3.client(...)`` /
``boto3.resource(...)``: ``(session or boto3).client(...)`` and ``(session.client
if session else client)(...)``. When no session is passed they still use the
default session, so rules about where default-session clients are made (AWS105,
AWS301) keep seeing them after the fix. ``(session or boto3.Session())`` makes
a new Session and is not one of them."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from botolint.engine import Context
from botolint.rules.default_session import DEFAULT_SESSION_FACTORIES


def optional_session_factory(node: cst.Call, ctx: Context) -> Optional[str]:
    """``"client"`` or ``"resource"`` for such a call, else None."""
    func = node.func
    if isinstance(func, cst.IfExp):
        for name in ctx.qualified_names(func.orelse):
            if name in DEFAULT_SESSION_FACTORIES:
                return DEFAULT_SESSION_FACTORIES[name]
        return None
    if not (isinstance(func, cst.Attribute) and func.attr.value in ("client", "resource")):
        return None
    either = func.value
    if isinstance(either, cst.BooleanOperation) and isinstance(either.operator, cst.Or) and ctx.resolves_to(either.right, "boto3"):
        return func.attr.value
    return None
