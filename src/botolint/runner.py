"""Running the core over many files, for the CLI front ends."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator, List, Sequence, Tuple, Type

from botolint.config import Config
from botolint.discovery import iter_python_files
from botolint.engine import FileAnalysis, analyze_path
from botolint.rule import Rule


def analyze_paths(
    paths: Sequence[Path], config: Config, rules: Tuple[Type[Rule], ...]
) -> Iterator[FileAnalysis]:
    for path in iter_python_files(paths, config.exclude):
        yield analyze_path(path, rules=rules, config=config)
