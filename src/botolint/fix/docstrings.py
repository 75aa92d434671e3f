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
_DASHES = re.compile(r"\s*-{3,}\s*")
# ``key : str``, ``x, y : int``, ``*args``: a NumPy parameter entry's first line.
_NUMPY_ENTRY = re.compile(r"\*{0,2}[A-Za-z_]\w*(\s*,\s*\*{0,2}[A-Za-z_]\w*)*(\s*:.*)?")


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
        if match is None or not _DASHES.fullmatch(lines[index + 1]):
            continue
        base = len(match.group(1))
        end, spaced = index + 2, False
        while end < len(lines):
            if not lines[end].strip():
                if not _numpy_entry_follows(lines, end + 1, base):
                    break
                spaced = True  # entries separated by blank lines
            elif _indent(lines[end]) < base or _numpy_header_at(lines, end, base):
                break
            end += 1
        if end == index + 2:
            return None
        pad = " " * base
        entry = [f"{pad}{name} : boto3.session.Session, optional", f"{pad}    {DESCRIPTION}"]
        return lines[:end] + ([""] if spaced else []) + entry + lines[end:]
    return None


def _numpy_header_at(lines: List[str], index: int, base: int) -> bool:
    """``lines[index]`` starts the next section: a title over a dashed line."""
    return _indent(lines[index]) == base and index + 1 < len(lines) and bool(_DASHES.fullmatch(lines[index + 1]))


def _numpy_entry_follows(lines: List[str], index: int, base: int) -> bool:
    """After a blank line, another parameter of the same section (``key : str``
    at the section's indent), not the next section or the docstring's end."""
    return (
        index < len(lines)
        and _indent(lines[index]) == base
        and bool(_NUMPY_ENTRY.fullmatch(lines[index].strip()))
        and not _numpy_header_at(lines, index, base)
    )


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
