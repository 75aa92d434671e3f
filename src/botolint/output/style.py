"""Colour for the text output: ``--color auto`` (the default) colours a
terminal unless ``NO_COLOR`` is set to anything non-empty (no-color.org);
``always`` and ``never`` decide regardless."""

from __future__ import annotations

import os
from typing import IO, Mapping, Optional

COLOR_CHOICES = ("auto", "always", "never")

_RESET = "\033[0m"
_BOLD = "1"
_RED = "31"
_GREEN = "32"
_CYAN = "36"


def use_color(choice: str, stream: Optional[IO[str]], environ: Mapping[str, str] = os.environ) -> bool:
    if choice == "always":
        return True
    if choice == "never" or environ.get("NO_COLOR", ""):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Style:
    """Wraps the parts of a text line in ANSI colours, or leaves them alone."""

    def __init__(self, color: bool = False) -> None:
        self.color = color

    def _paint(self, text: str, *codes: str) -> str:
        return f"\033[{';'.join(codes)}m{text}{_RESET}" if self.color else text

    def path(self, text: str) -> str:
        return self._paint(text, _BOLD)

    def punctuation(self, text: str) -> str:
        return self._paint(text, _CYAN)

    def code(self, text: str) -> str:
        return self._paint(text, _BOLD, _RED)

    def fixable(self, text: str) -> str:
        return self._paint(text, _CYAN)

    def caret(self, text: str) -> str:
        return self._paint(text, _RED)

    def summary(self, text: str) -> str:
        return self._paint(text, _BOLD)

    def success(self, text: str) -> str:
        return self._paint(text, _GREEN)
