"""The modules of one project that a run knows, and which of them can matter.

Summaries are added for the files a run analyses, and loaded on demand for
the others (from the summary store, else by parsing the module once). Which
modules can reach a file is read from the text of the project's files
(``imports``): a module matters to a file when it imports the file's module,
directly or through others, and can hand work to threads or processes or
defines a Lambda handler (or imports a module that can: a wrapper such as
``run_parallel(fn, items)``). Nothing else is parsed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Set

from botolint.config import DEFAULT_MAX_FILE_SIZE
from botolint.project.facts import Facts
from botolint.source import SourceError, read_source
from botolint.project.imports import imported_names
from botolint.project.layout import Layout, absolute_module, modules_of
from botolint.project.summary import ModuleSummary

# Text that may start workers or define a Lambda handler: a module without any
# of it cannot make a function of another module run on a thread or per invocation.
_SPAWN_TEXT = re.compile(rb"threading|concurrent|multiprocessing|asyncio|Thread|Pool|Executor")
_HANDLER_TEXT = re.compile(rb"def\s+\w+\s*\(\s*_?event\s*,|def\s+(?:lambda_handler|handler)\s*\(")
SINGLE_MODULE = "__main__"

# A module's summary from its file (None when it cannot be summarised).
Loader = Callable[[Path], Optional[ModuleSummary]]


class _IndexEntry:
    __slots__ = ("imports", "spawns", "handlers")

    def __init__(self, data: bytes) -> None:
        self.imports = imported_names(data)
        self.spawns = bool(_SPAWN_TEXT.search(data))
        self.handlers = bool(_HANDLER_TEXT.search(data))


class Project:
    def __init__(
        self, layout: Optional[Layout], loader: Optional[Loader] = None, max_file_size: int = DEFAULT_MAX_FILE_SIZE
    ) -> None:
        self.layout = layout
        self.max_file_size = max_file_size
        self._loader = loader
        self._summaries: Dict[str, Optional[ModuleSummary]] = {}
        self._paths: Dict[str, Path] = {}
        self._packages: Set[str] = set()
        self._index: Optional[Dict[str, _IndexEntry]] = None
        self._importers: Optional[Dict[str, Set[str]]] = None
        self._facts: Dict[FrozenSet[str], Facts] = {}

    # -- modules ---------------------------------------------------------------------

    def module_name(self, path: Optional[Path]) -> str:
        if self.layout is None or path is None:
            return SINGLE_MODULE
        return self.layout.module_name(path) or SINGLE_MODULE

    def add(self, module: str, path: Optional[Path], summary: Optional[ModuleSummary]) -> None:
        self._summaries[module] = summary
        if path is not None:
            self._paths[module] = path
            if path.name == "__init__.py":
                self._packages.add(module)
        self._facts.clear()

    def has_module(self, module: str) -> bool:
        if module in self._summaries:
            return True
        return self.layout is not None and self.layout.path_of(module) is not None

    def summary(self, module: str) -> Optional[ModuleSummary]:
        if module not in self._summaries:
            path = self.layout.path_of(module) if self.layout is not None else None
            summary = self._loader(path) if path is not None and self._loader is not None else None
            self._summaries[module] = summary
            if path is not None:
                self._paths[module] = path
                if path.name == "__init__.py":
                    self._packages.add(module)
        return self._summaries[module]

    def absolute(self, module: str, dotted: str) -> Optional[str]:
        return absolute_module(module, module in self._packages, dotted)

    def display_path(self, module: str) -> str:
        path = self._paths.get(module)
        if path is None:
            return module
        if self.layout is not None:
            try:
                return path.resolve().relative_to(self.layout.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    # -- who can reach whom ----------------------------------------------------------

    def _build_index(self) -> Dict[str, _IndexEntry]:
        if self._index is None:
            index: Dict[str, _IndexEntry] = {}
            if self.layout is not None:
                for path in self.layout.python_files():
                    module = self.layout.module_name(path)
                    if module is None or module in index:
                        continue
                    try:
                        index[module] = _IndexEntry(read_source(path, self.max_file_size))
                    except SourceError:  # a FIFO, a device, an unreadable or huge file: not code we know
                        continue
                    self._paths.setdefault(module, path)
                    if path.name == "__init__.py":
                        self._packages.add(module)
            self._index = index
        return self._index

    def importers(self, module: str) -> Set[str]:
        """The project modules whose text imports ``module``."""
        if self._importers is None:
            importers: Dict[str, Set[str]] = {}
            for importer, entry in self._build_index().items():
                for name in modules_of(self.absolute(importer, n) or "" for n in entry.imports):
                    if name:
                        importers.setdefault(name, set()).add(importer)
            self._importers = importers
        return self._importers.get(module, set()) - {module}

    def relevant(self, modules: Iterable[str]) -> List[str]:
        """``modules`` and the project modules that can make their functions run
        on workers or per Lambda invocation: those that import them, directly or
        not, and start workers, define handlers or import a module that starts workers."""
        index = self._build_index()
        found: List[str] = list(dict.fromkeys(modules))
        reaching: Set[str] = set()
        todo = list(found)
        while todo:
            for importer in self.importers(todo.pop()):
                if importer not in reaching and importer not in found:
                    reaching.add(importer)
                    todo.append(importer)
        for importer in sorted(reaching):
            entry = index.get(importer)
            if entry is not None and (entry.spawns or entry.handlers or self._imports_spawner(importer, entry, index)):
                found.append(importer)
        return found

    def _imports_spawner(self, module: str, entry: _IndexEntry, index: Dict[str, _IndexEntry]) -> bool:
        for name in modules_of(self.absolute(module, n) or "" for n in entry.imports):
            imported = index.get(name)
            if imported is not None and name != module and imported.spawns:
                return True
        return False

    # -- facts ---------------------------------------------------------------------------

    def facts(self, modules: Iterable[str]) -> Facts:
        """The facts about ``modules``: their summaries and those of the modules
        that can reach them count; others are read only to resolve names."""
        key = frozenset(modules)
        facts = self._facts.get(key)
        if facts is None:
            facts = self._facts[key] = Facts(self, sorted(key))
        return facts

