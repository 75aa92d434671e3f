"""Which modules the project layer reads. Following the calls of code that
runs on worker threads stops at a module that can lead nowhere else (it
imports no module of the project and leaves no method to subclasses): a
generated parser is not summarised, however much of it a worker runs. A module
with an abstract method is read, since a call of it runs an override elsewhere."""

from __future__ import annotations

import shutil
from pathlib import Path

from botolint import runner
from botolint.cache import Cache
from botolint.config import load_config
from botolint.rule import all_rules
from fixture_support import ROOT

PROJECT = ROOT / "fixtures" / "projects" / "generated_parser"


def _check_with_cache(tmp_path: Path):
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    cache = Cache(tmp_path / "cache", "test")
    reports = list(runner.check_paths([project], load_config(project), all_rules(), cache=cache, jobs=1))
    found = sorted((Path(r.path).name, f.line, f.code) for r in reports for f in r.findings)
    return project / "src" / "rules_engine", cache, found


def _summarised(cache: Cache, path: Path) -> bool:
    return cache.get_summary(path.read_bytes()) is not None


def test_a_module_that_leads_nowhere_else_is_not_read(tmp_path: Path):
    package, cache, found = _check_with_cache(tmp_path)
    assert found == [("actions.py", 7, "AWS203"), ("actions.py", 12, "AWS203")]
    assert not _summarised(cache, package / "grammar.py")
    # The abstract method's module is read: the override it runs is found (actions.py:12).
    assert _summarised(cache, package / "visitor.py")


def test_a_parser_that_calls_back_into_the_project_is_read(tmp_path: Path):
    # The twin: the same parser, now logging each rule through a project module.
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    package = project / "src" / "rules_engine"
    with (package / "actions.py").open("a") as actions:
        actions.write('\n\ndef log_rule(name):\n    boto3.client("logs").put_log_events(logGroupName=name)\n')
    grammar = package / "grammar.py"
    text = grammar.read_text().replace("import re\n", "import re\n\nfrom rules_engine.actions import log_rule\n", 1)
    call = "        name = self.match()\n"
    grammar.write_text(text.replace(call, call + "        log_rule(name)\n"))
    cache = Cache(tmp_path / "cache", "test")
    found = [
        (Path(report.path).name, finding.line, finding.code, finding.message)
        for report in runner.check_paths([project], load_config(project), all_rules(), cache=cache, jobs=1)
        for finding in report.findings
    ]
    assert _summarised(cache, grammar)
    assert [(name, line, code) for name, line, code, _ in found] == [
        ("actions.py", 7, "AWS203"), ("actions.py", 12, "AWS203"), ("actions.py", 16, "AWS203")
    ]
    assert "(evaluate_all -> evaluate -> Parser.rule_set -> Parser.rule -> log_rule)" in found[2][3]
