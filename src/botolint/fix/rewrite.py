"""Applying a ``FilePlan`` to its module: one transformer for every change."""

from __future__ import annotations

import ast
import re
from typing import List, Optional

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from botolint.fix.build import no_space_equal
from botolint.fix.imports import add_boto3_import, first_party_packages
from botolint.fix.layout import insert_items
from botolint.fix.model import FilePlan
from botolint.fix.style import line_length
from botolint.fix.wrap import fits, wrap_def, wrap_statement


class RewriteError(Exception):
    """The rewritten file would not be valid Python; the file is left alone."""


class _Rewriter(cst.CSTTransformer):
    def __init__(self, plan: FilePlan) -> None:
        super().__init__()
        self.plan = plan
        self.limit = line_length(plan.path)
        self._indents: List[str] = []
        self._grown = False  # a call of the current statement got longer

    @property
    def _indent(self) -> str:
        return "".join(self._indents)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> bool:
        self._indents.append(node.indent if node.indent is not None else self.plan.module.default_indent)
        return True

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        self._grown = False
        return True

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if self._grown and fits(original, self.plan.module, self._indent, self.limit):
            wrapped = wrap_statement(updated, self.plan.module, self._indent, self.limit)
            updated = _pragma_on_first_line(wrapped) if _has_pragma(original) and wrapped is not updated else wrapped
        self._grown = False
        return updated

    def on_leave(self, original: cst.CSTNode, updated: cst.CSTNode):
        replacement = self.plan.replace_value.get(original)
        if replacement is not None:
            self._grown = True
            return replacement.deep_clone()
        return super().on_leave(original, updated)

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = self.plan.call_funcs.get(original)
        if func is not None:
            updated = updated.with_changes(func=func)
            self._grown = True
        passed = self.plan.passes.get(original)
        if passed is not None:
            updated = updated.with_changes(args=_with_keyword(updated, *passed))
            self._grown = True
        return updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body = self._statements(original.body, updated.body, [])
        return updated if body is None else updated.with_changes(body=body)

    def leave_IndentedBlock(self, original: cst.IndentedBlock, updated: cst.IndentedBlock) -> cst.IndentedBlock:
        self._indents.pop()
        body = self._statements(original.body, updated.body, self.plan.insert_first.get(original, []))
        return updated if body is None else updated.with_changes(body=body)

    def _statements(self, originals, updates, first) -> Optional[list]:
        """A block's statements with the plan's insertions, or None if it has none."""
        plan = self.plan
        if not first and not any(
            s in plan.insert_after or s in plan.insert_before or s in plan.remove for s in originals
        ):
            return None
        body = list(first)
        for old, new in zip(originals, updates):
            before = plan.insert_before.get(old)
            if old in plan.remove:
                pass
            elif before:
                body += _before(before, new)
            else:
                body.append(new)
            body += plan.insert_after.get(old, [])
        return body or [cst.SimpleStatementLine(body=[cst.Pass()])]

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        fix = self.plan.fixes.get(original)
        grown = False
        if fix is not None and fix.adds_param:
            updated = updated.with_changes(
                params=_with_keyword_only(updated, _new_param(fix.param.name, fix.annotation))
            )
            grown = True
        for name in self.plan.new_params.get(original, []):
            updated = updated.with_changes(params=_with_keyword_only(updated, _new_param(name, None)))
            grown = True
        if grown and fits(original, self.plan.module, self._indent, self.limit):
            updated = wrap_def(updated, self.plan.module, self._indent, self.limit)
        decorator = self.plan.add_decorators.get(original)
        if decorator is not None:
            index, new = decorator
            decorators = list(updated.decorators)
            decorators.insert(index, new)
            updated = updated.with_changes(decorators=decorators)
        return updated


_PRAGMA = re.compile(r"#\s*(type:\s*ignore|noqa|pragma|pylint:|pyright:|mypy:)", re.IGNORECASE)


def _has_pragma(statement: cst.SimpleStatementLine) -> bool:
    """A trailing ``# type: ignore`` (``noqa``, ...) applies to its line:
    wrapping would move it to the closing line, where it silences nothing
    (black leaves such lines unsplit too)."""
    comment = statement.trailing_whitespace.comment
    return comment is not None and _PRAGMA.search(comment.value) is not None


