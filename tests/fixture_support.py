"""Reading the expectations written inline in ``fixtures/rules``.

A line that should be reported ends with a comment naming the codes:
``s3 = boto3.client("s3")  # AWS101`` or ``# AWS101, AWS102``. A code can pin
its column, 1-based as ``botolint check`` and flake8 print it:
``# AWS101:12, AWS102:30``. A pinned code matches only a finding at that
column; an unpinned one matches any column on the line, so pin all or none of
one code's findings on a line. A code reported twice on a line is listed twice. A fixture can set rule options with a
first-lines comment ``# botolint-config: {json}``, which both the core and
flake8 (through a pyproject.toml) receive.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from collections import Counter
from typing import Any, Counter as CounterType, Dict, Iterable, List, Optional, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
RULE_FIXTURES = ROOT / "fixtures" / "rules"

_CODE = r"AWS\d{3}(?::\d+)?"
_EXPECTED = re.compile(rf"#\s*({_CODE}(?:\s*,\s*{_CODE})*)\s*$")
_CONFIG = re.compile(r"^#\s*botolint-config:\s*(\{.*\})\s*$")

# How many findings of each (line, code, column); the column is None where the
# fixture does not pin it.
Expectation = CounterType[Tuple[int, str, Optional[int]]]


def rule_fixtures() -> List[Path]:
    return sorted(RULE_FIXTURES.rglob("*.py"))


def expected_findings(path: Path) -> Expectation:
    expected: Expectation = Counter()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECTED.search(line)
        if match:
            for item in match.group(1).split(","):
                code, _, column = item.strip().partition(":")
                expected[(number, code, int(column) if column else None)] += 1
    return expected


def expected_codes(path: Path) -> Set[str]:
    return {code for _, code, _ in expected_findings(path)}


def as_expectation(found: Iterable[Tuple[int, int, str]], expected: Expectation) -> Expectation:
    """``found`` (line, 1-based column, code) in the shape of ``expected``: a
    column is kept where the fixture pins that code on that line, else dropped."""
    pinned = {(line, code) for line, code, column in expected if column is not None}
    return Counter((line, code, column if (line, code) in pinned else None) for line, column, code in found)


def fixture_config(path: Path) -> Dict[str, Any]:
    return config_in(path.read_text(encoding="utf-8"))


def config_in(source: str) -> Dict[str, Any]:
    """The ``# botolint-config: {json}`` table in the first lines of ``source``."""
    for line in source.splitlines()[:5]:
        match = _CONFIG.match(line)
        if match:
            return json.loads(match.group(1))
    return {}
