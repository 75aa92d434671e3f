"""The README, as a new user reads it: what they need first, snippets that work
as written, links that lead somewhere; the package metadata it promises."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_support import ROOT

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

README = (ROOT / "README.md").read_text(encoding="utf-8")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
BAD = 'import boto3\n\n\ndef f():\n    return boto3.client("s3")\n'


def _section(heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert match, f"README has no section {heading!r}"
    return match.group(1)


def test_what_a_user_needs_comes_first_in_order():
    headings = re.findall(r"^## (.+)$", README, re.M)
    wanted = ["Install", "Use", "Rules", "Fix", "Configuration", "pre-commit", "flake8", "CI"]
    assert [h for h in headings if h in wanted] == wanted


def test_engineering_notes_moved_to_docs_and_linked():
    for heading in ("Performance", "Robustness", "Corpus run", "How it works"):
        assert not re.search(rf"^#+ {heading}$", README, re.M), heading
    for page in ("docs/fix.md", "docs/robustness.md", "docs/performance.md", "docs/development.md"):
        assert f"]({page})" in README
    assert "## Corpus run" in (ROOT / "docs" / "robustness.md").read_text(encoding="utf-8")
    assert "## Performance" in (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")


def test_relative_links_lead_to_files():
    pages = [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    for page in pages:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            assert (page.parent / target).exists(), f"{page.name} links to missing {target}"


def test_no_made_up_project_urls():
    assert "urls" not in PYPROJECT["project"]
    assert "example.invalid" not in README


def test_version_changelog_and_licence_agree():
    from botolint import __version__

    assert PYPROJECT["project"]["version"] == __version__ == "0.2.0"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.findall(r"^## (\S+)", changelog, re.M)[0] == __version__
    assert PYPROJECT["project"]["license"] == "MIT"
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n") and "Permission is hereby granted, free of charge" in licence
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]


def test_the_package_is_typed():
    assert (ROOT / "src" / "botolint" / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["botolint"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_the_pre_commit_snippet_works_as_written(tmp_path):
    (snippet,) = re.findall(r"```yaml\n(.*?)```", _section("pre-commit"), re.S)
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / ".pre-commit-config.yaml").write_text(snippet)
    (repo / "app.py").write_text(BAD)
    (repo / "pyproject.toml").write_text("[tool.botolint]\n")
    (repo / ".gitignore").write_text(".botolint_cache/\n")
    _git(repo, "add", ".")
    env = dict(
        os.environ,
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        # language: system runs the botolint installed where pre-commit runs.
        PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
    )

    def pre_commit(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", *args, "--all-files", "--color", "never"],
            cwd=repo, env=env, capture_output=True, text=True, timeout=300, check=False,
        )

    check = pre_commit("botolint")
    assert check.returncode == 1, check.stdout + check.stderr
    assert "app.py:5:12: AWS101" in check.stdout
    fix = pre_commit("botolint-fix")
    assert fix.returncode == 1 and "files were modified by this hook" in fix.stdout, fix.stdout
    assert "session" in (repo / "app.py").read_text()
    _git(repo, "add", ".")
    assert pre_commit("botolint").returncode == 0
