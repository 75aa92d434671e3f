"""Reading the expectations written inline in ``fixtures/rules``.

A line that should be reported ends with a comment naming the codes:
``s3 = boto3.client("s3")  # AWS101`` or ``# AWS101, AWS102``. A fixture can
set rule options with a first-lines comment ``# botolint-config: {json}``,
which both the core and flake8 (through a pyproject.toml) receive.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
RULE_FIXTURES = ROOT / "fixtures" / "rules"

_EXPECTED = re.compile(r"#\s*(AWS\d{3}(?:\s*,\s*AWS\d{3})*)\s*$")
_CONFIG = re.compile(r"^#\s*botolint-config:\s*(\{.*\})\s*$")

Expectation = Set[Tuple[int, str]]


def rule_fixtures() -> List[Path]:
    return sorted(RULE_FIXTURES.rglob("*.py"))


def expected_findings(path: Path) -> Expectation:
    expected = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        match = _EXPECTED.search(line)
        if match:
            expected |= {(number, code.strip()) for code in match.group(1).split(",")}
    return expected


def fixture_config(path: Path) -> Dict[str, Any]:
    return config_in(path.read_text(encoding="utf-8"))


def config_in(source: str) -> Dict[str, Any]:
    """The ``# botolint-config: {json}`` table in the first lines of ``source``."""
    for line in source.splitlines()[:5]:
        match = _CONFIG.match(line)
        if match:
            return json.loads(match.group(1))
    return {}
