"""The rule catalog, read from the rule modules' source without importing them.

``botolint rule``, ``--version`` and the flake8 entry point need each rule's
code, name, message and page, but not its visitors: importing the rule modules
would import LibCST (about 0.3 s) for a command that prints text. The catalog
reads the class attributes that are literals (``code = "AWS101"``) and the
docstrings with Python's ``ast``, following base classes defined in the same
module. A test compares it with the imported classes, attribute by attribute.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

from botolint.fixes import Applicability

RULES_PACKAGE = Path(__file__).resolve().parent / "rules"
RULE_MODULE = Path(__file__).resolve().parent / "rule.py"


@dataclass(frozen=True)
class RuleEntry:
    code: str
    name: str
    message: str
    title: str
    supersedes: Tuple[str, ...]
    fix_applicability: Optional[Applicability]
    no_fix_reason: str
    in_test_code: bool
    in_scripts: bool
    doc: str
    module: str  # e.g. "botolint.rules.default_session"

    def summary(self) -> str:
        return self.title or self.message.split(":")[0]


@lru_cache(maxsize=1)
def rule_entries() -> Tuple[RuleEntry, ...]:
    """Every rule of ``botolint.rules``, ordered by code."""
    found: Dict[str, RuleEntry] = {}
    for path in sorted(RULES_PACKAGE.glob("*.py")):
        module = f"botolint.rules.{path.stem}"
        for entry in _entries_in(ast.parse(path.read_text(encoding="utf-8")), module):
            if entry.code in found:
                raise RuntimeError(f"rule code {entry.code} is defined twice")
            found[entry.code] = entry
    return tuple(found[code] for code in sorted(found))


def entries_by_code() -> Dict[str, RuleEntry]:
    return {entry.code: entry for entry in rule_entries()}


def _entries_in(tree: ast.Module, module: str):
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    for node in classes.values():
        attributes = _attributes(node, classes)
        if "code" in _own_literals(node):
            yield RuleEntry(
                code=attributes["code"],
                name=attributes["name"],
                message=attributes["message"],
                title=attributes["title"],
                supersedes=tuple(attributes["supersedes"]),
                fix_applicability=attributes["fix_applicability"],
                no_fix_reason=attributes["no_fix_reason"],
                in_test_code=attributes["in_test_code"],
                in_scripts=attributes["in_scripts"],
                doc=inspect.cleandoc(ast.get_docstring(node, clean=False) or ""),
                module=module,
            )


@lru_cache(maxsize=1)
def _rule_defaults() -> Dict[str, Any]:
    """The literal class attributes of ``botolint.rule.Rule``: every rule's defaults."""
    tree = ast.parse(RULE_MODULE.read_text(encoding="utf-8"))
    (base,) = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Rule"]
    return _own_literals(base)


def _attributes(node: ast.ClassDef, classes: Dict[str, ast.ClassDef]) -> Dict[str, Any]:
    """The class's literal attributes over those of its bases in this module,
    over the defaults of ``Rule``."""
    merged = dict(_rule_defaults())
    for base in reversed(node.bases):
        if isinstance(base, ast.Name) and base.id in classes:
            merged.update(_attributes(classes[base.id], classes))
    merged.update(_own_literals(node))
    return merged


def _own_literals(node: ast.ClassDef) -> Dict[str, Any]:
    values: Dict[str, Any] = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name):
            values[target.id] = _literal(value)
    return values


def _literal(value: ast.expr) -> Any:
    # ``Applicability.SAFE``: the one non-literal a rule's attributes use.
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.value.id == "Applicability":
        return Applicability[value.attr]
    try:
        return ast.literal_eval(value)
    except ValueError:
        return None
