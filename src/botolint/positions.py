"""Line and column of a few nodes, without PositionProvider.

PositionProvider records a range for every node of the module, which costs more
than the parse. Findings are few, so this generates code once, notes where each
wanted node starts, and stops as soon as the last one has been seen.
"""

from __future__ import annotations

from typing import Dict, Iterable, List, Tuple

import libcst as cst
from libcst._nodes.internal import CodegenState

Position = Tuple[int, int]  # 1-based line, 1-based column


class _AllFound(Exception):
    pass


class _PositionState(CodegenState):
    def __init__(self, module: cst.Module, wanted: Iterable[cst.CSTNode]) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.pending = set(wanted)
        self.starts: Dict[cst.CSTNode, Tuple[int, Position]] = {}
        self.positions: Dict[cst.CSTNode, Position] = {}
        self._line, self._column, self._consumed = 1, 1, 0

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


def node_positions(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> Dict[cst.CSTNode, Position]:
    """Where each node's code starts, leading whitespace skipped."""
    state = _PositionState(module, nodes)
    if not state.pending:
        return {}
    try:
        module._codegen(state)
    except _AllFound:
        pass
    return state.positions
