"""Code the fix writes passes the checks a maintainer already runs: the
rewritten fixtures have no more lines over the line length than before,
stay black-formatted when they were, and satisfy mypy's
--disallow-incomplete-defs where the fix annotated a new parameter."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_support import ROOT

FIX_FIXTURES = ROOT / "fixtures" / "fix"
PAIRS = sorted(FIX_FIXTURES.glob("*.before.py"))


def _after(before: Path) -> Path:
    return before.with_name(before.name.replace(".before.py", ".after.py"))


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def too_long():
    """E501 findings per fixture file, from one flake8 run."""
    files = [str(path) for before in PAIRS for path in (before, _after(before))]
    result = _run(
        "flake8", "--isolated", "--botolint-no-cache", "--select", "E501", "--max-line-length", "88",
        "--format", "%(path)s", *files,
    )
    counts = {path: 0 for path in files}
    for line in result.stdout.splitlines():
        counts[line] += 1
    return counts


@pytest.fixture(scope="module")
def unformatted():
    """The fixture files black would reformat, from one black run."""
    files = [str(path) for before in PAIRS for path in (before, _after(before))]
    result = _run("black", "--check", *files)
    return {
        line.split("would reformat ", 1)[1].strip() for line in result.stderr.splitlines() if "would reformat" in line
    }


@pytest.mark.parametrize("before", PAIRS, ids=lambda path: path.name.replace(".before.py", ""))
def test_the_fix_adds_no_line_over_the_length(before: Path, too_long):
    assert too_long[str(_after(before))] <= too_long[str(before)]


@pytest.mark.parametrize("before", PAIRS, ids=lambda path: path.name.replace(".before.py", ""))
def test_black_formatted_code_stays_black_formatted(before: Path, unformatted):
    if str(before) in unformatted:
        pytest.skip("the original is not black-formatted")  # nothing to keep
    assert str(_after(before)) not in unformatted


def test_black_formatting_is_checked_on_some_fixtures(unformatted):
    assert sum(str(before) not in unformatted for before in PAIRS) >= 10


def _incomplete_defs(directory: Path, version: str) -> int:
    """mypy --disallow-incomplete-defs errors over the annotation fixtures."""
    directory.mkdir()
    for name in ("annotations", "annotations_postponed", "signatures"):
        shutil.copy(FIX_FIXTURES / f"{name}.{version}.py", directory / f"{name}.py")
    result = _run(
        "mypy", "--disallow-incomplete-defs", "--ignore-missing-imports", "--no-error-summary",
        "--cache-dir", str(directory / ".mypy_cache"), str(directory),
    )
    return sum("[no-untyped-def]" in line for line in result.stdout.splitlines())


def test_annotated_functions_stay_complete_for_mypy(tmp_path):
    # A function the fix gave an unannotated parameter would count once more.
    assert _incomplete_defs(tmp_path / "after", "after") <= _incomplete_defs(tmp_path / "before", "before")
