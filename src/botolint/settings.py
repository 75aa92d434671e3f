"""The one settings resolver: which configuration applies to a file, which
rules it selects, and which findings it drops. ``check``, ``fix``, the flake8
plugin and the LibCST codemod all ask it, with the same strictness (a bad
configuration is an error everywhere).

* A file's configuration is the nearest pyproject.toml with a
  ``[tool.botolint]`` table at or above it (like ruff: found from the checked
  paths, not from the current directory), or the file ``--config`` names.
* Flags override the file: ``--select``/``--ignore``/``--exclude``/
  ``--per-file-ignores`` replace its list, the ``--extend-*`` flags add to it.
* Selection follows flake8 and ruff: a code is on when the longest selected
  prefix that matches it is longer than the longest ignored one (at equal
  length, ignore wins).
* ``per-file-ignores`` (globs to code prefixes) drops findings after the
  analysis, as ``noqa`` does, so that the rules that ran, and therefore which
  rule supersedes which (AWS203 over AWS101), depend on the selection only:
  the flake8 plugin runs the rules flake8 selects, the other front ends the
  rules the configuration selects.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Type

from botolint.config import Config, ConfigError, PerFileIgnores, config_from_file, find_pyproject
from botolint.discovery import Excludes, is_excluded, _relative
from botolint.catalog import rule_entries
from botolint.rule import Rule, all_rules

Rules = Tuple[Type[Rule], ...]


@dataclass(frozen=True)
class Overrides:
    """What command-line flags say; None (or empty for the ``extend`` ones): not given."""

    select: Optional[Tuple[str, ...]] = None
    extend_select: Tuple[str, ...] = ()
    ignore: Optional[Tuple[str, ...]] = None
    extend_ignore: Tuple[str, ...] = ()
    exclude: Optional[Tuple[str, ...]] = None
    extend_exclude: Tuple[str, ...] = ()
    per_file_ignores: Optional[PerFileIgnores] = None
    force_exclude: Optional[bool] = None
    respect_gitignore: Optional[bool] = None
    default_excludes: Optional[bool] = None

    def apply(self, config: Config) -> Config:
        select = (config.select if self.select is None else self.select) + self.extend_select
        ignore = (config.ignore if self.ignore is None else self.ignore) + self.extend_ignore
        excludes = config.exclude
        patterns = (excludes.patterns if self.exclude is None else self.exclude) + self.extend_exclude
        excludes = Excludes(
            patterns,
            root=config.root,
            force=excludes.force if self.force_exclude is None else self.force_exclude,
            gitignore=excludes.gitignore if self.respect_gitignore is None else self.respect_gitignore,
            defaults=excludes.defaults if self.default_excludes is None else self.default_excludes,
        )
        per_file = config.per_file_ignores if self.per_file_ignores is None else self.per_file_ignores
        return replace(config, select=select, ignore=ignore, exclude=excludes, per_file_ignores=per_file)


@dataclass(frozen=True)
class Run:
    """Paths of one run that share a configuration, and what it selects."""

    config: Config
    rules: Rules
    paths: Tuple[Path, ...]


class Resolver:
    """Configurations by file, read once per pyproject.toml."""

    def __init__(self, overrides: Overrides = Overrides(), config_file: Optional[Path] = None) -> None:
        self.overrides = overrides
        self.config_file = config_file
        self._by_directory: Dict[Path, Optional[Path]] = {}
        self._by_file: Dict[Optional[Path], Config] = {}
        self._rules: Dict[int, Rules] = {}

    def config_for(self, path: Path) -> Config:
        """The configuration of a file, or of a directory's files."""
        if self.config_file is not None:
            return self._load(self.config_file)
        directory = Path(path) if Path(path).is_dir() else Path(path).parent
        directory = directory.resolve()
        if directory not in self._by_directory:
            self._by_directory[directory] = find_pyproject(directory)
        return self._load(self._by_directory[directory])

    def _load(self, pyproject: Optional[Path]) -> Config:
        if pyproject not in self._by_file:
            config = config_from_file(pyproject) if pyproject is not None else Config()
            config = self.overrides.apply(config)
            check_selectors(config)
            self._by_file[pyproject] = config
        return self._by_file[pyproject]

    def rules_for(self, config: Config) -> Rules:
        key = id(config)
        if key not in self._rules:
            self._rules[key] = select_rules(config.select, config.ignore)
        return self._rules[key]

    def runs(self, paths: Sequence[Path]) -> List[Run]:
        """The paths grouped by configuration, in the order first given."""
        groups: Dict[int, Tuple[Config, List[Path]]] = {}
        for path in paths:
            config = self.config_for(path)
            groups.setdefault(id(config), (config, []))[1].append(path)
        return [Run(config, self.rules_for(config), tuple(group)) for config, group in groups.values()]


