"""The rule catalog read from source agrees with the rule classes themselves."""

from __future__ import annotations

import subprocess
import sys

import pytest

from botolint.catalog import entries_by_code, rule_entries
from botolint.rule import all_rules

FIELDS = (
    "code", "name", "message", "title", "supersedes", "fix_applicability", "no_fix_reason",
    "in_test_code", "in_scripts",
)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda rule: rule.code)
def test_catalog_entry_matches_the_rule_class(rule):
    entry = entries_by_code()[rule.code]
    assert {name: getattr(entry, name) for name in FIELDS} == {name: getattr(rule, name) for name in FIELDS}
    assert entry.doc == rule.docs()
    assert entry.summary() == rule.summary()
    assert entry.module == rule.__module__


def test_catalog_lists_exactly_the_rules():
    assert [entry.code for entry in rule_entries()] == [rule.code for rule in all_rules()]


def test_reading_the_catalog_imports_no_rule_and_no_libcst():
    script = (
        "import sys; from botolint.catalog import rule_entries; rule_entries(); "
        "print(sorted(m for m in sys.modules if m == 'libcst' or m.startswith('botolint.rules')))"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
