"""Parsing a module with LibCST, behind a guard that keeps it from crashing.

LibCST's native parser recurses on the C stack for every level of nesting and
kills the interpreter (SIGSEGV: nothing to catch, the whole run is lost) a
little past 1,000 nested brackets or 5,000 operands of one `and`/`or` chain.
Python's own parser refuses such code cleanly (more than 200 nested brackets,
or a tree deeper than three times the recursion limit), so it reads the file
first. Its tree is kept: it explains syntax errors better than LibCST does, and
its statement line numbers let positions be computed one statement at a time.

LibCST checks every node as it is built (``CSTNode.__post_init__``). That
check is for nodes that code puts together; the parser's are valid by
construction (LibCST's own comment there says as much), and checking them is
about an eighth of the parse. The parse skips it, and only the parse: nodes
that ``fix`` builds are still checked. This assumes no other thread builds
nodes during a parse (botolint parses on one thread; flake8 runs plugins in
processes).
"""

from __future__ import annotations

import ast
import re
import warnings
from contextlib import contextmanager
from typing import Optional, Tuple, Union

import libcst as cst

from botolint.source import SourceError

_PYTHON_TOO_DEEP = ("too many nested", "too complex")
# LibCST nests `a and b and c ...` one level per operand; Python's tree is flat.
MAX_BOOLEAN_OPERANDS = 1000

# Every `and`/`or` operator, and a few words of prose (a digit may touch the
# operator: `1or x` is valid Python).
_BOOLEAN_WORD = r"(?<![A-Za-z_])(?:and|or)(?![A-Za-z0-9_])"
_BOOLEAN_WORDS = {str: re.compile(_BOOLEAN_WORD), bytes: re.compile(_BOOLEAN_WORD.encode())}


def parse(
    source: Union[str, bytes], python_tree: Optional[ast.Module] = None
) -> Tuple[cst.Module, Optional[ast.Module]]:
    """The LibCST module and, when Python can parse the source too, its ``ast``
    (``python_tree`` when the caller already has it). Raises SourceError."""
    python_error = None
    if python_tree is None:
        python_tree, python_error = _python_parse(source)
    if python_tree is not None and _longest_boolean_chain(source, python_tree) > MAX_BOOLEAN_OPERANDS:
        raise SourceError(f"nested too deeply to parse (more than {MAX_BOOLEAN_OPERANDS} operands of and/or)")
    try:
        with _nodes_unchecked():
            return cst.parse_module(source), python_tree
    except cst.ParserSyntaxError as error:
        raise SourceError(_syntax_error_message(python_error, error)) from None
    except SyntaxError as error:  # raised for undecodable bytes and bad encoding cookies
        raise SourceError(f"cannot decode: {error.msg}") from None
    except (UnicodeError, LookupError) as error:
        raise SourceError(f"cannot decode: {error}") from None
    except RecursionError:
        raise SourceError("nested too deeply to parse") from None


@contextmanager
def _nodes_unchecked():
    checked = cst.CSTNode.__dict__["__post_init__"]
    cst.CSTNode.__post_init__ = _unchecked  # type: ignore[method-assign]
    try:
        yield
    finally:
        cst.CSTNode.__post_init__ = checked  # type: ignore[method-assign]


def _unchecked(node: cst.CSTNode) -> None:
    pass


def _python_parse(source: Union[str, bytes]) -> Tuple[Optional[ast.Module], Optional[SyntaxError]]:
    """Python's tree of ``source``, or its syntax error. Raises SourceError when
    the code is nested too deeply to hand to LibCST."""
    try:
        with warnings.catch_warnings():  # e.g. "invalid escape sequence": not ours to print
            warnings.simplefilter("ignore")
            return ast.parse(source), None  # parsing only: the code is never compiled or run
    except SyntaxError as error:
        if any(text in str(error.msg) for text in _PYTHON_TOO_DEEP):
            raise SourceError(f"nested too deeply to parse ({error.msg})") from None
        return None, error  # LibCST may still read it (newer syntax than this Python's)
    except (RecursionError, MemoryError):
        raise SourceError("nested too deeply to parse") from None
    except ValueError:  # NUL bytes, refused with their own message
        return None, None


def _longest_boolean_chain(source: Union[str, bytes], tree: ast.AST) -> int:
    words = _BOOLEAN_WORDS[type(source)].findall(source)
    if len(words) <= MAX_BOOLEAN_OPERANDS:
        return 0  # cheap bound: no chain has more operators than the file
    return max((len(node.values) for node in ast.walk(tree) if isinstance(node, ast.BoolOp)), default=0)


def _syntax_error_message(python_error: Optional[SyntaxError], error: cst.ParserSyntaxError) -> str:
    # LibCST's own positions are often a line off; Python's are exact.
    if python_error is not None:
        where = f"{python_error.lineno}:{python_error.offset}" if python_error.lineno else "?"
        return f"syntax error at {where}: {python_error.msg}"
    detail = error.message.splitlines()[0] if error.message else str(error).splitlines()[0]
    return f"LibCST cannot parse this file, though Python can (line {error.raw_line}): {detail}"
