"""Which files a run looks at: paths given, directories walked, excludes applied.

Like ruff:

* Walking a directory skips ruff's default excludes (``DEFAULT_EXCLUDE``, plus
  botolint's own cache) and virtualenvs (a directory with a ``pyvenv.cfg``),
  unless ``default-excludes = false``. A directory that is a package (it has
  an ``__init__.py``) is never skipped by that list: a package may be called
  ``build`` or ``env``.
* ``.gitignore`` files are honoured (those of the directory and of its parents
  up to the repository's root), unless ``respect-gitignore = false``.
* ``exclude`` globs apply to every path a file is reached by: its own and each
  of its parents' (relative to the project root), so ``exclude = ["legacy"]``
  skips ``legacy/old.py`` however it is reached.
* A file named on the command line is checked even when excluded, unless
  ``force-exclude`` is on (what the pre-commit hooks do, since pre-commit names
  every file).
* A file reached twice (named twice, or named and inside a named directory) is
  yielded once; a file named on the command line that is not Python is
  skipped with a warning.
"""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, List, Optional, Sequence, Tuple, Union


# ruff's default `exclude` (docs.astral.sh/ruff/settings/#exclude), and botolint's cache.
DEFAULT_EXCLUDE = frozenset(
    {
        ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints", ".mypy_cache", ".nox",
        ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache", ".svn", ".tox", ".venv", ".vscode",
        "__pypackages__", "_build", "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
        ".botolint_cache", "__pycache__",
    }
)
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass(frozen=True)
class Excludes:
    """What a project excludes (ruff's file-resolver settings)."""

    patterns: Tuple[str, ...] = ()
    root: Optional[Path] = None  # relative globs are relative to it (None: the cwd)
    force: bool = False  # exclude files named on the command line too
    gitignore: bool = True
    defaults: bool = True  # DEFAULT_EXCLUDE and virtualenvs

    def __iter__(self):  # the globs, as a list of them used to be
        return iter(self.patterns)

    def __add__(self, more: Sequence[str]) -> "Excludes":
        return Excludes(self.patterns + tuple(more), self.root, self.force, self.gitignore, self.defaults)

    def excludes(self, path: Path, is_dir: bool = False) -> bool:
        """Whether ``path`` or one of its parents below the root is excluded."""
        relative = _relative(path, self.root)
        parts = relative.parts
        for depth in range(len(parts), 0, -1):
            here = Path(*parts[:depth])
            directory = is_dir or depth < len(parts)
            if self._excludes_one(here, directory):
                return True
        return False

    def skips(self, path: Union[Path, str], is_dir: bool) -> bool:
        """Whether a walk skips ``path`` (its parents were asked when the walk
        entered them)."""
        if not self.patterns:  # only what needs no path from the root: asked of every file, kept cheap
            if self.defaults and is_dir and _is_default_excluded(Path(path)):
                return True
            return self.gitignore and is_gitignored(path, is_dir)
        return self._excludes_one(_relative(Path(path), self.root), is_dir)

    def _excludes_one(self, relative: Path, is_dir: bool) -> bool:
        if self.defaults and is_dir and _is_default_excluded(self._absolute(relative)):
            return True
        if is_excluded(relative, self.patterns):
            return True
        return self.gitignore and is_gitignored(self._absolute(relative), is_dir)

    def _absolute(self, relative: Path) -> Path:
        return relative if relative.is_absolute() else (self.root or Path.cwd()) / relative


def _relative(path: Path, root: Optional[Path]) -> Path:
    absolute = Path(os.path.abspath(path))
    base = Path(os.path.abspath(root or Path.cwd()))
    try:
        return absolute.relative_to(base)
    except ValueError:
        return absolute  # outside the project: its own parts are all there is


def is_excluded(path: Path, patterns: Sequence[str]) -> bool:
    """A glob matches the path, any of its trailing parts, or its name."""
    text = path.as_posix()
    parts = path.parts
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if pattern.startswith("./"):
            pattern = pattern[2:]
        if fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(path.name, pattern):
            return True
        if any(fnmatch.fnmatch("/".join(parts[i:]), pattern) for i in range(1, len(parts))):
            return True
    return False


def _is_default_excluded(directory: Path) -> bool:
    if (directory / "__init__.py").is_file():
        return False  # a package, whatever its name
    return directory.name in DEFAULT_EXCLUDE or directory.name.endswith(".egg-info") or _is_virtualenv(directory)


def _is_virtualenv(directory: Path) -> bool:
    return (directory / "pyvenv.cfg").is_file()


# .gitignore ---------------------------------------------------------------


