"""The pre-commit hook, run by the real pre-commit against a throwaway repo."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_support import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")]

BAD = 'import boto3\n\n\ndef f():\n    return boto3.client("s3")\n'
GOOD = 'def f(session):\n    return session.client("s3")\n'


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), GIT_AUTHOR_NAME="t", GIT_COMMITTER_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_EMAIL="t@example.com")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files", "--color", "never"],
        cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False,
    )


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _repo(tmp_path: Path, source: str) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "app.py").write_text(source)
    (repo / "README.txt").write_text("boto3.client('s3') in a text file is not Python\n")
    _git(repo, "add", ".")
    return repo


def test_check_hook_fails_on_a_bad_file(tmp_path, pre_commit_home):
    result = try_repo(_repo(tmp_path, BAD), "botolint", pre_commit_home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "app.py:5:12: AWS101" in result.stdout


def test_check_hook_passes_on_a_clean_file(tmp_path, pre_commit_home):
    result = try_repo(_repo(tmp_path, GOOD), "botolint", pre_commit_home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
