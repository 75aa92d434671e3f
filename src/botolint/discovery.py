"""Which files a run looks at: paths given, directories walked, excludes applied."""

from __future__ import annotations

import fnmatch
import os
from pathlib import Path
from typing import Iterable, Iterator, List, Sequence

# Never worth walking into: VCS data, virtualenvs, caches, builds, vendored JS.
SKIPPED_DIRECTORIES = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", ".tox", ".nox", ".venv", "venv", ".env", "env",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".botolint_cache",
        "node_modules", "build", "dist", "site-packages", ".eggs", "__pypackages__",
    }
)
PYTHON_SUFFIXES = (".py", ".pyi")


def is_excluded(path: Path, patterns: Sequence[str]) -> bool:
    """A glob matches the path, any of its trailing parts, or its name."""
    text = path.as_posix()
    parts = path.parts
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(path.name, pattern):
            return True
        if any(fnmatch.fnmatch("/".join(parts[i:]), pattern) for i in range(1, len(parts))):
            return True
    return False


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


def iter_python_files(paths: Iterable[Path], exclude: Sequence[str] = ()) -> Iterator[Path]:
    """Files named on the command line are always checked (pre-commit passes
    them one by one); directories are walked, skipping the usual noise."""
    for path in paths:
        if path.is_dir() and not path.name.endswith(PYTHON_SUFFIXES):
            yield from _walk(path, exclude)
        elif not is_excluded(path, exclude):
            yield path


def _walk(root: Path, exclude: Sequence[str]) -> Iterator[Path]:
    # A directory the walk cannot list is yielded like a file, so that reading
    # it reports why (permission denied) instead of its files silently missing.
    unlisted: List[OSError] = []
    for directory, subdirectories, files in os.walk(root, onerror=unlisted.append):
        yield from _drain(unlisted)
        here = Path(directory)
        subdirectories[:] = sorted(
            name
            for name in subdirectories
            if name not in SKIPPED_DIRECTORIES
            and not name.endswith(".egg-info")
            and not is_excluded(here / name, exclude)
            and not _is_virtualenv(here / name)
        )
        for name in sorted(files):
            path = here / name
            if name.endswith(PYTHON_SUFFIXES) and not is_excluded(path, exclude):
                yield path
    yield from _drain(unlisted)


def _drain(errors: List[OSError]) -> Iterator[Path]:
    while errors:
        yield Path(errors.pop(0).filename)
