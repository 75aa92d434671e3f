"""Multi-module fixture projects: the project layer follows boto3 objects and
worker threads across functions, classes and modules. Every file carries its
expected codes inline; ``botolint check`` of the project, of each file alone,
with worker processes, and flake8 (whole and file by file) must all agree."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from botolint import runner
from botolint.config import load_config
from botolint.rule import all_rules
from fixture_support import ROOT, Expectation, as_expectation, expected_findings

PROJECTS = sorted(path for path in (ROOT / "fixtures" / "projects").iterdir() if path.is_dir())
# Per file (relative to the project): what its comments expect, or what was
# found in the shape of that (see fixture_support.as_expectation).
Expected = Dict[str, Expectation]
Found = Dict[str, List[Tuple[int, int, str]]]


def _files(project: Path):
    return sorted(project.rglob("*.py"))


def _expected(project: Path, only: Optional[Path] = None) -> Expected:
    return {
        path.relative_to(project).as_posix(): expected_findings(path)
        for path in _files(project)
        if only is None or path == only
    }


def _as_expected(found: Found, expected: Expected) -> Expected:
    names = set(found) | set(expected)
    return {name: as_expectation(found.get(name, []), expected.get(name, Counter())) for name in names}


def _checked(project: Path, paths, jobs=1, only: Optional[Path] = None) -> Expected:
    config = load_config(project)
    found: Found = {}
    for report in runner.check_paths(paths, config, all_rules(), jobs=jobs):
        assert report.error is None, (report.path, report.error)
        name = Path(report.path).resolve().relative_to(project).as_posix()
        found.setdefault(name, []).extend((f.line, f.column, f.code) for f in report.findings)
    return _as_expected(found, _expected(project, only))


@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: path.name)
def test_check_of_the_project_matches(project: Path):
    assert _checked(project, [project]) == _expected(project)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: path.name)
def test_check_of_each_file_alone_matches(project: Path):
    for path in _files(project):
        assert _checked(project, [path], only=path) == _expected(project, path), path


@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: path.name)
def test_worker_processes_give_the_same_findings(project: Path, monkeypatch):
    monkeypatch.setattr(runner, "MIN_FILES_PER_WORKER", 1)
    assert _checked(project, [project], jobs=2) == _expected(project)


def _flake8(project: Path, targets, only: Optional[Path] = None) -> Expected:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "AWS", "--botolint-no-cache",
         "--format", "%(path)s\t%(row)d\t%(col)d\t%(code)s", *map(str, targets)],
        cwd=project, capture_output=True, text=True, check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    found: Found = {}
    for line in result.stdout.splitlines():
        path, row, column, code = line.split("\t")
        name = (project / path).resolve().relative_to(project).as_posix()
        found.setdefault(name, []).append((int(row), int(column), code))
    return _as_expected(found, _expected(project, only))


@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: path.name)
def test_flake8_of_the_project_and_of_each_file_matches(project: Path):
    assert _flake8(project, ["."]) == _expected(project)
    for path in _files(project):
        assert _flake8(project, [path.relative_to(project)], only=path) == _expected(project, path), path


def _messages(project: Path) -> Dict[Tuple[str, int], str]:
    config = load_config(project)
    return {
        (Path(report.path).resolve().relative_to(project).as_posix(), f.line): f"{f.code} {f.message}"
        for report in runner.check_paths([project], config, all_rules())
        for f in report.findings
    }


def test_a_finding_that_depends_on_another_module_says_where():
    project = ROOT / "fixtures" / "projects" / "threads_across_modules"
    messages = _messages(project)
    assert "started at src/shop/jobs.py:14 (upload_all -> upload)" in messages[("src/shop/aws.py", 8)]
    assert "(describe_all -> describe_all.<lambda> -> describe)" in messages[("src/shop/aws.py", 13)]
    assert "(index_all -> index -> _table)" in messages[("src/shop/aws.py", 30)]
    assert "started at src/shop/parallel.py:22 (in_background -> email)" in messages[("src/shop/reports.py", 9)]

