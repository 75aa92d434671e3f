"""Running a snippet through the core in a test."""

from __future__ import annotations

import textwrap
from typing import List, Tuple

from botolint.config import config_from_table
from botolint.engine import analyze_source


def codes(source: str, **settings) -> List[Tuple[int, str]]:
    """(line, code) of every finding in the dedented ``source``, with ``settings``
    as the ``[tool.botolint]`` table."""
    analysis = analyze_source(textwrap.dedent(source), config=config_from_table(settings))
    assert analysis.error is None
    return [(finding.line, finding.code) for finding in analysis.findings]
