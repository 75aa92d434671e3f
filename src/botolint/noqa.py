"""Suppression comments, read exactly as flake8 7 reads them.

* ``# noqa`` silences every finding on its line; ``# noqa: AWS101,E501`` (or
  ``# noqa: AWS101 E501``, or ``# noqa:AWS1``) silences the findings whose code
  is listed or starts with a listed prefix. The pattern is flake8's own
  (``flake8.defaults.NOQA_INLINE_REGEXP``): the word ``noqa`` may be in any
  case, the codes are compared as written, so ``# NOQA: aws101`` silences
  nothing, in flake8 as here.
* The comment is looked for where flake8 looks: on the reported line, or
  anywhere in the lines of the token range that line belongs to (a
  triple-quoted string, a backslash continuation).
* A line ``# flake8: noqa`` or ``# botolint: noqa`` (alone on its line) skips
  the whole file. flake8 reads the first itself; the plugin reads the second.

``per-file-ignores`` (see ``botolint.settings``) is applied here as well, so
that ``check``, ``fix`` and the codemod drop the same findings.
"""

from __future__ import annotations

import io
import re
import tokenize
from typing import TYPE_CHECKING, Dict, FrozenSet, List, Optional, Sequence

from flake8.defaults import NOQA_FILE, NOQA_INLINE_REGEXP
from flake8.utils import parse_comma_separated_list

from botolint.rule import Finding

if TYPE_CHECKING:  # the flake8 plugin reads file-level noqa before any core is imported
    from botolint.engine import FileAnalysis

# flake8's file-level pattern with botolint's name in it.
BOTOLINT_NOQA_FILE = re.compile(r"\s*# botolint[:=]\s*noqa", re.IGNORECASE)


def file_is_ignored(lines: Sequence[str], names: Sequence["re.Pattern[str]"] = (NOQA_FILE, BOTOLINT_NOQA_FILE)) -> bool:
    """Whether a line of the file is a file-level ``noqa`` comment."""
    return any(pattern.match(line) for line in lines for pattern in names)


def silenced_codes(line: str) -> Optional[FrozenSet[str]]:
    """What a ``noqa`` comment in ``line`` silences: None for nothing, an empty
    set for everything (a blanket ``# noqa``), else the listed codes."""
    match = NOQA_INLINE_REGEXP.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    return frozenset() if codes is None else frozenset(parse_comma_separated_list(codes))


def is_silenced_by(code: str, line: str) -> bool:
    codes = silenced_codes(line)
    if codes is None:
        return False
    return not codes or code in codes or code.startswith(tuple(codes))


def noqa_lines(lines: Sequence[str]) -> Dict[int, str]:
    """For each line number, the text flake8 searches for ``noqa``: the lines
    from one NL/NEWLINE token to the next, joined. Empty when the file does
    not tokenize (flake8 then reads the reported line alone)."""
    text = "\n".join(lines)
    mapping: Dict[int, str] = {}
    first, last = len(lines) + 2, -1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first, last = min(first, token.start[0]), max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                joined = "\n".join(lines[first - 1 : last])
                mapping.update(dict.fromkeys(range(first, last + 1), joined))
                first, last = len(lines) + 2, -1
    except (tokenize.TokenError, SyntaxError):
        return {}
    return mapping


class Suppressions:
    """The ``noqa`` comments of one file."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.whole_file = file_is_ignored(lines)
        # Tokenizing is needed only when some line has a noqa comment at all.
        self._any = any(NOQA_INLINE_REGEXP.search(line) for line in lines)
        self._mapping: Optional[Dict[int, str]] = None

    def silences(self, finding: Finding) -> bool:
        if self.whole_file:
            return True
        if not self._any or not 0 < finding.line <= len(self.lines):
            return False
        if self._mapping is None:
            self._mapping = noqa_lines(self.lines)
        line = self._mapping.get(finding.line, self.lines[finding.line - 1])
        return is_silenced_by(finding.code, line)


def is_suppressed(finding: Finding, lines: Sequence[str]) -> bool:
    return Suppressions(lines).silences(finding)


def unsuppressed(analysis: "FileAnalysis") -> List[Finding]:
    """The findings of ``analysis`` that no ``noqa`` comment and no
    ``per-file-ignores`` entry silences."""
    if not analysis.findings:
        return []
    from botolint.settings import per_file_ignored  # settings imports the engine's users

    config = analysis.context.config if analysis.context is not None else None
    suppressions = Suppressions(analysis.lines())
    return [
        finding
        for finding in analysis.findings
        if not suppressions.silences(finding) and not per_file_ignored(config, analysis.path, finding.code)
    ]
