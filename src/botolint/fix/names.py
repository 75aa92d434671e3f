"""Names the fix writes: a free name for a new parameter or statement, the
name of the boto3 module where a call is, and how a function is called in the
report."""

from __future__ import annotations

from typing import AbstractSet, Iterable, List, Optional

import libcst as cst

from botolint.fix.options import SECOND_PARAM_NAME
from botolint.semantic import Binding, BindingKind, Scope, SemanticModel


def choose_param_name(
    function: cst.FunctionDef, semantic: SemanticModel, preferred: str, taken: AbstractSet[str] = frozenset()
) -> Optional[str]:
    """``preferred`` unless the function already uses that name for something
    (a parameter, a local, a loop variable, a global it reads): then
    ``boto3_session``; None when both are used."""
    return first_free((preferred, SECOND_PARAM_NAME), semantic.names_used_in(function) | set(taken))


def free_module_name(semantic: SemanticModel, candidates: Iterable[str]) -> Optional[str]:
    """The first of ``candidates`` that no scope of the module uses."""
    return first_free(candidates, semantic.module_scope.names_used())


def first_free(candidates: Iterable[str], used: AbstractSet[str]) -> Optional[str]:
    return next((name for name in candidates if name not in used), None)


def visible_boto3_name(scope: Scope) -> Optional[str]:
    """A name that refers to the boto3 module from ``scope`` (``import boto3``
    or ``import boto3 as aws``), preferring ``boto3`` itself."""
    candidates: List[str] = []
    current: Optional[Scope] = scope
    while current is not None:
        for name, bindings in current.bindings.items():
            if any(_is_boto3_import(binding) for binding in bindings):
                candidates.append(name)
        current = current.parent
    for name in sorted(set(candidates), key=lambda name: (name != "boto3", name)):
        bindings = scope.lookup(name)
        if bindings and all(_is_boto3_import(binding) for binding in bindings):
            return name
    return None


def _is_boto3_import(binding: Binding) -> bool:
    return binding.kind is BindingKind.IMPORT and binding.qualified_name == "boto3"


def qualified_function_name(function: cst.FunctionDef, semantic: SemanticModel) -> str:
    """``Class.method`` or ``outer.inner``, for messages."""
    parts = [function.name.value]
    for ancestor in semantic.ancestors(function):
        if isinstance(ancestor, (cst.FunctionDef, cst.ClassDef)):
            parts.append(ancestor.name.value)
    return ".".join(reversed(parts))
