"""Configuration: ``[tool.botolint]`` in pyproject.toml, overridden by flags."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping, Optional, Tuple

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    select: Tuple[str, ...] = ("AWS",)
    ignore: Tuple[str, ...] = ()
    exclude: Tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    # The whole [tool.botolint] table: rules read their own options from it.
    settings: Mapping[str, Any] = field(default_factory=dict)
    source: Optional[Path] = None

    def option(self, key: str, default: Any) -> Any:
        return self.settings.get(key, default)

    def with_overrides(self, **overrides: Any) -> "Config":
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def find_pyproject(start: Path) -> Optional[Path]:
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_config(start: Path = Path(".")) -> Config:
    """The config of the nearest pyproject.toml at or above ``start``."""
    pyproject = find_pyproject(start)
    if pyproject is None:
        return Config()
    try:
        with pyproject.open("rb") as handle:
            table = tomllib.load(handle).get("tool", {}).get("botolint", {})
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{pyproject}: {error}") from error
    return config_from_table(table, pyproject)


def config_from_table(table: Mapping[str, Any], source: Optional[Path] = None) -> Config:
    def codes(key: str, default: Tuple[str, ...]) -> Tuple[str, ...]:
        value = table.get(key, default)
        if isinstance(value, str) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{source}: [tool.botolint] {key} must be a list of strings")
        return tuple(value)

    max_size = table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
    if not isinstance(max_size, int) or max_size <= 0:
        raise ConfigError(f"{source}: [tool.botolint] max-file-size must be a positive integer")
    return Config(
        select=codes("select", ("AWS",)),
        ignore=codes("ignore", ()),
        exclude=codes("exclude", ()) + codes("extend-exclude", ()),
        max_file_size=max_size,
        settings=dict(table),
        source=source,
    )
