"""What a ``botolint fix`` run was asked to do, apart from which files.

Kept apart from the plan model so that building the command's parser
(``botolint --version`` builds it) imports no LibCST.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PARAM_NAME = "session"
SECOND_PARAM_NAME = "boto3_session"
FALLBACKS = ("default", "new-session")


@dataclass(frozen=True)
class FixOptions:
    param_name: str = DEFAULT_PARAM_NAME
    # "default": ``(session or boto3).client(...)``, which keeps the module's
    # default session; "new-session": ``(session or boto3.Session()).client(...)``.
    fallback: str = "default"
    # Also give a session parameter to functions that call a function taking
    # one, up their call chains, so that the session can be passed from the top.
    add_to_callers: bool = False
    # Apply fixes whose applicability is unsafe (they change behaviour).
    unsafe_fixes: bool = False
