"""The pre-check: which files are parsed at all. A file that never says boto3
is parsed only when it can use another module's boto3 objects on workers or
per Lambda invocation (the fixture project wrapper_chains has the findings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from botolint.cli import main

SESSION_HOLDER = "import boto3\n\n\nclass Base:\n    def __init__(self):\n        self.session = boto3.Session()\n"
PLAIN_HOLDER = "class Base:\n    def __init__(self):\n        self.session = None\n"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.botolint]\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "holder.py").write_text(SESSION_HOLDER)
    (package / "plain.py").write_text(PLAIN_HOLDER)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _user(base_module: str, threads: bool) -> str:
    start = "    threading.Thread(target=lambda: item.session).start()\n" if threads else "    return item.session\n"
    return (
        ("import threading\n" if threads else "")
        + f"from pkg.{base_module} import Base\n\n\ndef use(item: Base):\n{start}"
    )


@pytest.mark.parametrize(
    "base_module, threads, parsed",
    [
        ("holder", True, True),  # workers, and a module that makes boto3 objects
        ("holder", False, False),  # no worker, no handler: nothing of another module can go wrong here
        ("plain", True, False),  # workers, but nothing it imports says boto3
    ],
)
def test_a_file_without_boto3_is_parsed_only_when_it_can_use_objects_of_others(
    project, analyses, capsys, base_module, threads, parsed
):
    (project / "pkg" / "user.py").write_text(_user(base_module, threads))
    main(["check", "-j1", "--no-cache", "--quiet", "pkg/user.py"])
    capsys.readouterr()
    assert analyses == (["user.py"] if parsed else [])


def test_a_handler_module_without_boto3_is_parsed(project, analyses, capsys):
    (project / "pkg" / "handler.py").write_text(
        "from pkg.holder import Base\n\nBASE = Base()\n\n\ndef handler(event, context):\n    return BASE.session\n"
    )
    main(["check", "-j1", "--no-cache", "--quiet", "pkg/handler.py"])
    capsys.readouterr()
    assert analyses == ["handler.py"]
