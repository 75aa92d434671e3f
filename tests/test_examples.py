"""The README's first command: `botolint check examples/` and flake8 agree."""

from __future__ import annotations

import subprocess
import sys

from fixture_support import ROOT


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, check=False)


def _locations(output: str):
    found = set()
    for line in output.splitlines():
        path, row, column, rest = line.split(":", 3)
        found.add((path, int(row), int(column), rest.split()[0]))
    return found


def test_examples_have_findings_and_flake8_reports_the_same(tmp_path):
    # Run from the checkout as the README does, with the caches kept out of it.
    check = _run("botolint", "check", "--cache-dir", str(tmp_path), "examples/")
    flake8 = _run("flake8", "--isolated", "--botolint-no-cache", "--select", "AWS", "examples/")
    assert check.returncode == 1 and flake8.returncode == 1, check.stderr + flake8.stderr
    assert check.stderr == ""
    assert _locations(check.stdout) == _locations(flake8.stdout)
    codes = {code for *_, code in _locations(check.stdout)}
    assert {"AWS101", "AWS102", "AWS103", "AWS104"} <= codes
