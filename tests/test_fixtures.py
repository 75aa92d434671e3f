"""Every fixture, through the core and through real flake8: both must report
exactly what the fixture's inline comments expect."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from botolint.config import config_from_table
from botolint.engine import analyze_path
from botolint.noqa import unsuppressed
from fixture_support import ROOT, as_expectation, expected_findings, fixture_config, rule_fixtures

FIXTURES = rule_fixtures()


def _ids(path: Path) -> str:
    return path.relative_to(ROOT / "fixtures" / "rules").as_posix()


def _toml_value(value) -> str:
    return json.dumps(value)  # JSON strings, numbers, booleans and lists are valid TOML


@pytest.fixture(scope="session")
def flake8_findings(tmp_path_factory) -> Dict[Path, List[Tuple[int, int, str]]]:
    """(line, column, code) from flake8, run once per distinct fixture config
    over all fixtures with it. flake8 prints 1-based columns (it adds 1 to the
    0-based column a plugin yields), as ``botolint check`` does."""
    groups = defaultdict(list)
    for path in FIXTURES:
        groups[json.dumps(fixture_config(path), sort_keys=True)].append(path)
    found: Dict[Path, List[Tuple[int, int, str]]] = defaultdict(list)
    for config_json, paths in groups.items():
        workdir = tmp_path_factory.mktemp("flake8")
        table = json.loads(config_json)
        lines = ["[tool.botolint]"] + [f"{key} = {_toml_value(value)}" for key, value in table.items()]
        (workdir / "pyproject.toml").write_text("\n".join(lines) + "\n")
        # The configuration is found from each file (the nearest pyproject.toml
        # with [tool.botolint] above it): the fixtures are checked under it.
        copies = {}
        for path in paths:
            copy = workdir / path.relative_to(ROOT / "fixtures" / "rules")
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(path.read_bytes())
            copies[str(copy)] = path
        result = subprocess.run(
            [sys.executable, "-m", "flake8", "--isolated", "--select", "AWS",
             "--format", "%(path)s\t%(row)d\t%(col)d\t%(code)s", *copies],
            cwd=workdir, capture_output=True, text=True, check=False,
        )
        assert result.returncode in (0, 1), result.stderr
        for line in result.stdout.splitlines():
            path, row, column, code = line.split("\t")
            found[copies[path]].append((int(row), int(column), code))
    return found


def test_fixtures_exist():
    assert len(FIXTURES) >= 5


@pytest.mark.parametrize("path", FIXTURES, ids=_ids)
def test_core_matches_fixture(path: Path):
    analysis = analyze_path(path, config=config_from_table(fixture_config(path)))
    assert analysis.error is None
    expected = expected_findings(path)
    found = [(f.line, f.column, f.code) for f in unsuppressed(analysis)]
    assert as_expectation(found, expected) == expected


@pytest.mark.parametrize("path", FIXTURES, ids=_ids)
def test_flake8_matches_fixture(path: Path, flake8_findings):
    expected = expected_findings(path)
    assert as_expectation(flake8_findings[path], expected) == expected


@pytest.mark.parametrize("comment, matches", [("AWS101", True), ("AWS101:12", True), ("AWS101:11", False)])
def test_a_pinned_column_must_be_the_reported_one(tmp_path, comment, matches):
    path = tmp_path / "pinned.py"
    path.write_text(f'import boto3\n\n\ndef f():\n    return boto3.client("s3")  # {comment}\n')
    expected = expected_findings(path)
    found = [(f.line, f.column, f.code) for f in analyze_path(path).findings]
    assert (as_expectation(found, expected) == expected) is matches


@pytest.mark.parametrize(
    "comment, matches", [("AWS101", False), ("AWS101, AWS101", True), ("AWS101:12, AWS101:32", True)]
)
def test_a_code_reported_twice_on_a_line_is_listed_twice(tmp_path, comment, matches):
    path = tmp_path / "twice.py"
    path.write_text(f'import boto3\n\n\ndef f():\n    return boto3.client("s3"), boto3.client("sqs")  # {comment}\n')
    expected = expected_findings(path)
    found = [(f.line, f.column, f.code) for f in analyze_path(path).findings]
    assert (as_expectation(found, expected) == expected) is matches
