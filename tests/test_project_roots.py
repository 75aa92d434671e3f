"""Which project a file belongs to. The run finds the layout of each
directory from the one above when it can (a directory with no marker of its
own, and no link); that must give the project that finding the root afresh
from the directory's real path gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from botolint.config import Config
from botolint.project.layout import Layout
from botolint.project.projects import Projects


def _tree(tmp_path: Path) -> Path:
    files = [
        "app/pyproject.toml",
        "app/pkg/__init__.py",
        "app/pkg/sub/deep/mod.py",
        "app/vendored/setup.cfg",  # a project of its own inside the other
        "app/vendored/lib/mod.py",
        "loose/a/b/mod.py",  # no marker anywhere: each directory is its own
        "other/.git/HEAD",
        "other/real/mod.py",
    ]
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / "app" / "pkg" / "linked").symlink_to(tmp_path / "other" / "real")
    return tmp_path


DIRECTORIES = [
    "app/pkg", "app/pkg/sub/deep", "app/vendored/lib", "loose/a", "loose/a/b", "app/pkg/linked", "other/real",
]


@pytest.mark.parametrize("order", [DIRECTORIES, list(reversed(DIRECTORIES))], ids=["top-down", "bottom-up"])
def test_each_directory_gets_the_root_that_its_real_path_has(tmp_path: Path, order):
    root = _tree(tmp_path)
    projects = Projects(Config(), None)
    roots = {directory: projects.of(root / directory / "mod.py").layout.root for directory in order}
    assert roots == {directory: Layout.of(root / directory).root for directory in order}
    assert roots["app/pkg/sub/deep"] == roots["app/pkg"] == root.resolve() / "app"
    assert roots["app/vendored/lib"] == root.resolve() / "app" / "vendored"
    assert roots["loose/a/b"] != roots["loose/a"]
    assert roots["app/pkg/linked"] == root.resolve() / "other"
