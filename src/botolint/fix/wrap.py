"""Keeping lines the fix grows within the project's line length, split the
way black splits them: a signature or a call that no longer fits puts its
parameters (arguments) on one indented line of their own, or, when that is
still too long, one per line with a trailing comma.

Only lines the fix made longer are touched, and only when they were on one
line, or were the one line of arguments of a call (``f(\n    a, b\n)``, which
then gets one argument per line, as black does): any other list the author
spread over several lines keeps its shape (``layout.insert_items`` follows it).
"""

from __future__ import annotations

from typing import List, Optional

import libcst as cst


def wrap_def(function: cst.FunctionDef, module: cst.Module, indent: str, limit: int) -> cst.FunctionDef:
    """``function`` with its parameters split when its header is too long."""
    lines = _header_lines(function, module)
    if all(len(indent) + len(line) <= limit for line in lines):
        return function
    items = _items(_parameter_nodes(function.params), module)
    if items is None:
        return function
    step = module.default_indent
    returns = f" -> {module.code_for_node(function.returns.annotation)}" if function.returns is not None else ""
    one_line = ", ".join(items)
    if len(lines) == 1 and len(indent) + len(step) + len(one_line) <= limit:
        text = f"def f(\n{step}{one_line}\n){returns}:\n{step}pass\n"
    else:
        text = "def f(\n" + "".join(f"{step}{item},\n" for item in items) + f"){returns}:\n{step}pass\n"
    try:
        parsed = cst.parse_statement(text)
    except cst.ParserSyntaxError:
        return function
    return function.with_changes(params=parsed.params, whitespace_before_params=parsed.whitespace_before_params)


def wrap_statement(
    statement: cst.SimpleStatementLine, module: cst.Module, indent: str, limit: int
) -> cst.SimpleStatementLine:
    """``statement`` with its trailing call's arguments split when its line is
    too long (or, when they already sit on a line of their own, when that line is)."""
    text = module.code_for_node(statement.with_changes(leading_lines=()))
    if len(statement.body) != 1 or all(len(indent) + len(line) <= limit for line in text.rstrip("\r\n").splitlines()):
        return statement
    small = statement.body[0]
    if "\n" in text.rstrip("\r\n"):
        return _explode_hugged_arguments(statement, small, module)
    value = getattr(small, "value", None)
    if isinstance(small, (cst.Assign, cst.Return)) and value is not None and not getattr(value, "lpar", ()):
        if _chained_method_calls(value) >= 2:
            # A value with two or more chained method calls: black keeps it in parentheses.
            wrapped = _parenthesized(value, module, indent, limit)
            return (
                statement.with_changes(body=[small.with_changes(value=wrapped)]) if wrapped is not None else statement
            )
    if isinstance(value, _BRACKETED) and not getattr(value, "lpar", ()):
        return _wrap_brackets(statement, small, value, module, indent, limit)
    if isinstance(value, cst.Tuple) and not value.lpar and value.elements:
        return _wrap_tuple(statement, small, value, module)
    call = _trailing_call(small)
    if call is not None and call.args:
        split = _split_arguments(statement, small, call, module, indent, limit)
        if split is not None and fits(split, module, indent, limit):
            return split
    if isinstance(small, (cst.Assign, cst.Return)) and value is not None and not getattr(value, "lpar", ()):
        # The head does not fit either: black puts the value in parentheses.
        wrapped = _parenthesized(value, module, indent, limit)
        if wrapped is not None:
            return statement.with_changes(body=[small.with_changes(value=wrapped)])
    return statement


def _explode_hugged_arguments(statement, small, module: cst.Module):
    """``f(\n    a, b, c\n)`` whose line of arguments grew too long: one
    argument per line with a trailing comma, as black does. Any other
    statement on several lines keeps the author's shape."""
    call = _trailing_call(small)
    if call is None or not call.args or not isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return statement
    inner = module.code_for_node(call.with_changes(func=cst.Name("f"))).strip()[2:-1].strip()
    if "\n" in inner:
        return statement
    items = _items(list(call.args), module)
    if items is None:
        return statement
    step = module.default_indent
    text = "f(\n" + "".join(f"{step}{item},\n" for item in items) + ")"
    return _with_arguments(statement, small, call, text) or statement