class _FirstLineBreak(cst.CSTTransformer):
    """Puts a comment at the end of the statement's first line (after the
    opening bracket the wrap broke the line at)."""

    def __init__(self, comment: cst.Comment) -> None:
        super().__init__()
        self.comment = comment
        self.done = False

    def leave_ParenthesizedWhitespace(self, original, updated):
        if self.done:
            return updated
        self.done = True
        first = updated.first_line
        return updated.with_changes(
            first_line=first.with_changes(whitespace=cst.SimpleWhitespace("  "), comment=self.comment)
        )


def _pragma_on_first_line(statement: cst.SimpleStatementLine) -> cst.SimpleStatementLine:
    """A wrapped statement's ``# type: ignore`` stays on its first line, where
    mypy reports the error it silences (black keeps it there too)."""
    comment = statement.trailing_whitespace.comment
    mover = _FirstLineBreak(comment)
    moved = statement.with_changes(body=[small.visit(mover) for small in statement.body])
    if not mover.done:
        return statement
    return moved.with_changes(
        trailing_whitespace=statement.trailing_whitespace.with_changes(
            whitespace=cst.SimpleWhitespace(""), comment=None
        )
    )


def _before(inserted, statement: cst.CSTNode) -> list:
    """``inserted`` then ``statement``: blank lines above the statement move
    above the new lines; comments stay with the statement they describe."""
    leading = list(getattr(statement, "leading_lines", ()))
    blank = 0
    while blank < len(leading) and leading[blank].comment is None:
        blank += 1
    first, *rest = inserted
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        # A def keeps the blank lines that set it apart; the new lines get as many above them.
        return [first.with_changes(leading_lines=leading[:blank]), *rest, statement]
    return [
        first.with_changes(leading_lines=leading[:blank]),
        *rest,
        statement.with_changes(leading_lines=leading[blank:]),
    ]


def _with_keyword(call: cst.Call, keyword: str, value: str):
    """``call`` given ``keyword=value`` (``value``: a name, or ``self._session``)."""
    arg = cst.Arg(keyword=cst.Name(keyword), value=cst.parse_expression(value), equal=no_space_equal())
    # Before a ``**kwargs`` (valid after it too, but not how people write it).
    index = next((i for i, item in enumerate(call.args) if item.star == "**"), len(call.args))
    return insert_items(call.args, index, [arg], call.whitespace_before_args)


def _new_param(name: str, annotation: Optional[str]) -> cst.Param:
    if annotation is None:
        return cst.Param(cst.Name(name), default=cst.Name("None"), equal=no_space_equal())
    return cst.Param(
        cst.Name(name),
        annotation=cst.Annotation(cst.parse_expression(annotation)),
        default=cst.Name("None"),
        equal=cst.AssignEqual(),
    )


def _with_keyword_only(function: cst.FunctionDef, new_param: cst.Param) -> cst.Parameters:
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
    new = [("kwonly", new_param)] if has_star else [("star", cst.ParamStar()), ("kwonly", new_param)]
    items = insert_items(
        [node for _, node in slots], index, [node for _, node in new], function.whitespace_before_params
    )
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
    """The module with the plan applied; imports that may now be unused are
    queued on ``context`` for ``RemoveImportsVisitor``; ``import boto3`` is
    added where isort puts it (``with_boto3_import``)."""
    module = with_boto3_import(plan, plan.analysis.module.visit(_Rewriter(plan)))
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


def with_boto3_import(plan: FilePlan, module: cst.Module) -> cst.Module:
    """``import boto3`` added where the plan needs the name and the module
    has none at the top (for an annotation only: under ``if TYPE_CHECKING:``
    when importing the module does not import boto3)."""
    if not (plan.needs_boto3_import or plan.needs_boto3_for_annotation):
        return module
    if _has_top_level_import_boto3(module):
        return module
    return add_boto3_import(module, first_party_packages(plan.path), typing_only=not plan.needs_boto3_import)


def _has_top_level_import_boto3(module: cst.Module) -> bool:
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import) and any(
                    isinstance(alias.name, cst.Name) and alias.name.value == "boto3" and alias.asname is None
                    for alias in small.names
                ):
                    return True
    return False


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
