"""Which files are test code or maintainers' scripts, by their path: what
the project layer and the cache need to know without parsing anything (see
``botolint.testcode`` for test functions inside other files, and for what
test code and script code are)."""

from __future__ import annotations

import fnmatch
from pathlib import Path, PurePath
from typing import Any, Optional, Sequence, Tuple

OPTION_PATHS = "test-paths"
OPTION_POLICY = "test-code"
OPTION_SCRIPT_PATHS = "script-paths"
DEFAULT_TEST_PATHS = ("tests/*", "test/*", "test_*.py", "*_test.py", "conftest.py")
DEFAULT_SCRIPT_PATHS = ("scripts/*", "tools/dev/*", "benchmark*/*", "integration-tests/*")


def test_path_globs(config: Any) -> Tuple[str, ...]:
    return _globs(config.option(OPTION_PATHS, list(DEFAULT_TEST_PATHS)))


def script_path_globs(config: Any) -> Tuple[str, ...]:
    return _globs(config.option(OPTION_SCRIPT_PATHS, list(DEFAULT_SCRIPT_PATHS)))


def _globs(value: Any) -> Tuple[str, ...]:
    entries = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else []
    return tuple(entry for entry in entries if isinstance(entry, str))


def is_script(path: str, globs: Sequence[str], file: Optional[str] = None) -> bool:
    """A file matched by ``globs`` (as test-paths match, on ``path``) whose
    directory is no Python package. ``file`` is where the file is on disk
    (default: ``path``), to look for the ``__init__.py``."""
    if path in ("<string>", "-") or not globs or not is_test_path(path, globs):
        return False
    return not (Path(file if file is not None else path).parent / "__init__.py").is_file()


def reports_test_code(config: Any) -> bool:
    """``test-code = "report"`` reports every rule in test code too."""
    return config.option(OPTION_POLICY, "ignore") == "report"


def is_test_path(path: str, globs: Sequence[str]) -> bool:
    """A glob matches the file's name, or the path from any directory down
    (``tests/*`` matches ``pkg/tests/unit/test_x.py``)."""
    parts = PurePath(path).as_posix().split("/")
    for glob in globs:
        if "/" not in glob.rstrip("/*"):  # a name pattern, or one directory
            directory = glob[:-2] if glob.endswith("/*") else None  # "benchmark*/*": "benchmark*"
            if directory is not None and any(fnmatch.fnmatch(part, directory) for part in parts[:-1]):
                return True
            if directory is None and fnmatch.fnmatch(parts[-1], glob):
                return True
            continue
        for start in range(len(parts)):
            if fnmatch.fnmatch("/".join(parts[start:]), glob):
                return True
    return False