def is_selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """The longer matching prefix wins; at equal length, ignore wins."""
    selected = max((len(prefix) for prefix in select if code.startswith(prefix)), default=-1)
    ignored = max((len(prefix) for prefix in ignore if code.startswith(prefix)), default=-1)
    return selected >= 0 and selected > ignored


def select_rules(select: Sequence[str], ignore: Sequence[str]) -> Rules:
    return tuple(rule for rule in all_rules() if is_selected(rule.code, select, ignore))


def check_selectors(config: Config) -> None:
    # The catalog, read from the rules' source: checking a configuration loads no rule.
    codes = [entry.code for entry in rule_entries()]
    prefixes = [*config.select, *config.ignore, *(code for _, entry in config.per_file_ignores for code in entry)]
    for selector in prefixes:
        if not any(code.startswith(selector) or selector.startswith(code) for code in codes):
            where = f"{config.source}: " if config.source is not None else ""
            raise ConfigError(f"{where}unknown rule selector {selector!r} (see `botolint rule --all`)")


def per_file_ignored(config: Optional[Config], path: str, code: str) -> bool:
    """Whether a ``per-file-ignores`` entry drops ``code`` in ``path``. A glob
    matches like an exclude: the path relative to the project root, a trailing
    part of it, a file name, or any of the file's directories."""
    if config is None or not config.per_file_ignores or path == "<string>":
        return False
    relative = _relative(Path(path), config.root)
    prefixes = [Path(*relative.parts[:depth]) for depth in range(len(relative.parts), 0, -1)]
    for glob, codes in config.per_file_ignores:
        if code.startswith(tuple(codes)) and any(is_excluded(prefix, (glob,)) for prefix in prefixes):
            return True
    return False


def parse_per_file_ignores(text: str) -> PerFileIgnores:
    """flake8's spelling: ``glob:CODE,CODE glob2:CODE`` (entries separated by spaces)."""
    entries = []
    for item in text.split():
        glob, colon, codes = item.rpartition(":")
        if not colon or not glob:
            raise ConfigError(f"per-file-ignores entry {item!r} must look like glob:CODE,CODE")
        entries.append((glob, tuple(code.strip().upper() for code in codes.split(",") if code.strip())))
    return tuple(entries)


# Options of the fix, from flags or the file, checked alike for fix and the codemod.


def fix_options(
    config: Config,
    param_name: Optional[str] = None,
    fallback: str = "default",
    add_to_callers: bool = False,
    unsafe_fixes: bool = False,
):
    from botolint.fix.options import FixOptions

    name = param_name if param_name is not None else config.option("param-name", "session")
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ConfigError(f"param-name must be a Python identifier, not {name!r}")
    return FixOptions(
        param_name=name,
        fallback=fallback,
        add_to_callers=add_to_callers or config.option("add-to-callers", False) is True,
        unsafe_fixes=unsafe_fixes or config.option("unsafe-fixes", False) is True,
    )


_default: Optional[Resolver] = None


def default_resolver() -> Resolver:
    """The resolver of a front end without flags (flake8, the codemod), for the process."""
    global _default
    if _default is None:
        _default = Resolver()
    return _default


def forget() -> None:
    """Drop what the default resolver read (tests change files under it)."""
    global _default
    _default = None
