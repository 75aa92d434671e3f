"""The parameter that carries a session: one a function already has, and the
annotation a new one gets."""

from __future__ import annotations

from typing import Iterator, Optional, Tuple

import libcst as cst

from botolint.fix.model import FilePlan, SessionParam
from botolint.fix.options import DEFAULT_PARAM_NAME, SECOND_PARAM_NAME, FixOptions
from botolint.fix.names import visible_boto3_name
from botolint.kinds import BOTO3_MODULE, SESSION_CLASS, ObjectKind
from botolint.objects import is_staticmethod
from botolint.semantic import SemanticModel, iter_params


def annotation_for(plan: FilePlan, function: cst.FunctionDef) -> Optional[str]:
    """The new parameter's annotation when the function has annotations (so
    that ``mypy --disallow-incomplete-defs`` still accepts it):
    ``"boto3.session.Session | None"``, unquoted under ``from __future__
    import annotations``, in the file's own name for boto3 (``import boto3``
    is added when there is none). None for an unannotated function."""
    semantic = plan.semantic
    if not _annotated(function, semantic):
        return None
    module = visible_boto3_name(semantic.scope_of(function))
    if module is None:
        if semantic.scope_of(function).lookup("boto3"):
            return None  # the name means something else here
        module, plan.needs_boto3_for_annotation = "boto3", True
    text = f"{module}.session.Session | None"
    return text if _postponed_annotations(semantic.module) else f'"{text}"'


def existing_session_param(plan: FilePlan, function: cst.FunctionDef, options: FixOptions) -> Optional[SessionParam]:
    """The parameter through which ``function`` already takes a boto3 session:
    one annotated as a boto3 Session, or one named like a session, required or
    defaulting to None, and used as a boto3 session in the body."""
    semantic = plan.semantic
    outer_scope = semantic.scope_of(function)
    values = plan.analysis.values
    names = {options.param_name, DEFAULT_PARAM_NAME, SECOND_PARAM_NAME}
    candidates = list(_named_params(function.params))
    for param, position, keyword_ok in candidates:
        if param.annotation is not None and ObjectKind.SESSION in values.annotation_kinds(
            param.annotation.annotation, outer_scope
        ):
            return SessionParam(param.name.value, position, keyword_ok)
    for param, position, keyword_ok in candidates:
        name = param.name.value
        # Named like a session first; then any parameter used as one, whatever its name.
        if (
            name in names
            and (param.default is None or _is_none(param.default))
            and _used_as_session(plan, function, name)
        ):
            return SessionParam(name, position, keyword_ok)
    receiver = _receiver_name(function, semantic)
    for param, position, keyword_ok in candidates:
        name = param.name.value
        if name in names or name == receiver:
            continue
        if (param.default is None or _is_none(param.default)) and _used_as_session(plan, function, name):
            return SessionParam(name, position, keyword_ok)
    return None


def _receiver_name(function: cst.FunctionDef, semantic: SemanticModel) -> str:
    """``self`` / ``cls`` of a method (not a session, whatever it holds)."""
    if not is_method(function, semantic) or is_staticmethod(function):
        return ""
    params = [*function.params.posonly_params, *function.params.params]
    return params[0].name.value if params else ""


def session_like_params(function: cst.FunctionDef, options: FixOptions) -> Iterator[SessionParam]:
    """Parameters named like a session (``session``, ``boto3_session`` or the
    configured name) that default to None."""
    names = {options.param_name, DEFAULT_PARAM_NAME, SECOND_PARAM_NAME}
    for param, position, keyword_ok in _named_params(function.params):
        if param.name.value in names and _is_none(param.default):
            yield SessionParam(param.name.value, position, keyword_ok)


def _named_params(params: cst.Parameters) -> Iterator[Tuple[cst.Param, Optional[int], bool]]:
    """Parameters a caller can name: ``(param, position or None, passable by keyword)``."""
    positional = [(param, False) for param in params.posonly_params] + [(param, True) for param in params.params]
    for position, (param, keyword_ok) in enumerate(positional):
        yield param, position, keyword_ok
    for param in params.kwonly_params:
        yield param, None, True


def _is_none(node: Optional[cst.BaseExpression]) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _used_as_session(plan: FilePlan, function: cst.FunctionDef, name: str) -> bool:
    """``name.client(...)``, ``name.resource(...)``, or ``(name or boto3)`` /
    ``(name or boto3.Session(...))`` in the function's code: a database session
    is never used so."""
    semantic = plan.semantic
    for scope in semantic.scope_created_by[function].walk():
        for load in scope.loads:
            if load.value != name:
                continue
            parent = semantic.parent_of(load)
            if (
                isinstance(parent, cst.Attribute)
                and parent.value is load
                and parent.attr.value in ("client", "resource")
            ):
                call = semantic.parent_of(parent)
                if isinstance(call, cst.Call) and call.func is parent:
                    return True
            if isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.Or) and parent.left is load:
                if _is_boto3_or_session(parent.right, semantic):
                    return True
    return False


def _is_boto3_or_session(node: cst.BaseExpression, semantic: SemanticModel) -> bool:
    if isinstance(node, cst.Call):
        return SESSION_CLASS in semantic.qualified_names(node.func)
    return BOTO3_MODULE in semantic.qualified_names(node)


def _annotated(function: cst.FunctionDef, semantic: SemanticModel) -> bool:
    """Any annotation at all (mypy then checks it, and wants them all)."""
    params = list(iter_params(function.params))
    if params and is_method(function, semantic) and not is_staticmethod(function):
        params = params[1:]  # self / cls
    return function.returns is not None or any(param.annotation is not None for param in params)


def _postponed_annotations(module: cst.Module) -> bool:
    """``from __future__ import annotations``: annotations are never evaluated."""
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if (
                    isinstance(small, cst.ImportFrom)
                    and isinstance(small.module, cst.Name)
                    and small.module.value == "__future__"
                ):
                    if not isinstance(small.names, cst.ImportStar) and any(
                        isinstance(alias.name, cst.Name) and alias.name.value == "annotations" for alias in small.names
                    ):
                        return True
    return False


def is_method(function: cst.FunctionDef, semantic: SemanticModel) -> bool:
    return isinstance(semantic.scope_of(function).node, cst.ClassDef)


def is_instance_method(function: cst.FunctionDef, semantic: SemanticModel) -> bool:
    """A method called on an instance: neither a static method nor a class method."""
    return is_method(function, semantic) and not is_staticmethod(function) and not _is_classmethod(function)


def _is_classmethod(function: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == "classmethod" for d in function.decorators)



def injection_parameters(function: cst.FunctionDef, semantic: SemanticModel) -> set:
    """Parameters through which callers give the function a client or
    resource it would otherwise make (``client = client or boto3.client(...)``)."""
    from botolint.objects import default_session_factory, optional_session_factory
    from botolint.usage import injected_name

    found = set()
    for scope in semantic.scope_created_by[function].walk():
        for call in semantic.calls.get(scope.node, []):
            if default_session_factory(call, semantic) or optional_session_factory(call, semantic):
                name = injected_name(call, semantic)
                if name is not None:
                    found.add(name)
    return found
