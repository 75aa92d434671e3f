"""Line and column of a few nodes, without PositionProvider.

PositionProvider records a range for every node of the module, which costs more
than the parse. Findings are few, so this generates code, notes where each
wanted node starts, and stops as soon as the last one has been seen. With
Python's ``ast`` of the same source at hand, it starts each top-level statement
at the line ``ast`` gives it and generates only the statements that hold
findings, each up to its last finding.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from typing import Dict, Iterable, Mapping, Optional, Set, Tuple

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
    starts = _statement_start_lines(module, python_tree) if python_tree is not None else None
    by_statement = _by_top_level_statement(module, wanted, parents) if starts is not None and parents else None
    if by_statement is None:
        return _generate(module, module, wanted, 1)
    positions: Dict[cst.CSTNode, Position] = {}
    for statement, targets in by_statement.items():
        positions.update(_generate(module, statement, targets, starts[statement]))
    return positions


def _generate(
    module: cst.Module, root: cst.CSTNode, wanted: Set[cst.CSTNode], start_line: int
) -> Dict[cst.CSTNode, Position]:
    state = _PositionState(module, wanted, start_line)
    try:
        root._codegen(state)
    except _AllFound:
        pass
    return state.positions


def _statement_start_lines(module: cst.Module, tree: ast.Module) -> Optional[Dict[cst.CSTNode, int]]:
    """The line where each top-level statement's code (its leading comments and
    blank lines included) starts, or None if the two trees disagree."""
    starts: Dict[cst.CSTNode, int] = {}
    body = tree.body
    index = 0
    for statement in module.body:
        if index >= len(body):
            return None
        first = body[index]
        line = min([first.lineno, *(d.lineno for d in getattr(first, "decorator_list", ()))])
        starts[statement] = line - len(getattr(statement, "leading_lines", ()))
        # `a = 1; b = 2` is one line to LibCST and two statements to ast.
        index += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
    return starts if index == len(body) else None


def _by_top_level_statement(
    module: cst.Module, wanted: Set[cst.CSTNode], parents: Mapping[cst.CSTNode, Optional[cst.CSTNode]]
) -> Optional[Dict[cst.CSTNode, Set[cst.CSTNode]]]:
    groups: Dict[cst.CSTNode, Set[cst.CSTNode]] = defaultdict(set)
    for node in wanted:
        statement = node
        while True:
            if statement not in parents:
                return None
            parent = parents[statement]
            if parent is module:
                break
            statement = parent
        groups[statement].add(node)
    return groups
