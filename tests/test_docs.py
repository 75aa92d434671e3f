"""Every rule documents itself, and the README and CI agree with the code."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from botolint.rule import CODE_PATTERN, DOC_SECTIONS, all_rules, doc_sections
from fixture_support import ROOT, expected_codes, rule_fixtures

sys.path.insert(0, str(ROOT / "scripts"))
from update_readme import with_current_table  # noqa: E402

RULES = all_rules()


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_page_has_every_section(rule):
    sections = doc_sections(rule)
    missing = [name for name in DOC_SECTIONS if not sections.get(name)]
    assert not missing, f"{rule.code} docs lack {missing}"
    assert "```python" in sections["Example"] and "```python" in sections["Use instead"]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_identity(rule):
    assert CODE_PATTERN.match(rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert rule.message and rule.summary()


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_has_a_fixture_that_expects_it(rule):
    assert any(rule.code in expected_codes(path) for path in rule_fixtures())


def test_rule_names_are_unique():
    assert len({rule.name for rule in RULES}) == len(RULES)


def test_readme_rule_table_is_current():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert with_current_table(text) == text, "run: python scripts/update_readme.py"


def _readme_commands():
    return re.findall(r"```sh\n(.*?)\n```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)[:2]


def test_ci_runs_the_readme_test_command():
    install, test = _readme_commands()
    assert "botolint check examples/" in install
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test.strip() in ci_lines


def test_rule_command_prints_the_page():
    result = subprocess.run(
        [sys.executable, "-m", "botolint", "rule", "aws101"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert "## Why is this bad?" in result.stdout and "AWS101" in result.stdout
