"""action.yml, the composite GitHub Action: its steps' commands, run as the
runner would run them (bash, the step's env with the inputs filled in)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

import pytest
import yaml

from fixture_support import ROOT

BAD = 'import boto3\n\n\ndef f():\n    return boto3.client("s3")\n'
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
EXPRESSION = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def _step(name: str) -> dict:
    (step,) = [step for step in ACTION["runs"]["steps"] if step["name"] == name]
    return step


def _evaluate(text: str, inputs: Dict[str, str]) -> str:
    def value(match: "re.Match[str]") -> str:
        expression = match.group(1)
        if expression == "github.action_path":
            return str(ROOT)
        if expression.startswith("inputs."):
            name = expression[len("inputs."):]
            return inputs.get(name, ACTION["inputs"][name].get("default", ""))
        raise AssertionError(f"the test does not know {expression}")

    return EXPRESSION.sub(value, text)


def run_step(
    name: str, cwd: Path, inputs: Optional[Dict[str, str]] = None, path: str = ""
) -> subprocess.CompletedProcess:
    step = _step(name)
    assert step["shell"] == "bash"
    inputs = dict(inputs or {})
    env = dict(os.environ, GITHUB_OUTPUT=str(cwd / "github_output"))
    if path:
        env["PATH"] = path + os.pathsep + env["PATH"]
    env.update({key: _evaluate(str(value), inputs) for key, value in step.get("env", {}).items()})
    script = _evaluate(step["run"], inputs)
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script], cwd=cwd, env=env,
        capture_output=True, text=True, timeout=900, check=False,
    )


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "app.py").write_text(BAD)
    (tmp_path / "clean.py").write_text("x = 1\n")
    (tmp_path / "pyproject.toml").write_text("[tool.botolint]\n")  # the cache goes here, not in the checkout
    return tmp_path


def test_the_action_is_composite_and_documents_its_inputs():
    assert ACTION["runs"]["using"] == "composite"
    assert [step["name"] for step in ACTION["runs"]["steps"]] == ["Install botolint", "Run botolint check"]
    assert all(spec.get("description") for spec in ACTION["inputs"].values())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ACTION["inputs"]:
        assert f"`{name}`" in readme, f"README does not document the action's input {name}"
    # Inputs reach the scripts through env only (no expression inside a script: no injection).
    assert all(not EXPRESSION.search(step["run"]) for step in ACTION["runs"]["steps"])


def test_github_format_annotates_and_fails_on_findings(repo):
    result = run_step("Run botolint check", repo, {"python": sys.executable})
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == [
        "::warning file=app.py,line=5,col=12,title=AWS101::AWS101 " + _message("AWS101")
    ]


def test_args_and_paths_inputs(repo):
    inputs = {"python": sys.executable, "args": "--exit-zero --select AWS1", "paths": "app.py clean.py"}
    result = run_step("Run botolint check", repo, inputs)
    assert result.returncode == 0 and "title=AWS101" in result.stdout
    clean = run_step("Run botolint check", repo, {"python": sys.executable, "paths": "clean.py"})
    assert (clean.returncode, clean.stdout) == (0, "")


def test_sarif_format_writes_the_file_and_names_it(repo):
    result = run_step(
        "Run botolint check", repo, {"python": sys.executable, "format": "sarif", "sarif-file": "out/b.sarif"}
    )
    # The directory must exist: the workflow makes it, as for any output file.
    assert result.returncode == 2 and "cannot write out/b.sarif" in result.stderr
    result = run_step("Run botolint check", repo, {"python": sys.executable, "format": "sarif"})
    assert result.returncode == 1 and result.stdout == ""
    document = json.loads((repo / "botolint.sarif").read_text())
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["AWS101"]
    assert (repo / "github_output").read_text().splitlines()[-1] == "sarif-file=botolint.sarif"


def test_an_unknown_format_is_an_error(repo):
    result = run_step("Run botolint check", repo, {"python": sys.executable, "format": "xml"})
    assert result.returncode == 2 and result.stdout.startswith("::error title=botolint::format must be")


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps run in bash")
def test_the_install_step_installs_botolint_from_the_action(tmp_path, repo):
    """Builds botolint and installs it with its dependencies into a new
    virtualenv, as the runner would (from the package index pip is set up with)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = str(venv / "bin" / "python")
    installed = run_step("Install botolint", repo, {"python": python})
    assert installed.returncode == 0, installed.stderr
    version = subprocess.run([python, "-m", "botolint", "--version"], capture_output=True, text=True, timeout=120)
    from botolint import __version__

    assert version.stdout.strip() == f"botolint {__version__}"
    result = run_step("Run botolint check", repo, {"python": python})
    assert result.returncode == 1 and "title=AWS101" in result.stdout


def _message(code: str) -> str:
    from botolint.rule import rules_by_code

    return rules_by_code()[code].message.format(param="session", kind="client")
