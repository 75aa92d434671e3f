"""botolint reads the code it analyzes; it never imports or runs it.

The project below is booby-trapped: importing or executing any of its files
(the module itself, its package ``__init__``, a local ``boto3.py`` that would
shadow the real one, a ``conftest.py``, a ``setup.py``) creates a marker file.
``check``, ``fix`` and flake8 run over it as installed commands (not
``python -m``, which would put the project on ``sys.path`` by itself), and the
marker must never appear.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent


def _trap(name: str) -> str:
    return (
        "import pathlib\n"
        f"pathlib.Path({str(name)!r}).write_text('executed')\n"
        "raise SystemExit('this file was executed')\n"
    )


@pytest.fixture
def trapped_project(tmp_path: Path):
    marker_dir = tmp_path / "markers"
    marker_dir.mkdir()
    project = tmp_path / "project"
    package = project / "app"
    package.mkdir(parents=True)

    def marker(name: str) -> str:
        return str(marker_dir / name)

    (package / "__init__.py").write_text(_trap(marker("package-init")) + "import boto3\n")
    (package / "handlers.py").write_text(
        _trap(marker("module"))
        + "import boto3\n\n\n"
        + "def list_buckets(region):\n"
        + "    return boto3.client('s3').list_buckets()\n\n\n"
        + "if __name__ == '__main__':\n"
        + f"    open({marker('main-block')!r}, 'w').write('executed')\n"
    )
    (project / "boto3.py").write_text(_trap(marker("local-boto3")) + "def client(*args): pass\n")
    (project / "conftest.py").write_text(_trap(marker("conftest")) + "import boto3\n")
    (project / "setup.py").write_text(_trap(marker("setup")) + "import boto3\n")
    # Imported by Python at startup when it is on sys.path.
    (project / "sitecustomize.py").write_text(_trap(marker("sitecustomize")) + "import boto3\n")
    return project, marker_dir


def _run(command, cwd: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONSTARTUP")}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False, env=env)
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    return result


def test_check_fix_and_flake8_never_execute_the_analyzed_code(trapped_project):
    project, markers = trapped_project
    check = _run([str(BIN / "botolint"), "check", "--no-cache", "."], project)
    assert "app/handlers.py:8:12: AWS101" in check.stdout
    flake8 = _run([str(BIN / "flake8"), "--isolated", "--select", "AWS", "."], project)
    assert "AWS101" in flake8.stdout
    fix = _run([str(BIN / "botolint"), "fix", "."], project)
    assert fix.returncode == 1
    assert "session or boto3" in (project / "app" / "handlers.py").read_text()
    check_again = _run([str(BIN / "botolint"), "check", "--no-cache", "."], project)
    assert "AWS101" not in check_again.stdout
    assert sorted(path.name for path in markers.iterdir()) == []


def test_the_trap_works(trapped_project):
    """Importing the project, as a careless tool would, does set the markers off."""
    project, markers = trapped_project
    result = subprocess.run(
        [sys.executable, "-c", "import app.handlers"], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert sorted(path.name for path in markers.iterdir()) == ["package-init"]
