"""Line and column of a few nodes, without PositionProvider.

PositionProvider records a range for every node of the module, which costs more
than the parse. Findings are few, so this generates code, notes where each
wanted node starts, and stops as soon as the last one has been seen. With
Python's ``ast`` of the same source at hand, it starts each statement at the
line ``ast`` gives it, with the indentation of the blocks around it, and
generates only the innermost statements of function and class bodies that hold
the nodes, each up to its last one.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from typing import Dict, Iterable, Mapping, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

Position = Tuple[int, int]  # 1-based line, 1-based column


class _AllFound(Exception):
    pass


class _PositionState(CodegenState):
    def __init__(self, module: cst.Module, wanted: Iterable[cst.CSTNode], start_line: int = 1) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.pending = set(wanted)
        self.starts: Dict[cst.CSTNode, Tuple[int, Position]] = {}
        self.positions: Dict[cst.CSTNode, Position] = {}
        self._line, self._column, self._consumed = start_line, 1, 0

    def _advance(self) -> Position:
        text = "".join(self.tokens[self._consumed :])
        self._consumed = len(self.tokens)
        self._line, self._column = _move((self._line, self._column), text)
        return self._line, self._column

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self.pending:
            self.starts[node] = (len(self.tokens), self._advance())

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop(node, None)
        if start is None:
            return
        first_token, position = start
        own_text = "".join(self.tokens[first_token:])
        leading = own_text[: len(own_text) - len(own_text.lstrip())]
        self.positions[node] = _move(position, leading)
        self.pending.discard(node)
        if not self.pending:
            raise _AllFound


def _move(position: Position, text: str) -> Position:
    line, column = position
    # Python ends lines with \n, \r\n or a lone \r (old Mac files); a token
    # never splits a \r\n, so counting within ``text`` is exact.
    newlines = text.count("\n") + text.count("\r") - text.count("\r\n")
    if newlines:
        return line + newlines, len(text) - max(text.rfind("\n"), text.rfind("\r"))
    return line, column + len(text)


def node_positions(
    module: cst.Module,
    nodes: Iterable[cst.CSTNode],
    *,
    parents: Optional[Mapping[cst.CSTNode, Optional[cst.CSTNode]]] = None,
    python_tree: Optional[ast.Module] = None,
) -> Dict[cst.CSTNode, Position]:
    """Where each node's code starts, leading whitespace skipped. ``parents``
    and ``python_tree`` (optional) let it generate only the statements it needs."""
    wanted = set(nodes)
    if not wanted:
        return {}
    starts = _statement_starts(module, python_tree) if python_tree is not None and parents else None
    by_statement = _by_innermost_statement(wanted, starts, parents) if starts is not None and parents else None
    if starts is None or by_statement is None:
        return _generate(module, module, wanted, 1)
    positions: Dict[cst.CSTNode, Position] = {}
    for statement, targets in by_statement.items():
        line, indents = starts[statement]
        positions.update(_generate(module, statement, targets, line, indents))
    return positions


def _generate(
    module: cst.Module, root: cst.CSTNode, wanted: Set[cst.CSTNode], start_line: int, indents: Tuple[str, ...] = ()
) -> Dict[cst.CSTNode, Position]:
    state = _PositionState(module, wanted, start_line)
    state.indent_tokens = list(indents)  # what the blocks around ``root`` would have pushed
    try:
        root._codegen(state)
    except _AllFound:
        pass
    return state.positions


# A statement's first line (its leading comments and blank lines included),
# and the indentation of the blocks it is in.
StatementStart = Tuple[int, Tuple[str, ...]]


def _statement_starts(module: cst.Module, tree: ast.Module) -> Optional[Dict[cst.CSTNode, StatementStart]]:
    """Where each top-level statement starts, and each statement of the bodies
    of the functions and classes in them, or None if the two trees disagree at
    the top level (a body where they disagree is left out: its statements are
    generated with the statement around them)."""
    starts: Dict[cst.CSTNode, StatementStart] = {}
    return starts if _match_body(module, module.body, tree.body, (), starts) else None


def _match_body(
    module: cst.Module, statements: Sequence[cst.CSTNode], body: Sequence[ast.stmt], indents: Tuple[str, ...],
    starts: Dict[cst.CSTNode, StatementStart],
) -> bool:
    index = 0
    for statement in statements:
        if index >= len(body):
            return False
        first = body[index]
        line = min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", ()))])
        starts[statement] = (line - len(getattr(statement, "leading_lines", ())), indents)
        block = getattr(statement, "body", None)
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)) and isinstance(block, cst.IndentedBlock):
            inner: Dict[cst.CSTNode, StatementStart] = {}
            indent = module.default_indent if block.indent is None else block.indent
            if _match_body(module, block.body, getattr(first, "body", ()), indents + (indent,), inner):
                starts.update(inner)
        # `a = 1; b = 2` is one line to LibCST and two statements to ast.
        index += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
    return index == len(body)


def _by_innermost_statement(
    wanted: Set[cst.CSTNode], starts: Mapping[cst.CSTNode, StatementStart],
    parents: Mapping[cst.CSTNode, Optional[cst.CSTNode]],
) -> Optional[Dict[cst.CSTNode, Set[cst.CSTNode]]]:
    groups: Dict[cst.CSTNode, Set[cst.CSTNode]] = defaultdict(set)
    for node in wanted:
        statement = node
        while statement not in starts:
            parent = parents.get(statement)
            if parent is None:
                return None
            statement = parent
        groups[statement].add(node)
    return groups
