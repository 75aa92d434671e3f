"""Output of ``botolint check``: a run's findings as text, json, sarif or
github annotations, and the text summary.

Every renderer takes the whole run (``RunResult``: the findings, the files that
could not be analysed, how many files were checked) and the options that shape
it (``OutputOptions``), so a format can say everything the run learnt.

The text format keeps one finding per line, ``path:line:col: CODE message``,
with ``[*]`` between the code and the message when ``botolint fix`` can fix the
finding safely, as ruff marks them. Like ruff, the text output ends with a
summary line (``Found ... findings`` or ``All checks passed``) on standard
output; it never starts with ``path:line:col:``, so a flake8-style parser that
matches that pattern skips it, and ``--quiet`` leaves it out.
"""

from __future__ import annotations

import json
import re
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, List, Optional, Sequence, Tuple, Type

from botolint.output.style import Style
from botolint.rule import Rule, rules_by_code

if TYPE_CHECKING:
    from botolint.config import Config

_PYTHON_NEWLINE = re.compile(r"\r\n|\r|\n")

# How severe each rule's findings are where a format has levels (SARIF, GitHub
# annotations): warning unless listed. A hard-coded secret is a security finding.
LEVELS: Dict[str, str] = {"AWS403": "error"}
# GitHub code scanning's security-severity (0.0 to 10.0; 7.0 and above is "high").
SECURITY_SEVERITY: Dict[str, str] = {"AWS403": "7.5"}


def level_of(code: str) -> str:
    return LEVELS.get(code, "warning")


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int
    column: int
    code: str
    message: str
    # The value of the fix's ``Applicability`` ("safe", "unsafe", "display-only"), None without a fix.
    applicability: Optional[str] = None

    @property
    def safe_fix(self) -> bool:
        return self.applicability == "safe"

    @property
    def unsafe_fix(self) -> bool:
        return self.applicability == "unsafe"


@dataclass(frozen=True)
class Failure:
    """A file that could not be analysed, and why."""

    path: str
    error: str


@dataclass
class RunResult:
    diagnostics: List[Diagnostic] = field(default_factory=list)
    failures: List[Failure] = field(default_factory=list)
    files: int = 0  # files checked, the failed ones included
    # The contents of files not read from disk (standard input), by the path reported.
    sources: Dict[str, bytes] = field(default_factory=dict)

    def source(self, path: str) -> Optional[bytes]:
        if path in self.sources:
            return self.sources[path]
        try:
            return Path(path).read_bytes()
        except OSError:
            return None

    def lines(self, path: str) -> List[str]:
        """The file's lines, decoded as Python decodes source (its coding cookie
        or BOM), split where Python ends a line; empty if it cannot be read."""
        data = self.source(path)
        if data is None:
            return []
        return decode_source(data).split("\n") if data else []


def decode_source(data: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(BytesIO(data).readline)
        text = data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError):
        text = data.decode("utf-8", errors="replace")
    return _PYTHON_NEWLINE.sub("\n", text)


@dataclass(frozen=True)
class OutputOptions:
    style: Style = field(default_factory=Style)
    show_source: bool = False
    # For SARIF's fixes and end positions, which analyse the files with findings again.
    config: Optional["Config"] = None
    rules: Optional[Tuple[Type[Rule], ...]] = None


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render_text(result: RunResult, options: OutputOptions) -> str:
    style = options.style
    lines_of: Dict[str, List[str]] = {}
    out = []
    for d in result.diagnostics:
        mark = f"{style.fixable('[*]')} " if d.safe_fix else ""
        out.append(
            f"{style.path(d.path)}{style.punctuation(':')}{d.line}{style.punctuation(':')}{d.column}"
            f"{style.punctuation(':')} {style.code(d.code)} {mark}{d.message}\n"
        )
        if options.show_source:
            if d.path not in lines_of:
                lines_of[d.path] = result.lines(d.path)
            out.append(source_excerpt(lines_of[d.path], d.line, d.column, style))
    return "".join(out)


def source_excerpt(lines: Sequence[str], line: int, column: int, style: Style) -> str:
    """The reported line and a caret under the column (tabs kept, so it lines up)."""
    if not 0 < line <= len(lines):
        return ""
    text = lines[line - 1]
    pad = "".join(char if char == "\t" else " " for char in text[: column - 1])
    return f"{text}\n{pad}{style.caret('^')}\n"


def render_summary(result: RunResult, style: Style) -> str:
    """One line after the text output, like ruff's."""
    findings = result.diagnostics
    failed = len(result.failures)
    if not findings and not failed:
        if not result.files:
            return ""
        return style.success(f"All checks passed: {plural(result.files, 'file')}, no findings.") + "\n"
    files = len({d.path for d in findings})
    text = f"Found {plural(len(findings), 'finding')} in {plural(files, 'file')}" if findings else "No findings"
    safe = sum(d.safe_fix for d in findings)
    unsafe = sum(d.unsafe_fix for d in findings)
    if safe:
        text += f"; {safe} fixable with botolint fix"
        if unsafe:
            text += f", {unsafe} more with --unsafe-fixes"
    elif unsafe:
        text += f"; {unsafe} fixable with botolint fix --unsafe-fixes"
    if failed:
        text += f"; {plural(failed, 'file')} could not be analysed"
    return style.summary(text + ".") + "\n"


def render_json(result: RunResult, options: OutputOptions) -> str:
    return json.dumps(
        [
            {
                "path": d.path, "line": d.line, "column": d.column, "code": d.code, "message": d.message,
                "fix": {"applicability": d.applicability} if d.applicability else None,
            }
            for d in result.diagnostics
        ],
        indent=2,
    ) + "\n"


def render_sarif(result: RunResult, options: OutputOptions) -> str:
    from botolint.output.sarif import sarif_document

    return json.dumps(sarif_document(result, options), indent=2) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: RunResult, options: OutputOptions) -> str:
    """GitHub Actions workflow commands: an annotation per finding, and an
    ``::error`` for each file that could not be analysed."""
    out = [
        f"::{level_of(d.code)} file={_escape_property(d.path)},line={d.line},col={d.column},"
        f"title={_escape_property(d.code)}::{_escape_data(f'{d.code} {d.message}')}\n"
        for d in result.diagnostics
    ]
    out += [
        f"::error file={_escape_property(f.path)},title=botolint::"
        f"{_escape_data(f'{f.path} could not be analysed: {f.error}')}\n"
        for f in result.failures
    ]
    return "".join(out)


FORMATS: Dict[str, Callable[[RunResult, OutputOptions], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}


def render_statistics(diagnostics: Sequence[Diagnostic]) -> str:
    rules = rules_by_code()
    counts = Counter(d.code for d in diagnostics)
    width = max((len(str(n)) for n in counts.values()), default=1)
    return "".join(
        f"{counts[code]:>{width}}  {code}  {rules[code].name}\n" for code in sorted(counts)
    )
