"""Multi-module fixture projects: the project layer follows boto3 objects and
worker threads across functions, classes and modules. Every file carries its
expected codes inline; ``botolint check`` of the project, of each file alone,
with worker processes, and flake8 (whole and file by file) must all agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Dict, Set, Tuple

import pytest

from botolint import runner
from botolint.config import load_config
from botolint.rule import all_rules
from fixture_support import ROOT, expected_findings

PROJECTS = sorted(path for path in (ROOT / "fixtures" / "projects").iterdir() if path.is_dir())
Expected = Set[Tuple[str, int, str]]


def _files(project: Path):
    return sorted(project.rglob("*.py"))


def _expected(project: Path, only: Path = None) -> Expected:
    return {
        (path.relative_to(project).as_posix(), line, code)
        for path in _files(project)
        if only is None or path == only
        for line, code in expected_findings(path)
    }


def _checked(project: Path, paths, jobs=1) -> Expected:
    config = load_config(project)
    found: Expected = set()
    for report in runner.check_paths(paths, config, all_rules(), jobs=jobs):
        assert report.error is None, (report.path, report.error)
        found |= {(Path(report.path).resolve().relative_to(project).as_posix(), f.line, f.code) for f in report.findings}
    return found


@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: path.name)
def test_check_of_the_project_matches(project: Path):
    assert _checked(project, [project]) == _expected(project)


@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: path.name)
def test_check_of_each_file_alone_matches(project: Path):
    for path in _files(project):
        assert _checked(project, [path]) == _expected(project, path), path


@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: path.name)
def test_worker_processes_give_the_same_findings(project: Path, monkeypatch):
    monkeypatch.setattr(runner, "MIN_FILES_PER_WORKER", 1)
    assert _checked(project, [project], jobs=2) == _expected(project)


def _flake8(project: Path, targets) -> Expected:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "AWS", "--botolint-no-cache",
         "--format", "%(path)s\t%(row)d\t%(code)s", *map(str, targets)],
        cwd=project, capture_output=True, text=True, check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    found: Expected = set()
    for line in result.stdout.splitlines():
        path, row, code = line.split("\t")
        found.add(((project / path).resolve().relative_to(project).as_posix(), int(row), code))
    return found


@pytest.mark.parametrize("project", PROJECTS, ids=lambda path: path.name)
def test_flake8_of_the_project_and_of_each_file_matches(project: Path):
    assert _flake8(project, ["."]) == _expected(project)
    for path in _files(project):
        assert _flake8(project, [path.relative_to(project)]) == _expected(project, path), path


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
