"""Which files are test code, by their path: what the project layer and the
cache need to know without parsing anything (see ``botolint.testcode`` for
test functions inside other files)."""

from __future__ import annotations

import fnmatch
from pathlib import PurePath
from typing import Any, Sequence, Tuple

OPTION_PATHS = "test-paths"
OPTION_POLICY = "test-code"
DEFAULT_TEST_PATHS = ("tests/*", "test/*", "test_*.py", "*_test.py", "conftest.py")


def test_path_globs(config: Any) -> Tuple[str, ...]:
    value = config.option(OPTION_PATHS, list(DEFAULT_TEST_PATHS))
    entries = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else []
    return tuple(entry for entry in entries if isinstance(entry, str))


def reports_test_code(config: Any) -> bool:
    """``test-code = "report"`` reports every rule in test code too."""
    return config.option(OPTION_POLICY, "ignore") == "report"


def is_test_path(path: str, globs: Sequence[str]) -> bool:
    """A glob matches the file's name, or the path from any directory down
    (``tests/*`` matches ``pkg/tests/unit/test_x.py``)."""
    parts = PurePath(path).as_posix().split("/")
    for glob in globs:
        if "/" not in glob.rstrip("/*"):  # a name pattern, or one directory
            directory = glob.rstrip("/*") if glob.endswith("/*") else None
            if directory is not None and directory in parts[:-1]:
                return True
            if directory is None and fnmatch.fnmatch(parts[-1], glob):
                return True
            continue
        for start in range(len(parts)):
            if fnmatch.fnmatch("/".join(parts[start:]), glob):
                return True
    return False
