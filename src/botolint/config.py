"""Configuration: the ``[tool.botolint]`` table of a pyproject.toml, validated.

Which file is read, and how flags override it, is ``botolint.settings``'s job;
this module turns one table into a ``Config`` and refuses what it does not
know (an unknown key is an error naming the closest valid one).
"""

from __future__ import annotations

import difflib
import keyword
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from botolint.discovery import Excludes

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024

# A table's keys: what the front ends read, and what rules read (rule options).
SELECTION_KEYS = ("select", "extend-select", "ignore", "extend-ignore", "per-file-ignores")
FILE_KEYS = ("exclude", "extend-exclude", "force-exclude", "respect-gitignore", "default-excludes", "max-file-size")
FIX_KEYS = ("param-name", "add-to-callers", "unsafe-fixes")
RULE_OPTION_KEYS = ("src", "test-paths", "test-code", "script-paths", "lambda-handlers")
KNOWN_KEYS = SELECTION_KEYS + FILE_KEYS + FIX_KEYS + RULE_OPTION_KEYS

PerFileIgnores = Tuple[Tuple[str, Tuple[str, ...]], ...]


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    # The selection, flags applied: ``select`` already holds ``extend-select``
    # and ``ignore`` holds ``extend-ignore``.
    select: Tuple[str, ...] = ("AWS",)
    ignore: Tuple[str, ...] = ()
    exclude: Excludes = field(default_factory=Excludes)
    # (glob, code prefixes): findings of those codes in files the glob matches are dropped.
    per_file_ignores: PerFileIgnores = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    # The whole [tool.botolint] table: rules read their own options from it.
    settings: Mapping[str, Any] = field(default_factory=dict)
    source: Optional[Path] = None

    def __post_init__(self) -> None:
        if not isinstance(self.exclude, Excludes):  # a plain list of globs
            object.__setattr__(self, "exclude", Excludes(tuple(self.exclude)))

    @property
    def root(self) -> Path:
        """The directory relative globs are relative to: the config file's, else the cwd."""
        return self.source.parent if self.source is not None else Path.cwd()

    def option(self, key: str, default: Any) -> Any:
        return self.settings.get(key, default)

    def with_overrides(self, **overrides: Any) -> "Config":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def read_table(pyproject: Path) -> Optional[Dict[str, Any]]:
    """The ``[tool.botolint]`` table of ``pyproject``, or None when it has none."""
    try:
        with pyproject.open("rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{pyproject}: {error}") from error
    table = document.get("tool", {}).get("botolint")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.botolint] must be a table")
    return table


def find_pyproject(start: Path) -> Optional[Path]:
    """The nearest pyproject.toml with a ``[tool.botolint]`` table at or above
    ``start`` (a directory), like ruff looks for ``[tool.ruff]``."""
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and read_table(candidate) is not None:
            return candidate
    return None


def load_config(start: Path = Path(".")) -> Config:
    """The config of the nearest pyproject.toml with ``[tool.botolint]`` at or above ``start``."""
    pyproject = find_pyproject(start if start.is_dir() else start.parent)
    return Config() if pyproject is None else config_from_file(pyproject)


def config_from_file(pyproject: Path) -> Config:
    """The config of one file (any name); a missing file is an error."""
    if not pyproject.is_file():
        raise ConfigError(f"{pyproject}: no such file")
    return config_from_table(read_table(pyproject) or {}, pyproject.resolve())


def config_from_table(table: Mapping[str, Any], source: Optional[Path] = None) -> Config:
    where = f"{source}: [tool.botolint]" if source is not None else "[tool.botolint]"
    for key in table:
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(f"{where}: unknown key {key!r}{hint}")

    def strings(key: str, default: Tuple[str, ...] = ()) -> Tuple[str, ...]:
        value = table.get(key, default)
        if (
            isinstance(value, str)
            or not isinstance(value, (list, tuple))
            or not all(isinstance(item, str) for item in value)
        ):
            raise ConfigError(f"{where} {key} must be a list of strings")
        return tuple(value)

    def flag(key: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(f"{where} {key} must be true or false, not {value!r}")
        return value

    max_size = table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size <= 0:
        raise ConfigError(f"{where} max-file-size must be a positive integer")
    name = table.get("param-name", "session")
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise ConfigError(f"{where} param-name must be a Python identifier, not {name!r}")
    for key in ("add-to-callers", "unsafe-fixes"):
        flag(key, False)
    # Rule options (src, test-paths, test-code, lambda-handlers) are read by
    # their rules, which ignore a value of the wrong type (documented there).
    return Config(
        select=codes(strings("select", ("AWS",)) + strings("extend-select")),
        ignore=codes(strings("ignore") + strings("extend-ignore")),
        exclude=Excludes(
            strings("exclude") + strings("extend-exclude"),
            root=source.parent if source is not None else None,
            force=flag("force-exclude", False),
            gitignore=flag("respect-gitignore", True),
            defaults=flag("default-excludes", True),
        ),
        per_file_ignores=per_file_ignores(table.get("per-file-ignores", {}), where),
        max_file_size=max_size,
        settings=dict(table),
        source=source,
    )


def codes(values: Tuple[str, ...]) -> Tuple[str, ...]:
    """Code prefixes, upper-cased like flake8's ``--select`` reads them."""
    return tuple(value.strip().upper() for value in values if value.strip())


def per_file_ignores(value: Union[Mapping[str, Any], Any], where: str = "") -> PerFileIgnores:
    """``{"glob": ["AWS1", ...]}`` (a string of comma-separated codes also reads)."""
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} per-file-ignores must be a table of globs to lists of codes")
    entries = []
    for glob, prefixes in value.items():
        if isinstance(prefixes, str):
            prefixes = prefixes.replace(",", " ").split()
        if not isinstance(prefixes, (list, tuple)) or not all(isinstance(item, str) for item in prefixes):
            raise ConfigError(f"{where} per-file-ignores[{glob!r}] must be a list of code prefixes")
        entries.append((glob, codes(tuple(prefixes))))
    return tuple(entries)
