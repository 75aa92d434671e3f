"""Where a project is, which directories its imports resolve from, and which
module each of its files is."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, Iterator, List, Optional, Sequence, Set, Tuple

from botolint.discovery import Excludes

PROJECT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
# Directories that hold no project code: VCS data, caches, virtualenvs (found by pyvenv.cfg too).


@lru_cache(maxsize=256)
def project_root(directory: Path) -> Path:
    """The nearest directory at or above ``directory`` with a project marker;
    ``directory`` itself when there is none."""
    for candidate in (directory, *directory.parents):
        if has_project_marker(candidate):
            return candidate
    return directory


def has_project_marker(directory: Path) -> bool:
    return any((directory / marker).exists() for marker in PROJECT_MARKERS)


class Layout:
    """A project's root and import roots: the root, its ``src/``, and the
    configured ``src`` directories (like ruff's ``src`` option)."""

    def __init__(self, root: Path, extra_roots: Sequence[str] = (), excludes: Optional[Excludes] = None) -> None:
        self.root = root
        # What is no part of the project: what `check` skips (ruff's default
        # excludes, virtualenvs, .gitignore'd paths, the configured excludes).
        self.excludes = excludes if excludes is not None else Excludes(root=root)
        roots: List[Path] = [root / entry for entry in extra_roots]
        if (root / "src").is_dir():
            roots.append(root / "src")
        roots.append(root)
        # The most specific root first: src/pkg/mod.py is pkg.mod, not src.pkg.mod.
        self._paths: Dict[str, Optional[Path]] = {}
        self._top_level: Optional[FrozenSet[str]] = None
        self._resolved_root: Optional[Path] = None
        self._real_directories: Dict[Path, Path] = {}
        self.import_roots: Tuple[Path, ...] = tuple(
            dict.fromkeys(sorted((r.resolve() for r in roots if r.is_dir()), key=lambda r: -len(r.parts)))
        )

    @classmethod
    def of(cls, path: Path, extra_roots: Sequence[str] = (), excludes: Optional[Excludes] = None) -> "Layout":
        path = _resolved(path)
        return cls(project_root(path if path.is_dir() else path.parent), extra_roots, excludes)

    def module_name(self, path: Path) -> Optional[str]:
        """The dotted name ``path`` is imported by, or None outside the import roots."""
        return self._module_of_resolved(self._real(path))

    def _module_of_resolved(self, path: Path) -> Optional[str]:
        for root in self.import_roots:
            try:
                parts = list(path.relative_to(root).with_suffix("").parts)
            except ValueError:
                continue
            if parts and parts[-1] == "__init__":
                parts.pop()
            if parts and all(part.isidentifier() for part in parts):
                return ".".join(parts)
        return None

    def may_hold(self, module: str) -> bool:
        """Whether ``module``'s top-level package or module can be a file of
        the project (one directory listing per import root, no file read)."""
        if self._top_level is None:
            names: Set[str] = set()
            for root in self.import_roots:
                try:
                    names.update(entry[:-3] if entry.endswith(".py") else entry for entry in os.listdir(root))
                except OSError:
                    continue
            self._top_level = frozenset(names)
        return module.partition(".")[0] in self._top_level

    def path_of(self, module: str) -> Optional[Path]:
        """The file that defines ``module``: ``pkg/mod.py`` or ``pkg/mod/__init__.py``."""
        if module not in self._paths:
            self._paths[module] = self._find(module)
        return self._paths[module]

    def _find(self, module: str) -> Optional[Path]:
        parts = module.split(".")
        for root in self.import_roots:
            base = root.joinpath(*parts)
            for candidate in (base.with_suffix(".py"), base / "__init__.py"):
                if candidate.is_file():
                    return candidate
        return None

    def relative(self, path: Path) -> str:
        """``path`` from the project's root, in POSIX spelling (what test-path
        globs match and messages show); the path itself when outside it."""
        if self._resolved_root is None:
            self._resolved_root = _resolved(self.root)
        try:
            return self._real(path).relative_to(self._resolved_root).as_posix()
        except ValueError:
            return path.as_posix()

    def _real(self, path: Path) -> Path:
        """``_resolved(path)``, each directory resolved once: a run asks this
        of thousands of files, and resolving walks every part of the path."""
        parent = path.parent
        directory = self._real_directories.get(parent)
        if directory is None:
            directory = self._real_directories[parent] = _resolved(parent)
        if path.name in ("", ".", "..") or path.is_symlink():
            return _resolved(path)
        return directory / path.name

    def python_modules(self, looked_at: Optional[List[Path]] = None) -> Iterator[Tuple[str, Path]]:
        """Every Python file of the project with its module name, in a stable
        order; the first file of a name wins. ``looked_at`` gets every directory
        the walk listed or skipped: while none of them changes, neither does the list."""
        seen: Set[str] = set()
        skips = self.excludes.skips
        # Strings, not Paths: this visits every file of the project.
        roots = [str(root) + os.sep for root in self.import_roots]
        for directory, subdirectories, files in os.walk(_resolved(self.root)):
            if looked_at is not None:
                looked_at.extend(Path(directory, name) for name in (".", *subdirectories))
            subdirectories[:] = sorted(
                name for name in subdirectories if not skips(os.path.join(directory, name), True)
            )
            for name in sorted(files):
                if not name.endswith(".py"):
                    continue
                path = os.path.join(directory, name)
                if skips(path, False):
                    continue
                module = _module_in(path, roots)
                if module is not None and module not in seen:
                    seen.add(module)
                    yield module, Path(path)


def _module_in(path: str, roots: Sequence[str]) -> Optional[str]:
    """``_module_of_resolved`` for a resolved path spelt as a string."""
    for root in roots:
        if path.startswith(root):
            parts = path[len(root) : -len(".py")].split(os.sep)
            if parts and parts[-1] == "__init__":
                parts.pop()
            if parts and all(part.isidentifier() for part in parts):
                return ".".join(parts)
    return None


def _resolved(path: Path) -> Path:
    """The real path, or the absolute one when it cannot be resolved (a
    symbolic link loop: reading the file reports that)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def absolute_module(importer: str, is_package: bool, dotted: str) -> Optional[str]:
    """``dotted`` as an absolute name, relative imports resolved against the
    importing module (``..x`` in ``pkg.sub.mod`` is ``pkg.x``)."""
    level = len(dotted) - len(dotted.lstrip("."))
    if level == 0:
        return dotted
    parts = importer.split(".") if importer else []
    package = parts if is_package else parts[:-1]
    if level - 1 > len(package):
        return None
    base = package[: len(package) - (level - 1)]
    rest = dotted[level:]
    return ".".join([*base, rest] if rest else base) or None


def modules_of(names: Iterable[str]) -> Iterator[str]:
    """Every dotted prefix of each name: ``a.b.c`` may be module ``a.b.c``, ``a.b`` or ``a``."""
    for name in names:
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            yield ".".join(parts[:end])
