"""Each rule page's code is a test, as Fixit's VALID/INVALID examples are: every
python block under *Example* must give the rule's code, every block under
*Use instead* must give no code at all. A block can set rule options the way a fixture does,
with a first-lines ``# botolint-config: {json}`` comment."""

from __future__ import annotations

import re
from typing import List, Tuple, Type

import pytest

from botolint.config import config_from_table
from botolint.engine import analyze_source
from botolint.noqa import unsuppressed
from botolint.rule import Rule, all_rules, doc_sections
from fixture_support import config_in

_PYTHON_BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def python_blocks(rule: Type[Rule], section: str) -> List[str]:
    return _PYTHON_BLOCK.findall(doc_sections(rule).get(section, ""))


def _cases(section: str) -> List[Tuple[Type[Rule], str]]:
    return [
        pytest.param(rule, block, id=f"{rule.code}-{index}")
        for rule in all_rules()
        for index, block in enumerate(python_blocks(rule, section), start=1)
    ]


def codes_in(source: str) -> List[str]:
    analysis = analyze_source(source, "example.py", config=config_from_table(config_in(source)))
    assert analysis.error is None, analysis.error
    return [finding.code for finding in unsuppressed(analysis)]


def test_every_rule_page_has_code_to_run_on_both_sides():
    for rule in all_rules():
        assert python_blocks(rule, "Example") and python_blocks(rule, "Use instead"), rule.code


@pytest.mark.parametrize("rule, source", _cases("Example"))
def test_example_gives_the_rule(rule, source):
    assert rule.code in codes_in(source), source


@pytest.mark.parametrize("rule, source", _cases("Use instead"))
def test_use_instead_does_not_give_the_rule(rule, source):
    assert rule.code not in codes_in(source), source


@pytest.mark.parametrize("rule, source", _cases("Use instead"))
def test_use_instead_gives_no_other_rule_either(rule, source):
    # Following one page's advice must not walk into another rule.
    assert codes_in(source) == [], source
