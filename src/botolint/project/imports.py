"""Which modules a file imports, read from its text without parsing it.

Used only to narrow down which modules can reach a given one (the reverse of
the import graph), so it may name more modules than the file really imports,
never fewer: an ``import`` in a docstring only costs a module read in vain.
"""

from __future__ import annotations

import re
from typing import Set

# Both match at the start of a line; each is tried only where the word
# "import" occurs (a fast substring search), never at every line.
_IMPORT = re.compile(rb"[ \t]*import[ \t]+([^\n#;]+)")
_FROM = re.compile(rb"[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)")
_NAME = re.compile(rb"[A-Za-z_][\w.]*")


def imported_names(data: bytes) -> Set[str]:
    """Dotted names a module's imports may refer to: ``import a.b`` gives
    ``a.b``; ``from p import x, y`` gives ``p``, ``p.x`` and ``p.y`` (``x`` may
    be a submodule); relative ones keep their dots."""
    names: Set[str] = set()
    found = data.find(b"import")
    while found != -1:
        line_start = data.rfind(b"\n", 0, found) + 1
        end = found + len(b"import")
        match = _IMPORT.match(data, line_start)
        if match is not None:
            _add_imports(names, match.group(1))
            end = max(end, match.end())
        else:
            match = _FROM.match(data, line_start)
            if match is not None:
                _add_from_imports(names, match.group(1).decode("ascii", "replace"), match.group(2))
                # A match can end before this "import" (one in a comment after
                # the statement): never search backwards.
                end = max(end, match.end())
        found = data.find(b"import", end)
    return names


def _add_imports(names: Set[str], aliases: bytes) -> None:
    for alias in aliases.split(b","):
        found = _NAME.match(alias.strip())
        if found:
            names.add(found.group(0).decode("ascii", "replace"))


def _add_from_imports(names: Set[str], module: str, aliases: bytes) -> None:
    names.add(module)
    separator = "" if module.endswith(".") else "."
    for alias in aliases.strip(b"()").split(b","):
        found = _NAME.match(alias.strip())
        if found and found.group(0) != b"as":
            names.add(f"{module}{separator}{found.group(0).decode('ascii', 'replace')}")
