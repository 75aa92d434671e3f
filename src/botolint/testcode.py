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

from typing import Any, Dict, Optional

import libcst as cst

from botolint.code_paths import is_test_path, test_path_globs
from botolint.semantic import Scope, ScopeKind, SemanticModel

TEST_CASE_BASES = frozenset(
    {"unittest.TestCase", "unittest.IsolatedAsyncioTestCase", "unittest.case.TestCase", "django.test.TestCase"}
)
FIXTURE_DECORATORS = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})


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
