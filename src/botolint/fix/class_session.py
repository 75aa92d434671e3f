"""Classes take the session in ``__init__``: when methods (properties
included) of a class make clients from the default session, ``__init__``
gains the optional ``session``, stores it (``self._session``), and the methods
use it. Callers that construct the class pass it along like any parameter."""

from __future__ import annotations

from typing import List, Optional

import libcst as cst

from botolint.fix.callers import built_from_config
from botolint.fix.calls import fallback_mode, fallback_of, from_import_of, same_session_reads, session_factory
from botolint.fix.model import FilePlan, FunctionFix, SessionParam
from botolint.fix.options import SECOND_PARAM_NAME, FixOptions
from botolint.fix.docstrings import document_parameter
from botolint.fix.names import choose_param_name, first_free, qualified_function_name
from botolint.fix.parameters import annotation_for, existing_session_param, is_instance_method
from botolint.fixes import SessionParameter
from botolint.rule import Finding
from botolint.semantic import ScopeKind
from botolint.statements import is_docstring

ATTRIBUTES = ("_session", "_boto3_session")
DATACLASS_DECORATORS = frozenset({"dataclasses.dataclass", "attr.s", "attrs.define", "attr.define"})


def plan_class_session(
    plan: FilePlan, method: cst.FunctionDef, findings: List[Finding], options: FixOptions
) -> Optional[str]:
    """Rewrite ``method``'s calls to use the session its class takes; None when
    done, else why the class cannot take one."""
    semantic = plan.semantic
    cls = semantic.scope_of(method).node
    self_name = _first_parameter(method)
    if self_name is None:
        return "the method has no self parameter"
    attribute = plan.class_sessions.get(cls)
    if attribute is None:
        try:
            attribute = plan.class_sessions[cls] = _class_session(plan, cls, options)
        except _NoClassSession as reason:
            return str(reason)
    holder = cst.Attribute(value=cst.Name(self_name), attr=cst.Name(attribute))
    same_session_reads(plan, method, holder)
    for finding in findings:
        fix: SessionParameter = finding.fix
        mode = fallback_mode(fix, options)
        fallback = fallback_of(fix.call, semantic, mode)
        if fallback is None:
            return "no name refers to the boto3 module here"
        plan.call_funcs[fix.call] = session_factory(fix.call, holder, fallback, fix.kind, mode)
        plan.needs_boto3_import |= fallback.needs_import
        if not fallback.imported:
            plan.maybe_unused += from_import_of(fix.call, semantic)
    init = _own_init(cls)
    if init is not None and init in plan.fixes:
        plan.fixes[init].calls += len(findings)
    return None


class _NoClassSession(Exception):
    """Why a class cannot take a session in its __init__."""


def _class_session(plan: FilePlan, cls: cst.ClassDef, options: FixOptions) -> str:
    """The attribute the class keeps its session in, after planning
    ``__init__``'s parameter and ``self.<attribute> = <parameter>``."""
    semantic = plan.semantic
    if any(not semantic.qualified_names(_decorator(d)).isdisjoint(DATACLASS_DECORATORS) for d in cls.decorators):
        raise _NoClassSession("a dataclass: give it a session field by hand")
    if _is_pydantic_model(cls, semantic):
        raise _NoClassSession("a pydantic model (its attributes are validated fields): give it a session field by hand")
    init = _own_init(cls)
    if init is None:
        raise _NoClassSession("the class has no __init__ of its own to take a session")
    built_by = built_from_config(cls, semantic)
    if built_by is not None:
        raise _NoClassSession(built_by)
    if not isinstance(init.body, cst.IndentedBlock):
        raise _NoClassSession("its __init__ is written on one line")
    self_name = _first_parameter(init)
    if self_name is None:
        raise _NoClassSession("its __init__ has no self parameter")
    attribute = first_free(ATTRIBUTES, _attributes_used(plan, cls))
    if attribute is None:
        raise _NoClassSession("the attributes _session and _boto3_session are taken")
    param = plan.sessions.get(init) or existing_session_param(plan, init, options)
    if param is None:
        name = choose_param_name(init, semantic, options.param_name)
        if name is None:
            raise _NoClassSession(
                f"the names {options.param_name!r} and {SECOND_PARAM_NAME!r} are used in its __init__"
            )
        param = SessionParam(name)
        annotation = annotation_for(plan, init)
        plan.fixes[init] = FunctionFix(init, qualified_function_name(init, semantic), param, True, annotation, 0)
        plan.sessions[init] = param
        document_parameter(plan, init, name)
    store = cst.SimpleStatementLine(
        body=[cst.Assign(
            targets=[cst.AssignTarget(cst.Attribute(value=cst.Name(self_name), attr=cst.Name(attribute)))],
            value=cst.Name(param.name),
        )]
    )
    body = init.body.body
    if body and is_docstring(body[0]):
        plan.insert_after.setdefault(body[0], []).append(store)
    else:
        plan.insert_first.setdefault(init.body, []).append(store)
    plan.notes.append(
        (
            init.name,
            f"{qualified_function_name(init, semantic)}() keeps `{param.name}` as self.{attribute} "
            "for the methods' clients",
        )
    )
    return attribute


PYDANTIC_MODELS = frozenset({"pydantic.BaseModel", "pydantic.main.BaseModel", "pydantic.v1.BaseModel"})


def _is_pydantic_model(cls: cst.ClassDef, semantic) -> bool:
    """A base that is pydantic's ``BaseModel``, or the class-level settings
    only a pydantic model has (``class Config:``, ``model_config = ...``),
    which show it when the base is the project's own model class: setting
    ``self._session`` before ``super().__init__()`` raises there."""
    if any(not semantic.qualified_names(base.value).isdisjoint(PYDANTIC_MODELS) for base in cls.bases):
        return True
    for statement in cls.body.body:
        if isinstance(statement, cst.ClassDef) and statement.name.value == "Config" and cls.bases:
            return True
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else (
                    [small.target] if isinstance(small, cst.AnnAssign) else []
                )
                if any(isinstance(t, cst.Name) and t.value == "model_config" for t in targets):
                    return True
    return False


def _own_init(cls: cst.ClassDef) -> Optional[cst.FunctionDef]:
    for statement in cls.body.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == "__init__":
            return statement
    return None


def held_session(plan: FilePlan, function: cst.FunctionDef) -> Optional[str]:
    """``self._session`` for a method of a class that this fix makes take the
    session in ``__init__``: what the method's calls pass on, rather than a
    parameter of its own. None for other functions (static methods included)."""
    if not is_instance_method(function, plan.semantic) or function.name.value == "__init__":
        return None
    attribute = plan.class_sessions.get(plan.semantic.scope_of(function).node)
    self_name = _first_parameter(function)
    return f"{self_name}.{attribute}" if attribute is not None and self_name is not None else None


def _first_parameter(function: cst.FunctionDef) -> Optional[str]:
    params = [*function.params.posonly_params, *function.params.params]
    return params[0].name.value if params else None


def _attributes_used(plan: FilePlan, cls: cst.ClassDef) -> set:
    """Attribute names the class's code reads or writes on anything, and its class-level names."""
    scope = plan.semantic.scope_created_by[cls]
    used = set(scope.bindings)
    for inner in scope.walk():
        if inner.kind is ScopeKind.FUNCTION:
            for node in plan.semantic.reads.get(inner.node, []):
                if isinstance(node, cst.Attribute):
                    used.add(node.attr.value)
    for target, _, _ in plan.semantic.attribute_stores:
        used.add(target.attr.value)
    return used


def _decorator(decorator: cst.Decorator) -> cst.BaseExpression:
    return decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator

