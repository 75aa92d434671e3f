"""``botolint check --add-noqa``: silence every current finding where it is,
so a legacy codebase can turn botolint on today and fix the findings later.

Each finding's line gets ``# noqa: AWSnnn`` (its codes, sorted). A line with a
``# noqa: CODES`` comment already (as flake8 reads one: its own pattern) gets
the new codes added to that list, ``# noqa: E501`` becoming
``# noqa: E501, AWS101``; any other comment is kept and the directive follows
it. Running it again changes nothing, since the findings are then silenced.
A file is rewritten atomically with its encoding, BOM and line endings kept.
A line that cannot carry a comment (it ends inside a multi-line string, or
with a backslash continuation) is left alone and reported.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Set, Tuple

from flake8.defaults import NOQA_INLINE_REGEXP

from botolint.output import RunResult, plural
from botolint.writer import write_atomic

# A line's text and its end (\r\n, \r, \n or nothing on the last line).
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")


class NoqaError(Exception):
    pass


@dataclass
class FileEdit:
    path: str
    added: int = 0
    skipped: List[Tuple[int, str]] = field(default_factory=list)  # (line, why)
    data: bytes = b""


def add_noqa_comments(result: RunResult, quiet: bool = False) -> int:
    """Edit the files of ``result``'s findings; 1 when some line or file could not be edited."""
    by_path: Dict[str, Dict[int, Set[str]]] = {}
    for d in result.diagnostics:
        by_path.setdefault(d.path, {}).setdefault(d.line, set()).add(d.code)
    added = files = problems = 0
    for path, lines in by_path.items():
        try:
            with open(path, "rb") as stream:
                original = stream.read()
            edit = edit_source(path, original, lines)
            if edit.added:
                write_atomic(path, edit.data)
        except (OSError, NoqaError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            print(f"{path}: error: cannot add noqa comments: {reason}", file=sys.stderr)
            problems += 1
            continue
        for line, why in edit.skipped:
            print(f"{path}:{line}: cannot add a noqa comment: {why}", file=sys.stderr)
        problems += len(edit.skipped)
        if edit.added:
            added += edit.added
            files += 1
    if not quiet:
        print(f"Added {plural(added, 'noqa comment')} to {plural(files, 'file')}.")
    return 1 if problems else 0


def edit_source(path: str, data: bytes, codes_by_line: Dict[int, Set[str]]) -> FileEdit:
    """``data`` with a noqa directive for ``codes_by_line`` (1-based lines)."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise NoqaError(f"cannot decode the file ({error})") from None
    lines = [match.groups() for match in _LINE.finditer(text)]
    if lines and lines[-1] == ("", ""):
        lines.pop()  # the empty match after the last line ending
    comments, no_comment = _comment_positions([body for body, _ in lines])
    edit = FileEdit(path)
    for number in sorted(codes_by_line):
        if not 0 < number <= len(lines):
            continue
        if number in no_comment:
            edit.skipped.append((number, no_comment[number]))
            continue
        body, ending = lines[number - 1]
        new_body = with_noqa(body, comments.get(number), sorted(codes_by_line[number]))
        if new_body != body:
            lines[number - 1] = (new_body, ending)
            edit.added += 1
    edit.data = "".join(body + ending for body, ending in lines).encode(encoding)
    return edit


def with_noqa(body: str, comment_column: "int | None", codes: Sequence[str]) -> str:
    """The line ``body`` (no line ending) with ``codes`` in its noqa directive;
    ``comment_column`` is where its comment starts (0-based), None without one."""
    if comment_column is not None:
        match = NOQA_INLINE_REGEXP.search(body, comment_column)
        if match is not None:
            listed = match.group("codes")
            if listed is None:
                return body  # a bare noqa silences everything already
            present = {code.upper() for code in re.split(r"[,\s]+", listed) if code}
            missing = [code for code in codes if code not in present]
            if not missing:
                return body
            end = match.start("codes") + len(listed.rstrip(", \t"))
            return body[:end] + "".join(f", {code}" for code in missing) + body[end:]
    return body.rstrip(" \t") + "  # noqa: " + ", ".join(codes)


def _comment_positions(bodies: Sequence[str]) -> Tuple[Dict[int, int], Dict[int, str]]:
    """Where each line's comment starts, and the lines where a comment cannot go (and why)."""
    comments: Dict[int, int] = {}
    no_comment: Dict[int, str] = {}
    # tokenize splits lines at \n only: give it Python's line ends as \n (columns stay).
    text = "\n".join(bodies) + "\n"
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            (start_row, start_col), (end_row, _) = token.start, token.end
            if token.type == tokenize.COMMENT:
                comments[start_row] = start_col
            elif end_row > start_row and token.type not in (tokenize.NEWLINE, tokenize.NL):
                for row in range(start_row, end_row):
                    no_comment[row] = "the line ends inside a multi-line string"
    except (tokenize.TokenError, SyntaxError) as error:
        raise NoqaError(f"cannot tokenize the file ({error})") from None
    for number, line in enumerate(bodies, start=1):
        if number not in comments and number not in no_comment and line.rstrip(" \t").endswith("\\"):
            no_comment[number] = "the line ends with a backslash continuation"
    return comments, no_comment