def _split_arguments(statement, small, call: cst.Call, module: cst.Module, indent: str, limit: int):
    items = _items(list(call.args), module)
    if items is None:
        return None
    step = module.default_indent
    one_line = ", ".join(items)
    chain = _fluent(call.args[0].value, module) if len(call.args) == 1 and not call.args[0].keyword else None
    if len(indent) + len(step) + len(one_line) <= limit:
        text = f"f(\n{step}{one_line}\n)"
    elif chain is not None and all(len(indent) + len(step) + len(line) <= limit for line in chain):
        text = "f(\n" + "".join(f"{step}{line}\n" for line in chain) + ")"  # one long argument: split it
    else:
        text = "f(\n" + "".join(f"{step}{item},\n" for item in items) + ")"
    return _with_arguments(statement, small, call, text)


def _with_arguments(statement, small, call: cst.Call, text: str):
    """``statement`` with ``call``'s arguments laid out as in ``text`` (a call
    of ``f``), or None when ``text`` does not parse."""
    try:
        parsed = cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return None
    wrapped = call.with_changes(args=parsed.args, whitespace_before_args=parsed.whitespace_before_args)
    return statement.with_changes(body=[small.deep_replace(call, wrapped)])


def _parenthesized(
    value: cst.BaseExpression, module: cst.Module, indent: str, limit: int
) -> Optional[cst.BaseExpression]:
    """``(\n    value\n)``, or for a chain of two or more method calls, one call
    per line; for a conditional expression, its parts one per line."""
    step = module.default_indent
    text = module.code_for_node(value)
    if "\n" in text:
        return None
    if len(indent) + len(step) + len(text) <= limit:
        lines = [text]
    else:
        lines = _conditional(value, module) or _fluent(value, module)
        if lines is None or any(len(indent) + len(step) + len(line) > limit for line in lines):
            return None
    try:
        return cst.parse_expression("(\n" + "".join(f"{step}{line}\n" for line in lines) + ")")
    except cst.ParserSyntaxError:
        return None


def _conditional(value: cst.BaseExpression, module: cst.Module) -> Optional[List[str]]:
    """``body``, ``if test``, ``else orelse``: a conditional expression split
    before its keywords, as black splits one that does not fit."""
    if not isinstance(value, cst.IfExp) or value.lpar:
        return None
    parts = [module.code_for_node(part) for part in (value.body, value.test, value.orelse)]
    if any("\n" in part for part in parts):
        return None
    return [parts[0], f"if {parts[1]}", f"else {parts[2]}"]


def _fluent(value: cst.BaseExpression, module: cst.Module) -> Optional[List[str]]:
    """``base``, ``.a(...)``, ``.b(...)``: a chain split before each dot."""
    segments: List[str] = []
    suffix = ""  # a subscript stays on the line of what it subscripts
    node = value
    while True:
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and not node.lpar:
            args = module.code_for_node(node).removeprefix(module.code_for_node(node.func))
            segments.insert(0, f".{node.func.attr.value}{args}{suffix}")
            node, suffix = node.func.value, ""
        elif isinstance(node, cst.Attribute) and not node.lpar:
            segments.insert(0, f".{node.attr.value}{suffix}")
            node, suffix = node.value, ""
        elif isinstance(node, cst.Subscript) and not node.lpar:
            suffix = module.code_for_node(node).removeprefix(module.code_for_node(node.value)) + suffix
            node = node.value
        else:
            break
    if sum(1 for segment in segments if "(" in segment) < 2:
        return None
    return [module.code_for_node(node) + suffix, *segments]


_BRACKETED = (cst.ListComp, cst.SetComp, cst.DictComp, cst.List, cst.Set, cst.Dict)


def _wrap_brackets(statement, small, value: cst.BaseExpression, module: cst.Module, indent: str, limit: int):
    """``[... for ...]``: black puts what is between the brackets on a line of
    its own, or, for a comprehension still too long, each clause on its own."""
    text = module.code_for_node(value)
    inner = text[1:-1].strip()
    if "\n" in inner:
        return statement
    step = module.default_indent
    lines = [inner]
    if len(indent) + len(step) + len(inner) > limit and isinstance(value, (cst.ListComp, cst.SetComp, cst.DictComp)):
        lines = _clauses(value, module)
    try:
        parsed = cst.parse_expression(text[0] + "\n" + "".join(f"{step}{line}\n" for line in lines) + text[-1])
    except cst.ParserSyntaxError:
        return statement
    return statement.with_changes(body=[small.with_changes(value=parsed)])


