"""Applying a ``FilePlan`` to its module: one transformer for every change."""

from __future__ import annotations

import ast
from typing import Optional

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from botolint.fix.layout import insert_items
from botolint.fix.module_session import session_statement
from botolint.fix.plan import FilePlan, FunctionFix, SessionParam


class RewriteError(Exception):
    """The rewritten file would not be valid Python; the file is left alone."""


class _Rewriter(cst.CSTTransformer):
    def __init__(self, plan: FilePlan) -> None:
        super().__init__()
        self.plan = plan

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        func = self.plan.call_funcs.get(original)
        if func is not None:
            updated = updated.with_changes(func=func)
        passed = self.plan.passes.get(original)
        if passed is not None:
            updated = updated.with_changes(args=_with_keyword(updated, *passed))
        return updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        session = self.plan.module_session
        body = []
        for index, (old, new) in enumerate(zip(original.body, updated.body)):
            if session is not None and index == session.index:
                body += session_statement(session, new)
            else:
                body.append(new)
            body += self.plan.insert_after.get(old, [])
        return updated.with_changes(body=body)

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        first = self.plan.insert_first.get(original, [])
        if not first and not any(statement in self.plan.insert_after for statement in original.body):
            return updated
        body = list(first)
        for old, new in zip(original.body, updated.body):
            body += [new, *self.plan.insert_after.get(old, [])]
        return updated.with_changes(body=body)

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        fix = self.plan.fixes.get(original)
        if fix is not None and fix.adds_param:
            updated = updated.with_changes(params=_with_keyword_only(updated, fix))
        extra = self.plan.add_params.get(original)
        if extra is not None:
            param = FunctionFix(original, extra, SessionParam(extra), True, None, [])
            updated = updated.with_changes(params=_with_keyword_only(updated, param))
        decorator = self.plan.add_decorators.get(original)
        if decorator is not None:
            index, new = decorator
            decorators = list(updated.decorators)
            decorators.insert(index, new)
            updated = updated.with_changes(decorators=decorators)
        return updated


def _with_keyword(call: cst.Call, keyword: str, value: str):
    no_space = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
    arg = cst.Arg(keyword=cst.Name(keyword), value=cst.Name(value), equal=no_space)
    return insert_items(call.args, len(call.args), [arg], call.whitespace_before_args)


def _new_param(fix: FunctionFix) -> cst.Param:
    if fix.annotation is None:
        equal = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))
        return cst.Param(cst.Name(fix.param.name), default=cst.Name("None"), equal=equal)
    return cst.Param(
        cst.Name(fix.param.name),
        annotation=cst.Annotation(cst.SimpleString(fix.annotation)),
        default=cst.Name("None"),
        equal=cst.AssignEqual(),
    )


def _with_keyword_only(function: cst.FunctionDef, fix: FunctionFix) -> cst.Parameters:
    """The parameters with the session added as the last keyword-only one
    (after ``*`` or ``*args``, before ``**kwargs``)."""
    params = function.params
    slots = []
    slots += [("posonly", p) for p in params.posonly_params]
    if isinstance(params.posonly_ind, cst.ParamSlash):
        slots.append(("slash", params.posonly_ind))
    slots += [("params", p) for p in params.params]
    has_star = isinstance(params.star_arg, (cst.Param, cst.ParamStar))
    if has_star:
        slots.append(("star", params.star_arg))
    slots += [("kwonly", p) for p in params.kwonly_params]
    if params.star_kwarg is not None:
        slots.append(("starkw", params.star_kwarg))
    index = len(slots) - (1 if params.star_kwarg is not None else 0)
    new = [("kwonly", _new_param(fix))] if has_star else [("star", cst.ParamStar()), ("kwonly", _new_param(fix))]
    items = insert_items([node for _, node in slots], index, [node for _, node in new], function.whitespace_before_params)
    kinds = [kind for kind, _ in slots[:index]] + [kind for kind, _ in new] + [kind for kind, _ in slots[index:]]
    return _parameters_from(kinds, items)


def _parameters_from(kinds, items) -> cst.Parameters:
    grouped = {"posonly": [], "params": [], "kwonly": []}
    single = {}
    for kind, item in zip(kinds, items):
        if kind in grouped:
            grouped[kind].append(item)
        else:
            single[kind] = item
    return cst.Parameters(
        posonly_params=grouped["posonly"],
        posonly_ind=single.get("slash", cst.MaybeSentinel.DEFAULT),
        params=grouped["params"],
        star_arg=single.get("star", cst.MaybeSentinel.DEFAULT),
        kwonly_params=grouped["kwonly"],
        star_kwarg=single.get("starkw"),
    )


def rewrite_module(plan: FilePlan, context: CodemodContext) -> cst.Module:
    """The module with the plan applied; ``import boto3`` is queued on
    ``context`` for ``AddImportsVisitor`` when a call needs it."""
    module = plan.analysis.module.visit(_Rewriter(plan))
    if plan.needs_boto3_import:
        AddImportsVisitor.add_needed_import(context, "boto3")
    for obj, alias in dict.fromkeys(plan.maybe_unused):
        RemoveImportsVisitor.remove_unused_import(context, "boto3", obj, alias)
    return module


def rewritten_source(plan: FilePlan) -> Optional[bytes]:
    """The file's new bytes (in its own encoding and line endings), or None
    when nothing changes. Raises RewriteError when the result does not parse."""
    if not plan.has_changes:
        return None
    context = CodemodContext(filename=plan.path)
    module = rewrite_module(plan, context)
    for visitor in (AddImportsVisitor, RemoveImportsVisitor):
        if visitor.CONTEXT_KEY in context.scratch:
            module = visitor(context).transform_module(module)
    data = module.bytes
    check_parses(plan.analysis.source, data)
    return data


def check_parses(original, data: bytes) -> None:
    """Re-parse the output with LibCST, and with Python's own parser when that
    one accepted the original (it may be older than the file's syntax)."""
    try:
        cst.parse_module(data)
    except Exception as error:  # any failure means: do not write this
        raise RewriteError(f"the rewritten file does not parse: {error}") from None
    if original is None or not _python_parses(original):
        return
    if not _python_parses(data):
        raise RewriteError("the rewritten file is not valid Python")


def _python_parses(source) -> bool:
    try:
        ast.parse(source)
        return True
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
