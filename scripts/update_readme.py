"""Regenerate the rule table in README.md: python scripts/update_readme.py"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from botolint.commands.rule import rule_table

README = Path(__file__).resolve().parent.parent / "README.md"
TABLE = re.compile(r"(<!-- rules-table:.*?-->\n).*?(<!-- end rules-table -->)", re.S)


def with_current_table(text: str) -> str:
    return TABLE.sub(lambda match: match.group(1) + rule_table() + match.group(2), text)


if __name__ == "__main__":
    README.write_text(with_current_table(README.read_text(encoding="utf-8")), encoding="utf-8")
    sys.exit(0)