@lru_cache(maxsize=1024)
def _gitignore_of(directory: Path) -> Tuple[Tuple["re.Pattern[str]", bool], ...]:
    """The patterns of the directory's .gitignore, in order: each regex and
    whether it ignores (True) or re-includes (False) what it matches."""
    try:
        text = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ()
    import pathspec  # only a tree with a .gitignore pays for the import

    spec = pathspec.GitIgnoreSpec.from_lines(text.splitlines())
    # A comment or a blank line has no include.
    return tuple((pattern.regex, pattern.include) for pattern in spec.patterns if pattern.include is not None)


@lru_cache(maxsize=4096)
def gitignore_directories(directory: Path) -> Tuple[Path, ...]:
    """The directories whose .gitignore applies below ``directory``, outermost
    first: its parents up to the repository's root (none outside a repository)."""
    if (directory / ".git").exists():
        return (directory,)
    if directory.parent == directory:
        return ()
    above = gitignore_directories(directory.parent)  # shared by every directory below it
    return (*above, directory) if above else ()


def is_gitignored(path: Union[Path, str], is_dir: bool = False) -> bool:
    """Whether a pattern ignores ``path`` itself (its parents are asked by the
    caller). A directory pattern's match on what lies below that directory does
    not count: like ruff, a walk of a directory named on the command line looks
    inside it even when the tree it sits in is ignored."""
    absolute = os.path.abspath(path)
    if os.path.basename(absolute) == ".git":
        return True
    ignored: Optional[bool] = None
    for directory, patterns in _gitignore_chain(os.path.dirname(absolute)):
        # ``absolute`` lies below ``directory``: what follows it is the path git matches.
        relative = absolute[len(directory) :].lstrip(os.sep).replace(os.sep, "/") + ("/" if is_dir else "")
        for regex, include in patterns:
            match = regex.match(relative)
            if match is not None and match.end() == len(relative):  # the whole path, not a parent of it
                ignored = include
    return bool(ignored)


@lru_cache(maxsize=4096)
def _gitignore_chain(directory: str) -> Tuple[Tuple[str, tuple], ...]:
    """The .gitignore patterns that apply below ``directory``, by the directory they are in."""
    found = []
    for candidate in gitignore_directories(Path(directory)):
        patterns = _gitignore_of(candidate)
        if patterns:
            found.append((str(candidate), patterns))
    return tuple(found)


# Walking -------------------------------------------------------------------


def _warn(message: str) -> None:
    print(f"botolint: warning: {message}", file=sys.stderr)


def is_python_file(path: Path) -> bool:
    """A ``.py``/``.pyi`` file, or a script whose first line says Python."""
    if path.name.endswith(PYTHON_SUFFIXES):
        return True
    if path.suffix:
        return False
    try:
        with path.open("rb") as handle:
            first = handle.readline(200)
    except OSError:
        return False
    return first.startswith(b"#!") and b"python" in first


def iter_python_files(
    paths: Iterable[Path],
    exclude: Union[Excludes, Sequence[str]] = (),
    warn: Callable[[str], None] = _warn,
) -> Iterator[Path]:
    """The Python files under ``paths``, each once, in the order given
    (directories walked in sorted order)."""
    excludes = exclude if isinstance(exclude, Excludes) else Excludes(tuple(exclude))
    seen = set()
    for path in paths:
        if path.is_dir() and not path.name.endswith(PYTHON_SUFFIXES):
            if excludes.force and excludes.excludes(path, is_dir=True):
                continue
            found: Iterable[Path] = _walk(path, excludes)
        elif excludes.force and excludes.excludes(path):
            continue
        elif path.exists() and not path.is_dir() and not is_python_file(path):
            warn(f"{path}: not a Python file, skipped")
            continue
        else:
            found = (path,)
        for file in found:
            identity = _identity(file)
            if identity not in seen:
                seen.add(identity)
                yield file


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: reading it reports it
        return Path(os.path.abspath(path))


def _walk(root: Path, excludes: Excludes) -> Iterator[Path]:
    # A directory the walk cannot list is yielded like a file, so that reading
    # it reports why (permission denied) instead of its files silently missing.
    unlisted: List[OSError] = []
    for directory, subdirectories, files in os.walk(root, onerror=unlisted.append):
        yield from _drain(unlisted)
        here = Path(directory)
        subdirectories[:] = sorted(
            name for name in subdirectories if not excludes.skips(here / name, True)
        )
        for name in sorted(files):
            path = here / name
            if name.endswith(PYTHON_SUFFIXES) and not excludes.skips(path, False):
                yield path
    yield from _drain(unlisted)


def _drain(errors: List[OSError]) -> Iterator[Path]:
    while errors:
        yield Path(errors.pop(0).filename)
