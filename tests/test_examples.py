"""The README's first command: `botolint check examples/` and flake8 agree."""

from __future__ import annotations

import re
import subprocess
import sys

from fixture_support import ROOT


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, check=False)


# What a flake8-style consumer (an editor's or reviewdog's errorformat) matches;
# other lines, such as check's summary, it skips.
FINDING = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<code>[A-Z]+\d+) ")


def _locations(output: str):
    found = set()
    for line in output.splitlines():
        match = FINDING.match(line)
        if match:
            found.add((match["path"], int(match["line"]), int(match["column"]), match["code"]))
    return found


def _unmatched(output: str):
    return [line for line in output.splitlines() if not FINDING.match(line)]


def test_examples_have_findings_and_flake8_reports_the_same(tmp_path):
    # Run from the checkout as the README does, with the caches kept out of it.
    check = _run("botolint", "check", "--cache-dir", str(tmp_path), "examples/")
    flake8 = _run("flake8", "--isolated", "--botolint-no-cache", "--select", "AWS", "examples/")
    assert check.returncode == 1 and flake8.returncode == 1, check.stderr + flake8.stderr
    assert check.stderr == ""
    assert _locations(check.stdout) == _locations(flake8.stdout)
    # Only the summary line is not a finding, and it is the last line.
    assert _unmatched(check.stdout) == [check.stdout.splitlines()[-1]]
    assert check.stdout.splitlines()[-1].startswith(f"Found {len(_locations(check.stdout))} findings in ")
    assert _unmatched(flake8.stdout) == []
    codes = {code for *_, code in _locations(check.stdout)}
    assert {"AWS101", "AWS102", "AWS103", "AWS104"} <= codes
