"""The rule API: what a rule is, what it sees of a file, and what it reports.

A rule is a ``Rule`` subclass with a code, a message, its documentation and
``visit_<Node>`` methods taking ``(node, ctx)``. A rule module under
``botolint.rules`` defines them; ``all_rules()`` finds them, so adding a rule
touches nothing else. The class docstring is the rule's page, in Markdown with
the sections listed in ``DOC_SECTIONS``; ``botolint rule CODE`` prints it and
a test checks it. A rule reports through its ``Context``, attaching a typed
fix intent (``botolint.fixes``) when the finding can be rewritten.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Dict, FrozenSet, List, Optional, Tuple, Type

from botolint.fixes import Applicability, Fix

if TYPE_CHECKING:
    import libcst as cst

    from botolint.config import Config
    from botolint.semantic import Scope, SemanticModel

DOC_SECTIONS = (
    "What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "Where it does not apply", "References",
)
CODE_PATTERN = re.compile(r"^AWS\d{3}$")


@dataclass(frozen=True)
class Finding:
    """One diagnostic: what every front end (flake8, CLI, codemod) consumes.
    ``node`` and ``fix`` tie it to the tree it was found in; a detached finding
    (see ``detached``) has neither and can be cached or sent to another process."""

    code: str
    message: str
    line: int
    column: int  # 1-based, like the text output; flake8 gets ``column - 1``
    node: Optional["cst.CSTNode"] = field(default=None, compare=False, repr=False)
    fix: Optional[Fix] = field(default=None, compare=False, repr=False)
    # The fix's applicability, kept when the finding is detached from its tree.
    applicability: Optional[Applicability] = field(default=None, compare=False)

    @property
    def sort_key(self) -> Tuple[int, int, str]:
        return (self.line, self.column, self.code)

    def detached(self) -> "Finding":
        return replace(self, node=None, fix=None)


@dataclass
class Report:
    """What a rule said about a node, before positions are known."""

    rule: Type["Rule"]
    node: "cst.CSTNode"
    message: str
    fix: Optional[Fix]


class Context:
    """What a rule sees of the file it checks: the tree, the semantic model, the
    configuration, and a memo for facts several rules share."""

    def __init__(self, path: str, module: "cst.Module", semantic: "SemanticModel", config: "Config") -> None:
        self.path = path
        self.module = module
        self.semantic = semantic
        self.config = config
        self.reports: List[Report] = []
        # The project layer's view of this file (botolint.project.view.ProjectView).
        self.project: Any = None
        self._memo: Dict[Any, Any] = {}

    def report(self, rule: "Rule", node: "cst.CSTNode", *, fix: Optional[Fix] = None, **message_args: Any) -> None:
        message = rule.message.format(**message_args) if message_args else rule.message
        self.reports.append(Report(type(rule), node, message, fix))

    def memo(self, factory: Callable[["Context"], Any]) -> Any:
        """``factory(self)``, computed once per file however many rules ask."""
        if factory not in self._memo:
            self._memo[factory] = factory(self)
        return self._memo[factory]

    def scope_of(self, node: "cst.CSTNode") -> "Scope":
        return self.semantic.scope_of(node)

    def qualified_names(self, node: "cst.CSTNode") -> FrozenSet[str]:
        return self.semantic.qualified_names(node)

    def resolves_to(self, node: "cst.CSTNode", *names: str) -> bool:
        """True when ``node`` may refer to one of ``names`` (canonical spelling)."""
        return not self.qualified_names(node).isdisjoint(names)


class Rule:
    """Base class. Subclasses set the class attributes and define ``visit_<Node>``
    methods taking ``(node, ctx)``; ``finish(ctx)`` runs after the last node."""

    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]
    # Codes this rule replaces when both would report the same node.
    supersedes: ClassVar[Tuple[str, ...]] = ()
    # The applicability of the fix this rule's findings carry (None: no fix).
    fix_applicability: ClassVar[Optional[Applicability]] = None
    # What ``botolint fix`` says of a finding it leaves because the rule has no fix.
    no_fix_reason: ClassVar[str] = "not fixable: botolint fix has no fix for this rule"
    # Whether it is reported in test code (see botolint.testcode): rules about
    # choosing a session are not, since the default session is the idiom there.
    in_test_code: ClassVar[bool] = True
    # Whether it is reported in maintainers' one-off scripts (``script-paths``,
    # see botolint.testcode): rules about choosing a session are not, since such
    # a script runs by hand with the developer's own credentials.
    in_scripts: ClassVar[bool] = True

    def finish(self, ctx: Context) -> None:
        """Called once per file after every node was visited."""

    @classmethod
    def docs(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    # One line for rule lists; defaults to the message up to its first colon.
    title: ClassVar[str] = ""

    @classmethod
    def summary(cls) -> str:
        return cls.title or cls.message.split(":")[0]

    @classmethod
    def visitors(cls) -> Dict[str, Callable]:
        return {
            attr[len("visit_") :]: getattr(cls, attr)
            for attr in dir(cls)
            if attr.startswith("visit_") and callable(getattr(cls, attr))
        }


def doc_sections(rule: Type[Rule]) -> Dict[str, str]:
    """The ``## Heading`` sections of a rule's page, by heading."""
    sections: Dict[str, str] = {}
    for chunk in re.split(r"^## ", rule.docs(), flags=re.MULTILINE)[1:]:
        heading, _, body = chunk.partition("\n")
        sections[heading.strip()] = body.strip()
    return sections


@lru_cache(maxsize=None)
def all_rules() -> Tuple[Type[Rule], ...]:
    """Every rule in ``botolint.rules``, ordered by code."""
    import botolint.rules as package

    found: Dict[str, Type[Rule]] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and "code" in vars(value):
                if value.code in found:
                    raise RuntimeError(f"rule code {value.code} is defined twice")
                found[value.code] = value
    return tuple(found[code] for code in sorted(found))


def rules_by_code() -> Dict[str, Type[Rule]]:
    return {rule.code: rule for rule in all_rules()}


def select_rules(select: Tuple[str, ...], ignore: Tuple[str, ...]) -> Tuple[Type[Rule], ...]:
    """Rules whose code starts with a selected prefix and with no ignored one;
    the longer matching prefix wins, as in flake8."""
    chosen = []
    for rule in all_rules():
        selected = max((len(p) for p in select if rule.code.startswith(p)), default=-1)
        ignored = max((len(p) for p in ignore if rule.code.startswith(p)), default=-1)
        if selected >= 0 and selected >= ignored:
            chosen.append(rule)
    return tuple(chosen)


def fixable_codes(applicability: Applicability) -> Tuple[str, ...]:
    """The codes of the rules whose findings carry fixes of ``applicability``."""
    return tuple(rule.code for rule in all_rules() if rule.fix_applicability is applicability)
