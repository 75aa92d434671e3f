"""Which code is test code.

Test code is where the default session is the idiom (moto patches it, fixtures
make clients), so rules that are about choosing a session say nothing there
by default (``Rule.in_test_code``). It is:

- a file matched by one of the ``test-paths`` globs (default: files under a
  ``tests`` or ``test`` directory, ``test_*.py``, ``*_test.py``, ``conftest.py``);
- wherever it is: a pytest test function (a module-level ``def test*``, or a
  ``test*`` method of a ``Test*`` class), a pytest fixture (``@pytest.fixture``),
  and any method of a ``unittest.TestCase`` subclass (``setUp`` included),
  with what is nested in them.

Script code is a maintainer's one-off script: a file matched by one of the
``script-paths`` globs (default: files under a ``scripts``, ``tools/dev``,
``benchmark*`` or ``integration-tests`` directory) that is not in a Python
package. Such a script runs by hand with the developer's own credentials, so
the rules about choosing a session or a profile say nothing there
(``Rule.in_scripts``). A file in a package (its directory has an
``__init__.py``) is shipped and imported, whatever the directory's name, and
keeps every finding.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path, PurePath
from typing import Any, Dict, Optional, Sequence, Tuple

import libcst as cst

from botolint.semantic import Scope, ScopeKind, SemanticModel

OPTION_PATHS = "test-paths"
OPTION_POLICY = "test-code"
OPTION_SCRIPT_PATHS = "script-paths"
DEFAULT_TEST_PATHS = ("tests/*", "test/*", "test_*.py", "*_test.py", "conftest.py")
DEFAULT_SCRIPT_PATHS = ("scripts/*", "tools/dev/*", "benchmark*/*", "integration-tests/*")
TEST_CASE_BASES = frozenset(
    {"unittest.TestCase", "unittest.IsolatedAsyncioTestCase", "unittest.case.TestCase", "django.test.TestCase"}
)
FIXTURE_DECORATORS = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})


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


class TestCode:
    """Answers "is this node test code?" for one module."""

    def __init__(self, semantic: SemanticModel, path: str, config: Any) -> None:
        self.semantic = semantic
        self.file = path not in ("<string>", "-") and is_test_path(path, test_path_globs(config))
        self._scopes: Dict[Scope, bool] = {}

    def contains(self, node: cst.CSTNode) -> bool:
        if self.file:
            return True
        scope: Optional[Scope] = self.semantic.scope_by_node.get(node)
        return scope is not None and self._in_test(scope)

    def is_test_function(self, function: cst.CSTNode) -> bool:
        """A pytest test or fixture, or a method of a TestCase, itself."""
        scope = self.semantic.scope_created_by.get(function)
        return scope is not None and self._is_test_scope(scope)

    def _in_test(self, scope: Scope) -> bool:
        known = self._scopes.get(scope)
        if known is None:
            known = self._is_test_scope(scope) or (scope.parent is not None and self._in_test(scope.parent))
            self._scopes[scope] = known
        return known

    def _is_test_scope(self, scope: Scope) -> bool:
        node = scope.node
        if isinstance(node, cst.ClassDef):
            return self._is_test_case(node)
        if not isinstance(node, cst.FunctionDef):
            return False
        if any(self._resolves(d.decorator, FIXTURE_DECORATORS) for d in node.decorators):
            return True
        owner = scope.parent
        if owner is None or owner.kind is ScopeKind.MODULE:
            return node.name.value.startswith("test")
        if isinstance(owner.node, cst.ClassDef):
            cls = owner.node
            return self._is_test_case(cls) or (cls.name.value.startswith("Test") and node.name.value.startswith("test"))
        return False

    def _is_test_case(self, cls: cst.ClassDef, depth: int = 0) -> bool:
        if depth > 8:
            return False
        for base in cls.bases:
            if self._resolves(base.value, TEST_CASE_BASES):
                return True
            if isinstance(base.value, cst.Name):
                for binding in self.semantic.scope_of(base.value).lookup(base.value.value):
                    if isinstance(binding.node, cst.ClassDef) and self._is_test_case(binding.node, depth + 1):
                        return True
        return False

    def _resolves(self, expr: cst.BaseExpression, names) -> bool:
        target = expr.func if isinstance(expr, cst.Call) else expr
        return not self.semantic.qualified_names(target).isdisjoint(names)
