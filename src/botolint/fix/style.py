"""The project's own style, as its tools are configured: what line length the
code the fix writes must respect.

The nearest configuration above the file wins, as each tool reads its own:
``[tool.ruff] line-length`` and ``[tool.black] line-length`` in
``pyproject.toml`` (ruff's own ``ruff.toml`` / ``.ruff.toml`` too), and
``max-line-length`` of ``[flake8]`` in ``setup.cfg``, ``tox.ini`` or
``.flake8``. Without any, 88 (black's and ruff's default).
"""

from __future__ import annotations

import configparser
import sys
from functools import lru_cache
from pathlib import Path
from typing import Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

DEFAULT_LINE_LENGTH = 88


def line_length(path: str) -> int:
    if path in ("<string>", "-"):
        return DEFAULT_LINE_LENGTH
    try:
        directory = Path(path).resolve().parent
    except (OSError, RuntimeError):
        return DEFAULT_LINE_LENGTH
    return _line_length_from(directory)


@lru_cache(maxsize=256)
def _line_length_from(directory: Path) -> int:
    for candidate in (directory, *directory.parents):
        found = _configured_here(candidate)
        if found is not None:
            return found
    return DEFAULT_LINE_LENGTH


def _configured_here(directory: Path) -> Optional[int]:
    for name in ("ruff.toml", ".ruff.toml"):
        table = _toml(directory / name)
        if table is not None and isinstance(table.get("line-length"), int):
            return table["line-length"]
    pyproject = _toml(directory / "pyproject.toml")
    if pyproject is not None:
        tools = pyproject.get("tool", {})
        for tool in ("ruff", "black"):
            value = tools.get(tool, {}).get("line-length") if isinstance(tools.get(tool), dict) else None
            if isinstance(value, int):
                return value
    for name in ("setup.cfg", "tox.ini", ".flake8"):
        path = directory / name
        if path.is_file():
            parser = configparser.ConfigParser()
            try:
                parser.read(path, encoding="utf-8")
                value = parser.get("flake8", "max-line-length", fallback=None) or parser.get(
                    "flake8", "max_line_length", fallback=None
                )
            except (configparser.Error, UnicodeDecodeError):
                continue
            if value is not None and value.strip().isdigit():
                return int(value.strip())
    return None


def _toml(path: Path) -> Optional[dict]:
    if not path.is_file():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
