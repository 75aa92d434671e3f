"""Which modules a file imports, read from its text without parsing it.

Used only to narrow down which modules can reach a given one (the reverse of
the import graph), so it may name more modules than the file really imports,
never fewer: an ``import`` in a docstring only costs a module read in vain.
"""

from __future__ import annotations

import re
from typing import Set

_IMPORT = re.compile(rb"^[ \t]*import[ \t]+([^\n#;]+)", re.MULTILINE)
_FROM = re.compile(rb"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)", re.MULTILINE)
_NAME = re.compile(rb"[A-Za-z_][\w.]*")


def imported_names(data: bytes) -> Set[str]:
    """Dotted names a module's imports may refer to: ``import a.b`` gives
    ``a.b``; ``from p import x, y`` gives ``p``, ``p.x`` and ``p.y`` (``x`` may
    be a submodule); relative ones keep their dots."""
    names: Set[str] = set()
    for match in _IMPORT.finditer(data):
        for alias in match.group(1).split(b","):
            found = _NAME.match(alias.strip())
            if found:
                names.add(found.group(0).decode("ascii", "replace"))
    for match in _FROM.finditer(data):
        module = match.group(1).decode("ascii", "replace")
        names.add(module)
        for alias in match.group(2).strip(b"()").split(b","):
            found = _NAME.match(alias.strip())
            if found and found.group(0) != b"as":
                separator = "" if module.endswith(".") else "."
                names.add(f"{module}{separator}{found.group(0).decode('ascii', 'replace')}")
    return names
