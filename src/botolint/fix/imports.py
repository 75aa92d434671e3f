"""Adding ``import boto3`` where the project's import sorter would put it, and
only where importing the module does not start to require boto3.

- A module that imports boto3 lazily (inside a function, in a ``try:`` for an
  optional dependency, under an ``if``) and needs the name only for a new
  parameter's annotation gets ``import boto3`` under ``if TYPE_CHECKING:``
  (the annotation is quoted, or postponed by ``from __future__ import
  annotations``): importing it still works without boto3.
- The import goes into the block of imports the way isort (and ruff's ``I``
  rules) sort them: sections future / standard library / third party / first
  party / relative, separated by one blank line; in a section, ``import x``
  lines before ``from x import y`` lines, each sorted by module name.
"""

from __future__ import annotations

import sys
from typing import List, Optional, Sequence

import libcst as cst

from botolint.semantic import dotted_name
from botolint.statements import is_docstring

FUTURE, STDLIB, THIRD_PARTY, FIRST_PARTY, LOCAL = range(5)
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))


def section_of(statement: cst.CSTNode, first_party: Sequence[str] = ()) -> Optional[int]:
    """The isort section of an import statement line; None for any other statement."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.ImportFrom):
        if small.relative:
            return LOCAL
        if small.module is None:
            return LOCAL
        top = _dotted(small.module).split(".")[0]
        if top == "__future__":
            return FUTURE
    elif isinstance(small, cst.Import):
        top = _dotted(small.names[0].name).split(".")[0]
    else:
        return None
    if top in first_party:
        return FIRST_PARTY
    return STDLIB if top in _STDLIB else THIRD_PARTY


def _dotted(node: Optional[cst.BaseExpression]) -> str:
    """``a.b`` for a Name/Attribute chain (an import's module or name), "" else."""
    return (dotted_name(node) if node is not None else None) or ""


def _sort_key(statement: cst.SimpleStatementLine):
    small = statement.body[0]
    if isinstance(small, cst.Import):
        return (0, _dotted(small.names[0].name).lower())
    return (1, _dotted(small.module).lower() if small.module is not None else "")


def _blank() -> cst.EmptyLine:
    return cst.EmptyLine(indent=False)  # inside a block too: an empty line, not its indent


def insert_import(
    body: Sequence[cst.BaseStatement], new: cst.SimpleStatementLine, first_party: Sequence[str] = (), start: int = 0
) -> List[cst.BaseStatement]:
    """``body`` with ``new`` (an import line) among the imports that open it
    (from ``start``: after a docstring), where isort would sort it."""
    body = list(body)
    section = section_of(new, first_party)
    end = start
    while end < len(body) and section_of(body[end], first_party) is not None:
        end += 1
    block = list(range(start, end))
    same = [index for index in block if section_of(body[index], first_party) == section]
    if same:
        key = _sort_key(new)
        after = [index for index in same if _sort_key(body[index]) > key]
        if after:  # before the first that sorts after it: take the blank lines above it (not its comments)
            index = after[0]
            old = body[index]
            blanks = _leading_blanks(old.leading_lines)
            body[index] = old.with_changes(leading_lines=old.leading_lines[blanks:])
            body.insert(index, new.with_changes(leading_lines=old.leading_lines[:blanks]))
            return body
        index = same[-1] + 1
        body.insert(index, new.with_changes(leading_lines=[]))
        return body
    # A new section: after the last earlier section, or before the first later one.
    earlier = [index for index in block if section_of(body[index], first_party) < section]
    if earlier:
        index = earlier[-1] + 1
        body.insert(index, new.with_changes(leading_lines=[_blank()]))
        following = body[index + 1] if index + 1 < len(body) else None
        if following is not None and not _leading_blanks(following.leading_lines):
            body[index + 1] = following.with_changes(leading_lines=[_blank(), *following.leading_lines])
        return body
    if block:
        index = block[0]
        old = body[index]
        blanks = _leading_blanks(old.leading_lines)
        body[index] = old.with_changes(leading_lines=[_blank(), *old.leading_lines[blanks:]])
        body.insert(index, new.with_changes(leading_lines=old.leading_lines[:blanks]))
        return body
    following = body[start] if start < len(body) else None
    if following is None:
        body.append(new.with_changes(leading_lines=[_blank()] if start else []))
        return body
    blanks = _leading_blanks(following.leading_lines)
    body[start] = following.with_changes(leading_lines=[_blank(), *following.leading_lines[blanks:]])
    body.insert(start, new.with_changes(leading_lines=following.leading_lines[:blanks]))
    return body


def _leading_blanks(lines: Sequence[cst.EmptyLine]) -> int:
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


# ---------------------------------------------------------------- the module's boto3 import


def imports_boto3_at_import_time(module: cst.Module) -> bool:
    """Whether importing the module imports boto3 already: an unconditional
    ``import boto3`` / ``from boto3... import`` among its top-level statements."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Import) and any(
                _dotted(alias.name).split(".")[0] == "boto3" for alias in small.names
            ):
                return True
            if isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None:
                if _dotted(small.module).split(".")[0] == "boto3":
                    return True
    return False


def _is_type_checking_test(test: cst.BaseExpression) -> bool:
    return (isinstance(test, cst.Name) and test.value == "TYPE_CHECKING") or (
        isinstance(test, cst.Attribute) and test.attr.value == "TYPE_CHECKING" and _dotted(test.value) == "typing"
    )


_IMPORT_BOTO3 = "import boto3\n"


def add_boto3_import(module: cst.Module, first_party: Sequence[str], typing_only: bool) -> cst.Module:
    """The module with ``import boto3`` added: at the top where isort puts it,
    or, when only annotations need it and importing the module does not
    already import boto3, under ``if TYPE_CHECKING:``."""
    new = cst.parse_statement(_IMPORT_BOTO3)
    body = list(module.body)
    start = 1 if body and is_docstring(body[0]) else 0
    if not typing_only or imports_boto3_at_import_time(module):
        return module.with_changes(body=insert_import(body, new, first_party, start))
    for index, statement in enumerate(body):
        if isinstance(statement, cst.If) and _is_type_checking_test(statement.test):
            if isinstance(statement.body, cst.IndentedBlock):
                block = statement.body
                body[index] = statement.with_changes(
                    body=block.with_changes(body=insert_import(block.body, new, first_party))
                )
                return module.with_changes(body=body)
    body = _with_type_checking_name(body, first_party, start)
    end = start
    while end < len(body) and section_of(body[end], first_party) is not None:
        end += 1
    guard = cst.parse_statement("if TYPE_CHECKING:\n    import boto3\n", config=module.config_for_parsing)
    guard = guard.with_changes(leading_lines=[_blank()] if end > 0 else [])
    body.insert(end, guard)
    if end + 1 < len(body):
        following = body[end + 1]
        if not _leading_blanks(following.leading_lines):
            body[end + 1] = following.with_changes(leading_lines=[_blank(), *following.leading_lines])
    return module.with_changes(body=body)


def _with_type_checking_name(body: List[cst.BaseStatement], first_party, start: int) -> List[cst.BaseStatement]:
    """``TYPE_CHECKING`` imported from typing: into an existing top-level
    ``from typing import ...`` (constants first, as isort orders names), or
    as a new import line."""
    for index, statement in enumerate(body):
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            continue
        small = statement.body[0]
        if not (isinstance(small, cst.ImportFrom) and not small.relative and small.module is not None):
            continue
        if _dotted(small.module) != "typing" or isinstance(small.names, cst.ImportStar):
            continue
        names = list(small.names)
        if any(alias.name.value == "TYPE_CHECKING" and alias.asname is None for alias in names):
            return body
        if small.lpar is not None:
            continue  # a parenthesized, wrapped list: a new line is simpler and sorted just as well
        position = len(names)
        for i, alias in enumerate(names):
            name = alias.name.value if isinstance(alias.name, cst.Name) else ""
            if not (name.isupper() and name < "TYPE_CHECKING"):
                position = i
                break
        comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        added = cst.ImportAlias(
            name=cst.Name("TYPE_CHECKING"), comma=comma if position < len(names) else cst.MaybeSentinel.DEFAULT
        )
        if position == len(names):
            names[-1] = names[-1].with_changes(comma=comma)
        names.insert(position, added)
        body[index] = statement.with_changes(body=[small.with_changes(names=names)])
        return body
    return insert_import(body, cst.parse_statement("from typing import TYPE_CHECKING\n"), first_party, start)


def first_party_packages(path: str) -> List[str]:
    """The top-level package the file belongs to (the outermost directory
    above it with an ``__init__.py``), as isort finds first-party code."""
    from pathlib import Path

    try:
        directory = Path(path).resolve().parent
    except (OSError, RuntimeError):
        return []
    top = None
    while (directory / "__init__.py").is_file():
        top = directory.name
        directory = directory.parent
    return [top] if top else []