def _clauses(comprehension, module: cst.Module) -> List[str]:
    """The element, then each ``for`` and ``if`` of a comprehension."""
    if isinstance(comprehension, cst.DictComp):
        lines = [f"{module.code_for_node(comprehension.key)}: {module.code_for_node(comprehension.value)}"]
    else:
        lines = [module.code_for_node(comprehension.elt)]
    clause = comprehension.for_in
    while clause is not None:
        asynchronous = "async " if clause.asynchronous else ""
        lines.append(f"{asynchronous}for {module.code_for_node(clause.target)} in {module.code_for_node(clause.iter)}")
        lines += [f"if {module.code_for_node(condition.test)}" for condition in clause.ifs]
        clause = clause.inner_for_in
    return lines


def _chained_method_calls(value: cst.BaseExpression) -> int:
    """How many attribute accesses follow a closing bracket: ``a.b(x).c(y)`` has one, ``f(x).b(y).c()`` two."""
    count = 0
    node = value
    while True:
        if isinstance(node, cst.Call):
            node = node.func
        elif isinstance(node, cst.Subscript):
            node = node.value
        elif isinstance(node, cst.Attribute):
            if isinstance(node.value, (cst.Call, cst.Subscript)) or node.value.rpar:
                count += 1
            node = node.value
        else:
            return count


def _wrap_tuple(statement, small, value: cst.Tuple, module: cst.Module):
    """``return a, b``: black puts the tuple in parentheses, one item per line."""
    items = _items(list(value.elements), module)
    if items is None or any(isinstance(element, cst.StarredElement) for element in value.elements):
        return statement
    step = module.default_indent
    text = "(\n" + "".join(f"{step}{item},\n" for item in items) + ")"
    try:
        parsed = cst.parse_expression(text)
    except cst.ParserSyntaxError:
        return statement
    return statement.with_changes(body=[small.with_changes(value=parsed)])


def fits(node: cst.CSTNode, module: cst.Module, indent: str, limit: int) -> bool:
    """Whether a statement (or a def's header) was within the limit before the
    fix: a line that was already longer is the author's to split, not ours."""
    if isinstance(node, cst.FunctionDef):
        return all(len(indent) + len(line) <= limit for line in _header_lines(node, module))
    text = module.code_for_node(node.with_changes(leading_lines=())).rstrip("\r\n")
    return all(len(indent) + len(line) <= limit for line in text.splitlines())


def _trailing_call(small: cst.BaseSmallStatement) -> Optional[cst.Call]:
    """The call whose closing bracket ends the statement: black splits there first."""
    value = getattr(small, "value", None)
    return value if isinstance(value, cst.Call) and not value.rpar else None


def _header_lines(function: cst.FunctionDef, module: cst.Module) -> List[str]:
    """The lines of ``def name(params) -> type:``."""
    stub = function.with_changes(leading_lines=(), decorators=(), body=cst.SimpleStatementSuite(body=[cst.Pass()]))
    text = module.code_for_node(stub).rstrip()
    return text[: -len(" pass")].splitlines() if text.endswith(" pass") else text.splitlines()


def _parameter_nodes(params: cst.Parameters) -> List[cst.CSTNode]:
    """The parameters in order, each with its star spelled out (LibCST leaves
    it to the list when generating code for all of them)."""
    nodes: List[cst.CSTNode] = [param.with_changes(star="") for param in params.posonly_params]
    if isinstance(params.posonly_ind, cst.ParamSlash):
        nodes.append(params.posonly_ind)
    nodes += [param.with_changes(star="") for param in params.params]
    if isinstance(params.star_arg, cst.Param):
        nodes.append(params.star_arg.with_changes(star="*"))
    elif isinstance(params.star_arg, cst.ParamStar):
        nodes.append(params.star_arg)
    nodes += [param.with_changes(star="") for param in params.kwonly_params]
    if params.star_kwarg is not None:
        nodes.append(params.star_kwarg.with_changes(star="**"))
    return nodes


def _items(nodes: List[cst.CSTNode], module: cst.Module) -> Optional[List[str]]:
    """Each parameter or argument's own text, without its comma; None when one
    spans lines (a comment or a multi-line string inside: left as it is)."""
    items = []
    for node in nodes:
        if isinstance(node, cst.ParamSlash):
            items.append("/")
            continue
        if isinstance(node, cst.ParamStar):
            items.append("*")
            continue
        changes = {"comma": cst.MaybeSentinel.DEFAULT} if hasattr(node, "comma") else {}
        if isinstance(node, cst.Param):
            changes["whitespace_after_param"] = cst.SimpleWhitespace("")
        elif isinstance(node, cst.Arg):
            changes["whitespace_after_arg"] = cst.SimpleWhitespace("")
        text = module.code_for_node(node.with_changes(**changes)).strip()
        if "\n" in text:
            return None
        items.append(text)
    return items
