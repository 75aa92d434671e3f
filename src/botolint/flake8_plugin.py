"""The flake8 front end: a thin adapter over the core.

flake8 applies ``noqa``, ``--select``/``--ignore``, formats and ``-j`` itself.
Rule options come from ``[tool.botolint]`` in the nearest pyproject.toml, so
flake8 and ``botolint check`` agree on them.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import Iterator, List, Tuple

from botolint import __version__
from botolint.config import Config, ConfigError, load_config
from botolint.engine import analyze_source


@lru_cache(maxsize=1)
def _config() -> Config:
    try:
        return load_config(Path.cwd())
    except ConfigError:
        # flake8 must never fail because of our config; `botolint check` reports it.
        return Config()


class BotolintChecker:
    name = "botolint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: List[str]) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        analysis = analyze_source("".join(self.lines), self.filename, config=_config())
        # A file we cannot analyze is flake8's to report (E999), never ours to crash on.
        for finding in analysis.findings:
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
