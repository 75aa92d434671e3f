"""Nothing heavy is imported where no file needs it (checked with -X importtime, never timed)."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("libcst", "boto3", "botocore", "botolint.rules", "botolint.engine")


def _imported(*argv: str, cwd) -> set:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *argv], capture_output=True, text=True, cwd=cwd, check=False
    )
    # Each line: "import time: self | cumulative | <indent>module".
    return {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")}


def _heavy(modules: set) -> set:
    return {name for name in modules if name in HEAVY or name.startswith("botolint.rules.")}


# flake8 loads its plugins through entry points, which -X importtime does not
# list; the modules present when flake8 is done say the same thing.
_FLAKE8_THEN_MODULES = """
import sys
from flake8.main.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print("\\n".join(sys.modules), file=sys.stderr)
"""


def _imported_by_flake8(*argv: str, cwd) -> set:
    command = [sys.executable, "-c", _FLAKE8_THEN_MODULES, "--isolated", "-j1", *argv]
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd, check=False)
    return set(result.stderr.split())


def test_flake8_on_a_boto3_free_file_imports_no_core(tmp_path):
    (tmp_path / "plain.py").write_text("import os\n\nprint(os.sep)\n")
    modules = _imported_by_flake8("plain.py", cwd=tmp_path)
    assert "botolint.flake8_plugin" in modules  # the plugin was loaded ...
    assert _heavy(modules) == set()  # ... and stopped at the text pre-check


def test_flake8_on_a_boto3_file_does_import_the_core(tmp_path):
    # The twin: the same measurement sees the core when a file needs it.
    (tmp_path / "uses.py").write_text("import boto3\n\n\ndef f():\n    return boto3.client('s3')\n")
    modules = _imported_by_flake8("--botolint-no-cache", "uses.py", cwd=tmp_path)
    assert {"libcst", "botolint.engine"} <= modules


@pytest.mark.parametrize("argv", [("--version",), ("rule", "AWS101"), ("rule", "--all"), ("check", "--help")])
def test_commands_that_print_text_import_no_core(argv, tmp_path):
    modules = _imported("-m", "botolint", *argv, cwd=tmp_path)
    assert "botolint.cli" in modules
    assert _heavy(modules) == set()


def _project_with_a_finding(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    (tmp_path / "helpers.py").write_text("import boto3\n\n\ndef make():\n    return boto3.client('s3')\n")
    (tmp_path / "uses.py").write_text("from helpers import make\n\n\ndef run():\n    return make().list_buckets()\n")


def test_flake8_answered_from_a_warm_cache_imports_no_core(tmp_path):
    # An editor's save or pre-commit on unchanged files: the cached findings,
    # checked against the project's cached summaries, need no parse.
    _project_with_a_finding(tmp_path)
    _imported_by_flake8("--select", "AWS", "helpers.py", "uses.py", cwd=tmp_path)  # fills the cache
    modules = _imported_by_flake8("--select", "AWS", "helpers.py", "uses.py", cwd=tmp_path)
    assert "botolint.project.projects" in modules  # the cached answers were checked ...
    assert _heavy(modules) == set()  # ... without the core
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "-j1", "--select", "AWS", "helpers.py"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )
    assert "helpers.py:5:12: AWS101" in result.stdout  # and still reported


def test_flake8_after_a_change_parses_again(tmp_path):
    # The twin: a file that changed since its entry was written is analysed.
    _project_with_a_finding(tmp_path)
    _imported_by_flake8("--select", "AWS", "helpers.py", cwd=tmp_path)
    (tmp_path / "helpers.py").write_text("import boto3\n\n\ndef make():\n    return boto3.resource('s3')\n")
    modules = _imported_by_flake8("--select", "AWS", "helpers.py", cwd=tmp_path)
    assert {"libcst", "botolint.engine"} <= modules


def test_boto3_signatures_and_models_are_read_without_importing_boto3(tmp_path):
    # What AWS401/AWS402 know of boto3 comes from its files: a check of a file
    # full of clients imports neither boto3 nor botocore ...
    (tmp_path / "uses.py").write_text(
        "import boto3\n\n\ndef f():\n    return boto3.client('s3', region='x'), boto3.resource('lambda')\n"
    )
    modules = _imported_by_flake8("--botolint-no-cache", "--select", "AWS4", "uses.py", cwd=tmp_path)
    assert "libcst" in modules and not {"boto3", "botocore"} & modules
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--botolint-no-cache", "--select", "AWS4", "uses.py"],
        capture_output=True, text=True, cwd=tmp_path, check=False,
    )
    # ... and still knows that `region=` is no argument and lambda has no resource API.
    assert "AWS401" in result.stdout and "AWS402" in result.stdout
