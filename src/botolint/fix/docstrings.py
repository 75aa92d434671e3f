"""A line for the new ``session`` parameter in a docstring that documents its
parameters: Google style (``Args:``), NumPy style (``Parameters`` over a
dashed line) and Sphinx fields (``:param name:``)."""

from __future__ import annotations

import re
from typing import List, Optional

import libcst as cst

DESCRIPTION = "The boto3 session to use (default: the default session)."
_GOOGLE = re.compile(r"^(\s*)(Args|Arguments|Parameters|Params|Keyword Args|Keyword Arguments):\s*$")
_NUMPY = re.compile(r"^(\s*)(Parameters|Other Parameters)\s*$")
_SPHINX = re.compile(r"^(\s*):(param|type)\s")


def document_parameter(plan, function: cst.FunctionDef, name: str) -> None:
    """Queue the docstring of ``function`` with an entry for its new parameter."""
    body = function.body
    if not isinstance(body, cst.IndentedBlock) or not body.body:
        return
    first = body.body[0]
    if isinstance(first, cst.SimpleStatementLine) and len(first.body) == 1 and isinstance(first.body[0], cst.Expr):
        docstring = first.body[0].value
        if isinstance(docstring, cst.SimpleString):
            new = documented(docstring, name)
            if new is not None:
                plan.replace_value[docstring] = new


def documented(docstring: cst.SimpleString, name: str) -> Optional[cst.SimpleString]:
    """The docstring with an entry for parameter ``name``, or None when it has
    no section of parameters (or already names it)."""
    prefix = docstring.prefix.lower()
    if "f" in prefix or "b" in prefix or len(docstring.quote) != 3:
        return None
    body = docstring.value[len(docstring.prefix) + 3 : -3]
    if re.search(rf"(^|\s|:){re.escape(name)}(\s|:|$)", body):
        return None
    newline = "\r\n" if "\r\n" in body else "\r" if "\r" in body and "\n" not in body else "\n"
    lines = body.split(newline)
    for add in (_google, _numpy, _sphinx):
        new = add(lines, name)
        if new is not None:
            text = docstring.value[: len(docstring.prefix) + 3] + newline.join(new) + docstring.value[-3:]
            return docstring.with_changes(value=text)
    return None


def _google(lines: List[str], name: str) -> Optional[List[str]]:
    for index, line in enumerate(lines):
        match = _GOOGLE.match(line)
        if match is None:
            continue
        base = len(match.group(1))
        end = index + 1
        while end < len(lines):
            current = lines[end]
            if not current.strip():
                following = lines[end + 1] if end + 1 < len(lines) else ""
                if following.strip() and _indent(following) > base:
                    end += 1  # a blank line inside the section
                    continue
                break
            if _indent(current) <= base:
                break  # the next section
            end += 1
        if end == index + 1:
            return None
        entry_indent = " " * _indent(lines[index + 1])
        return lines[:end] + [f"{entry_indent}{name}: {DESCRIPTION}"] + lines[end:]
    return None


def _numpy(lines: List[str], name: str) -> Optional[List[str]]:
    for index, line in enumerate(lines[:-1]):
        match = _NUMPY.match(line)
        if match is None or not re.fullmatch(r"\s*-{3,}\s*", lines[index + 1]):
            continue
        base = len(match.group(1))
        end = index + 2
        while end < len(lines) and lines[end].strip() and not (
            _indent(lines[end]) == base and end + 1 < len(lines) and re.fullmatch(r"\s*-{3,}\s*", lines[end + 1])
        ):
            end += 1
        if end == index + 2:
            return None
        pad = " " * base
        return lines[:end] + [f"{pad}{name} : boto3.session.Session, optional", f"{pad}    {DESCRIPTION}"] + lines[end:]
    return None


def _sphinx(lines: List[str], name: str) -> Optional[List[str]]:
    last = None
    for index, line in enumerate(lines):
        if _SPHINX.match(line):
            last = index
    if last is None:
        return None
    base = _indent(lines[last])
    end = last + 1
    while end < len(lines) and lines[end].strip() and _indent(lines[end]) > base:
        end += 1  # the entry's continuation lines
    return lines[:end] + [f"{' ' * base}:param {name}: {DESCRIPTION}"] + lines[end:]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())
