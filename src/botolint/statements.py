"""Shapes of LibCST statements that the summaries and the rewrites both ask about."""

from __future__ import annotations

from typing import Optional, Tuple, Type

import libcst as cst


def is_docstring(statement: cst.CSTNode) -> bool:
    """A statement that is only a string literal (a docstring, where it stands first)."""
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def early_exit(statement: cst.CSTNode, kinds: Tuple[Type[cst.BaseSmallStatement], ...]) -> Optional[cst.If]:
    """``statement`` when it is an ``if`` without ``else`` whose body ends
    with one of ``kinds`` (``if _session: return _session``, ``if not ready: raise ...``)."""
    if not (isinstance(statement, cst.If) and statement.orelse is None):
        return None
    body = statement.body
    statements = body.body if isinstance(body, cst.IndentedBlock) else [body]
    last = statements[-1] if statements else None
    if isinstance(last, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        if any(isinstance(small, kinds) for small in last.body):
            return statement
    return None
