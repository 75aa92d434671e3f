"""Inserting items into comma-separated lists (parameters, call arguments)
so that the result looks as if a person had written it: one line stays one
line, one item per line stays one item per line, a trailing comma stays, and
comments stay on the item they belonged to."""

from __future__ import annotations

from typing import List, Sequence, Union

import libcst as cst

Whitespace = Union[cst.SimpleWhitespace, cst.ParenthesizedWhitespace]

# Where each item type keeps the whitespace between itself and its comma.
_AFTER_FIELDS = {
    cst.Arg: "whitespace_after_arg",
    cst.Param: "whitespace_after_param",
    cst.ParamSlash: "whitespace_after",
}


def insert_items(
    items: Sequence[cst.CSTNode], index: int, new_items: Sequence[cst.CSTNode], opening: Whitespace
) -> List[cst.CSTNode]:
    """``items`` with ``new_items`` inserted before position ``index``.
    ``opening`` is the whitespace after the opening parenthesis."""
    items = list(items)
    separator = _separator(items, opening)
    fresh = [item.with_changes(comma=cst.Comma(whitespace_after=separator)) for item in new_items]
    if index < len(items) or not items:
        if index == len(items):  # an empty list: the new last item has no comma
            fresh[-1] = _without_comma(fresh[-1])
        return items[:index] + fresh + items[index:]
    last = items[-1]
    if isinstance(last.comma, cst.Comma):
        # A trailing comma: the old last item now separates like the others,
        # the new last item takes the trailing comma (and the closing indent).
        closing = _strip_comment(last.comma.whitespace_after)
        items[-1] = last.with_changes(
            comma=last.comma.with_changes(whitespace_after=_reindent(last.comma.whitespace_after, separator))
        )
        fresh[-1] = fresh[-1].with_changes(comma=cst.Comma(whitespace_after=closing))
        return items + fresh
    after_field = _AFTER_FIELDS.get(type(last))
    trailing = getattr(last, after_field) if after_field else None
    if isinstance(trailing, cst.ParenthesizedWhitespace) and isinstance(separator, cst.SimpleWhitespace):
        # ``(\n    a, b\n)``: the items share a line, the new ones join it.
        items[-1] = last.with_changes(
            **{after_field: cst.SimpleWhitespace("")}, comma=cst.Comma(whitespace_after=separator)
        )
        fresh[-1] = _without_comma(fresh[-1]).with_changes(**{_AFTER_FIELDS[type(fresh[-1])]: trailing})
    elif isinstance(trailing, cst.ParenthesizedWhitespace):
        # ``last  # comment\n)``: the comment stays with ``last``, after its new comma.
        items[-1] = last.with_changes(
            **{after_field: cst.SimpleWhitespace("")},
            comma=cst.Comma(whitespace_after=_reindent(trailing, separator)),
        )
        fresh[-1] = _without_comma(fresh[-1]).with_changes(**{_AFTER_FIELDS[type(fresh[-1])]: _strip_comment(trailing)})
    else:
        items[-1] = last.with_changes(comma=cst.Comma(whitespace_after=separator))
        fresh[-1] = _without_comma(fresh[-1])
    return items + fresh


def _without_comma(item: cst.CSTNode) -> cst.CSTNode:
    if isinstance(item, cst.ParamStar):  # a bare ``*`` always has a comma
        return item
    return item.with_changes(comma=cst.MaybeSentinel.DEFAULT)


def _separator(items: Sequence[cst.CSTNode], opening: Whitespace) -> Whitespace:
    """The whitespace between two items, as this list already spells it."""
    for item in items[:-1]:
        if isinstance(item.comma, cst.Comma):
            return _strip_comment(item.comma.whitespace_after)
    if isinstance(opening, cst.ParenthesizedWhitespace):
        return _strip_comment(opening)
    return cst.SimpleWhitespace(" ")


def _strip_comment(whitespace: Whitespace) -> Whitespace:
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return whitespace


def _reindent(whitespace: Whitespace, separator: Whitespace) -> Whitespace:
    """``whitespace`` (possibly with a comment) ending at the indentation of
    ``separator`` instead of its own."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace) and isinstance(separator, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(indent=separator.indent, last_line=separator.last_line)
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace
    return separator

