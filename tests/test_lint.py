"""The project's own code passes its own linter settings ([tool.ruff] in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys

from fixture_support import ROOT


def _ruff(*argv: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", *argv], capture_output=True, text=True, cwd=cwd
    )


def test_the_code_passes_ruff():
    result = _ruff("src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_with_these_settings_reports_an_unused_import(tmp_path):
    # The twin: the same settings still find something to report.
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "bad.py").write_text("import os\n")
    result = _ruff("bad.py", cwd=tmp_path)
    assert result.returncode == 1 and "F401" in result.stdout
