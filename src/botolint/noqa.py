"""``# noqa`` and ``# noqa: AWS101,AWS102`` on the reported line, as flake8 reads them."""

from __future__ import annotations

import re
from typing import List, Optional, Sequence

from botolint.engine import FileAnalysis
from botolint.rule import Finding

_NOQA = re.compile(
    r"#\s*noqa(?::[\s]?(?P<codes>[A-Z][0-9]+(?:[,\s]+)?)+)?",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Z][0-9]+", re.IGNORECASE)


def is_suppressed(finding: Finding, lines: Sequence[str]) -> bool:
    if not 0 < finding.line <= len(lines):
        return False
    match = _NOQA.search(lines[finding.line - 1])
    if match is None:
        return False
    codes = _codes(match)
    return codes is None or any(finding.code.startswith(code) for code in codes)


def _codes(match: "re.Match[str]") -> Optional[set]:
    text = match.group(0)
    if ":" not in text:
        return None
    return {code.upper() for code in _CODE.findall(text.split(":", 1)[1])}


def unsuppressed(analysis: FileAnalysis) -> List[Finding]:
    """The findings of ``analysis`` that no ``# noqa`` comment silences."""
    if not analysis.findings:
        return []
    lines = analysis.lines()
    return [finding for finding in analysis.findings if not is_suppressed(finding, lines)]
