"""What a rule is: a code, a message, its documentation and ``visit_<Node>`` methods.

A rule module under ``botolint.rules`` defines ``Rule`` subclasses; they are
found by ``all_rules()``, so adding a rule touches nothing else. The class
docstring is the rule's page, in Markdown with the sections listed in
``DOC_SECTIONS``; ``botolint rule CODE`` prints it and a test checks it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Dict, Mapping, Tuple, Type

import libcst as cst

if TYPE_CHECKING:
    from botolint.engine import Context

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix safety", "References")
CODE_PATTERN = re.compile(r"^AWS\d{3}$")


@dataclass(frozen=True)
class Finding:
    """One diagnostic: what every front end (flake8, CLI, codemod) consumes."""

    code: str
    message: str
    line: int
    column: int  # 1-based, like the text output; flake8 gets ``column - 1``
    node: cst.CSTNode = field(compare=False, repr=False)
    fix: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def sort_key(self) -> Tuple[int, int, str]:
        return (self.line, self.column, self.code)


class Rule:
    """Base class. Subclasses set the class attributes and define ``visit_<Node>``
    methods taking ``(node, ctx)``; ``finish(ctx)`` runs after the last node."""

    code: ClassVar[str]
    name: ClassVar[str]
    message: ClassVar[str]
    # Codes this rule replaces when both would report the same node.
    supersedes: ClassVar[Tuple[str, ...]] = ()
    # Text without this cannot hold a finding: such files are not even parsed.
    requires_text: ClassVar[str] = "boto3"

    def finish(self, ctx: "Context") -> None:
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
