"""A finding's fix as data: a typed intent saying what to change, and how safe it is.

A rule attaches one of these to a finding (Ruff's ``Fix`` with its
applicability, Fixit's ``replacement``); ``botolint fix`` dispatches on the
intent's type to the planner that turns it into edits, and filters on its
applicability alone: safe fixes are applied by default, unsafe ones with
``--unsafe-fixes``, display-only ones never. Nothing here decides *how* to
rewrite: the intents name the nodes involved and leave the edits to the
planners in ``botolint.fix``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

if TYPE_CHECKING:  # the intents only hold nodes; nothing here needs LibCST at run time
    import libcst as cst


class Applicability(enum.Enum):
    SAFE = "safe"  # keeps behaviour for every existing caller: applied by ``botolint fix``
    UNSAFE = "unsafe"  # may change behaviour or an interface: applied with ``--unsafe-fixes``
    DISPLAY_ONLY = "display-only"  # shown as a suggestion, never applied


@dataclass(frozen=True, eq=False, kw_only=True)
class Fix:
    """Base of every fix intent."""

    applicability: Applicability = Applicability.SAFE
    # Why an unsafe fix is unsafe: said when ``fix`` leaves it for want of --unsafe-fixes.
    unsafe_reason: str = ""

    def allowed(self, unsafe_fixes: bool, fallback: str) -> bool:
        """Whether ``botolint fix`` applies this fix under the given options."""
        if self.applicability is Applicability.SAFE:
            return True
        return self.applicability is Applicability.UNSAFE and unsafe_fixes


@dataclass(frozen=True, eq=False, kw_only=True)
class SessionParameter(Fix):
    """Give ``function`` a session parameter and make ``call`` (a ``boto3.client``
    or ``boto3.resource`` call in it) from that session."""

    function: Union["cst.FunctionDef", "cst.Lambda"]
    call: "cst.Call"
    kind: str  # "client" or "resource"
    # What the call falls back to without a session: None follows ``--fallback``;
    # "new-session" always makes a Session of its own (worker threads, AWS203).
    fallback: Optional[str] = None

    def allowed(self, unsafe_fixes: bool, fallback: str) -> bool:
        # Asking for --fallback new-session everywhere accepts what makes a
        # forced new-session fix unsafe, so it needs no --unsafe-fixes then.
        return super().allowed(unsafe_fixes, fallback) or (self.fallback is not None and self.fallback == fallback)


@dataclass(frozen=True, eq=False, kw_only=True)
class ModuleSession(Fix):
    """Make an import-time ``boto3.client/resource`` ``call`` from one new
    module-level ``boto3.Session()`` instead of the default session."""

    call: "cst.Call"
    kind: str


@dataclass(frozen=True, eq=False, kw_only=True)
class HoistToInit(Fix):
    """Make ``call`` (a Session, client or resource made in Lambda handler
    ``handler``'s own body) once at module scope, where Lambda's init runs it."""

    call: "cst.Call"
    handler: "cst.FunctionDef"


@dataclass(frozen=True, eq=False, kw_only=True)
class ProfileOption(Fix):
    """Give a command-line script a ``--profile`` option and a session made from it;
    ``anchor`` is the parser construction or command decorator that was reported."""

    anchor: "cst.CSTNode"
    framework: str  # "argparse", "click" or "typer"
