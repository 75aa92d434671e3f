"""The projects of a run's files, and whether a cached result still holds.

Nothing here parses: summaries come from the cache, and only a module that
is not there yet is summarised (the engine, and LibCST, are imported then).
A warm run that answers every file from the cache never loads them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from botolint.code_paths import test_path_globs
from botolint.config import Config
from botolint.discovery import Excludes
from botolint.lambda_names import handler_names
from botolint.project.index_store import IndexStore
from botolint.project.layout import Layout, has_project_marker
from botolint.project.project import Project, ProjectIndex
from botolint.project.summary import ModuleSummary
from botolint.project.view import ProjectView
from botolint.source import SourceError, read_source

if TYPE_CHECKING:
    from botolint.cache import Cache


class Projects:
    """The project of each file of a run (one per project root), whose modules
    are summarised on demand: from the cache, else by parsing them once."""

    def __init__(self, config: Config, cache: Optional[Cache], load: bool = True) -> None:
        self.config = config
        self.cache = cache
        self.load = load
        self._by_root: Dict[Path, Project] = {}
        self._layouts: Dict[Path, Layout] = {}
        self._marked_roots: Dict[Path, bool] = {}

    def _layout(self, directory: Path) -> Layout:
        layout = self._layouts.get(directory)
        if layout is None:
            layout = self._layouts[directory] = self._layout_above(directory) or self._new_layout(directory)
        return layout

    def _layout_above(self, directory: Path) -> Optional[Layout]:
        """The layout of the directory above, when ``directory`` is in the same
        project: no marker of its own, no link, under a root that has one. A
        few checks instead of finding the root again from the real path."""
        parent = directory.parent
        if parent == directory or has_project_marker(directory) or os.path.islink(directory):
            return None
        layout = self._layout(parent)
        if layout.root not in self._marked_roots:
            self._marked_roots[layout.root] = has_project_marker(layout.root)
        return layout if self._marked_roots[layout.root] else None

    def _new_layout(self, directory: Path) -> Layout:
        excludes = self.config.exclude if isinstance(self.config.exclude, Excludes) else None
        layout = Layout.of(directory, source_roots(self.config), excludes)
        known = self._by_root.get(layout.root)
        return known.layout if known is not None else layout

    def of(self, path: Path) -> Project:
        layout = self._layout(path.parent)
        project = self._by_root.get(layout.root)
        if project is None:
            loader = self.summarise if self.load else None
            store = IndexStore(self.cache, layout.root) if self.cache is not None else None
            index = ProjectIndex(layout, self.config.max_file_size, store)
            project = self._by_root[layout.root] = Project(
                layout, loader, index, test_path_globs(self.config), keeps_summaries=self.cache is not None,
                handler_names=handler_names(self.config),
            )
        return project

    def alone(self, path: Path) -> Project:
        """A project that knows nothing but what the file it is made for tells
        it (the answers are checked once every module of the run is summarised)."""
        project = self.of(path)
        return Project(project.layout, None, project.index, project.test_globs, handler_names=project.handler_names)

    def all(self) -> List[Project]:
        return list(self._by_root.values())

    def summarise(self, path: Path) -> Optional[ModuleSummary]:
        """The summary of a project file: from the cache, else made now (and kept there)."""
        try:
            data = read_source(path, self.config.max_file_size)
        except SourceError:
            return None
        text = self.cache.get_summary(data) if self.cache is not None else None
        if text is not None:
            try:
                return ModuleSummary.from_json(text)
            except ValueError:
                pass  # damaged: summarised again below, and stored over it
        # Test-path globs match from the project's root: a project that itself
        # sits under a ``tests`` directory is no test code.
        from botolint.engine import summarize_source  # a miss: only now is parsing needed

        summary = summarize_source(data, self._layout(path.parent).relative(path), self.config)
        if summary is not None and self.cache is not None:
            self.cache.put_summary(data, summary.to_json())
        return summary


def source_roots(config: Config) -> Tuple[str, ...]:
    """``[tool.botolint] src``: more directories imports resolve from (like ruff's ``src``)."""
    value = config.option("src", [])
    entries = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else []
    return tuple(entry for entry in entries if isinstance(entry, str))


def still_valid(path: Path, summary: Optional[str], dependencies, project: Project) -> bool:
    """Whether the facts a result depends on are what the project says now."""
    return all_still_valid(project, [(path, summary, dependencies)])[0]


def all_still_valid(project: Project, results: Sequence[Tuple[Path, Optional[str], Any]]) -> List[bool]:
    """``still_valid`` of each of a project's (path, summary, dependencies),
    answered by one computation of the facts: every summary is added first,
    as a run that analyses the same files does before it checks their answers."""
    valid: List[bool] = []
    asking: List[Tuple[int, str, Any]] = []
    for path, summary, dependencies in results:
        if summary is None:
            valid.append(not dependencies)  # the file could not be analyzed: nothing depends on others
            continue
        module = project.module_name(path)
        try:
            project.add(module, path, ModuleSummary.from_json(summary))
        except ValueError:
            valid.append(False)
            continue
        valid.append(True)
        if dependencies:
            asking.append((len(valid) - 1, module, dependencies))
    if asking:
        facts = project.facts(project.relevant([module for _, module, _ in asking]))
        for index, module, dependencies in asking:
            valid[index] = ProjectView(facts, module, None).answers_still(dependencies)
    return valid
