"""What ``botolint fix`` will change in one file: the plan the planners fill in,
propagation completes and the rewriter applies.

A plan holds edits only (replace a call's callee, add a keyword argument, add
a keyword-only parameter, insert statements, add a decorator, add or drop an
import), plus what propagation needs to know: which functions carry a session
and where else a session is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Set, Tuple, Union

import libcst as cst

from botolint.engine import FileAnalysis
from botolint.rule import Finding
from botolint.semantic import Scope, SemanticModel

Block = Union[cst.Module, cst.IndentedBlock]


@dataclass(frozen=True)
class SessionParam:
    """A parameter through which a function receives a boto3 session."""

    name: str
    # Index among the positional parameters, None when keyword-only.
    position: Optional[int] = None
    keyword_ok: bool = True


@dataclass(eq=False)
class FunctionFix:
    """A function the fix gives (or finds) a session parameter."""

    node: cst.FunctionDef
    qualname: str
    param: SessionParam
    adds_param: bool
    annotation: Optional[str]  # of the new parameter, e.g. '"boto3.session.Session | None"'
    calls: int  # calls it rewrote


@dataclass(frozen=True)
class Leftover:
    """A finding ``fix`` does not rewrite, and why."""

    line: int
    column: int
    code: str
    reason: str


@dataclass(eq=False)
class SessionSource:
    """A session the fix makes in a block (``session = boto3.Session(profile_name=...)``
    after ``parse_args()``): calls after it can be passed it, as if it were a
    parameter. Its name is settled by propagation: the function's own session
    parameter when it has one (the line then keeps a caller's session), else a
    free name."""

    scope: Scope
    block: Block
    after: Optional[cst.BaseStatement]  # the statement it follows (None: first in the block)
    profile: cst.BaseExpression  # ``args.profile`` / ``profile``
    boto3_name: str
    needs_import: bool
    finding: Finding
    # What the report calls the option's target: "`parser`" or "main()".
    target: str
    # Edits that come with the session, applied once its name is settled:
    # the ``--profile`` option itself (after a statement, or a decorator and a parameter).
    option_after: Dict[cst.CSTNode, cst.BaseStatement] = field(default_factory=dict)
    option_decorators: Dict[cst.FunctionDef, Tuple[int, cst.Decorator]] = field(default_factory=dict)
    option_params: Dict[cst.FunctionDef, str] = field(default_factory=dict)


@dataclass(eq=False)
class FilePlan:
    path: str
    analysis: FileAnalysis
    # Functions given (or found to have) a session parameter, for the report.
    fixes: Dict[cst.FunctionDef, FunctionFix] = field(default_factory=dict)
    # Every function that has a session parameter once the fix is applied.
    sessions: Dict[cst.FunctionDef, SessionParam] = field(default_factory=dict)
    sources: List[SessionSource] = field(default_factory=list)
    # Classes that take the session in __init__: the attribute they keep it in.
    class_sessions: Dict[cst.ClassDef, str] = field(default_factory=dict)
    # -- edits ---------------------------------------------------------------
    call_funcs: Dict[cst.Call, cst.BaseExpression] = field(default_factory=dict)  # a call's new callee
    passes: Dict[cst.Call, Tuple[str, str]] = field(default_factory=dict)  # call -> (keyword, value) to add
    # Keyword-only parameters defaulting to None, after the session parameter
    # of ``fixes`` when there is one (a click command's ``profile``).
    new_params: Dict[cst.FunctionDef, List[str]] = field(default_factory=dict)
    # Statements inserted before one (taking the blank lines above it), after
    # one, or first in a block.
    insert_before: Dict[cst.CSTNode, List[cst.BaseStatement]] = field(default_factory=dict)
    insert_after: Dict[cst.CSTNode, List[cst.BaseStatement]] = field(default_factory=dict)
    insert_first: Dict[cst.IndentedBlock, List[cst.BaseStatement]] = field(default_factory=dict)
    add_decorators: Dict[cst.FunctionDef, Tuple[int, cst.Decorator]] = field(default_factory=dict)
    remove: Set[cst.CSTNode] = field(default_factory=set)  # statements to delete
    # Expressions replaced whole: a call, a docstring.
    replace_value: Dict[cst.BaseExpression, cst.BaseExpression] = field(default_factory=dict)
    needs_boto3_import: bool = False  # a call needs the name boto3 at run time
    # Only a new parameter's annotation needs it: under ``if TYPE_CHECKING:``
    # when importing the module does not import boto3 already.
    needs_boto3_for_annotation: bool = False
    # ``from boto3 import client [as name]`` imports that may now be unused:
    # (object, alias); RemoveImportsVisitor drops only those nothing else uses.
    maybe_unused: List[Tuple[str, Optional[str]]] = field(default_factory=list)
    # -- the report ------------------------------------------------------------
    left: List[Leftover] = field(default_factory=list)
    # Methods whose calls were left only because nothing passed them a session
    # (no __init__ to take it): their findings and leftovers, planned after all
    # if ``--add-to-callers`` gives the method a parameter to pass on.
    left_for_want_of_param: Dict[cst.FunctionDef, Tuple[List[Finding], List[Leftover]]] = field(default_factory=dict)
    # (node whose line the note gives, text), e.g. an unsafe fix's summary.
    notes: List[Tuple[cst.CSTNode, str]] = field(default_factory=list)
    _signature_read: Optional[FrozenSet[str]] = field(default=None, repr=False)

    @property
    def semantic(self) -> SemanticModel:
        return self.analysis.semantic

    @property
    def signature_read(self) -> FrozenSet[str]:
        """Names of functions whose signature this module reads (inspect.signature)."""
        if self._signature_read is None:
            from botolint.fix.callers import signature_readers

            self._signature_read = frozenset(signature_readers(self.semantic))
        return self._signature_read

    def in_project(self, dotted: str) -> bool:
        """Whether ``dotted`` names the project's own code (not a dependency's)."""
        return self.analysis.context.project.is_project_name(dotted)

    def base_defines(self, dotted: str, name: str) -> bool:
        """Whether the project's class ``dotted`` (as imported here), or one of
        its bases, defines ``name``: a method of that name here overrides it."""
        view = self.analysis.context.project
        facts = getattr(view, "facts", None)
        if facts is None:
            return False
        try:
            entities = facts.lookup(view.module, dotted)
            return any(entity[0] == "class" and facts.member(entity, name) for entity in entities)
        except Exception:  # a fact that cannot be settled is not an override
            return False

    def used_elsewhere(self, function: cst.FunctionDef) -> Optional[Tuple[str, str]]:
        """Whether another module of the project reads ``function``'s signature
        or uses it as a value (see ``Facts.used_elsewhere``)."""
        view = self.analysis.context.project
        facts = getattr(view, "facts", None)
        if facts is None:
            return None
        try:
            return facts.used_elsewhere(view.module, self.semantic.definition_id(function))
        except Exception:  # a fact that cannot be settled is no use elsewhere
            return None

    @property
    def module(self) -> cst.Module:
        return self.analysis.module

    @property
    def has_changes(self) -> bool:
        return bool(
            self.call_funcs or self.passes or self.new_params or self.insert_before
            or self.insert_after or self.insert_first or self.add_decorators or self.remove or self.replace_value
        )
