"""The floor for ``botolint check``: a bare LibCST parse of the files it has to read.

Finds files exactly as ``botolint check`` does, keeps those whose text can hold
a finding (the ones the core parses), and parses each with LibCST, nothing else.

    python bench/parse_only.py PATHS...
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator, List, Sequence

import libcst as cst

from botolint.discovery import iter_python_files
from botolint.precheck import may_have_findings


def files_to_parse(paths: Sequence[Path]) -> Iterator[bytes]:
    """The bytes of every discovered file that the text pre-check lets through."""
    for path in iter_python_files(paths):
        data = path.read_bytes()
        if may_have_findings(data):
            yield data


def parse_all(paths: Sequence[Path]) -> int:
    parsed = 0
    for data in files_to_parse(paths):
        try:
            cst.parse_module(data)
        except Exception:  # a file LibCST rejects costs what it cost; go on
            pass
        parsed += 1
    return parsed


def main(argv: List[str]) -> int:
    parsed = parse_all([Path(arg) for arg in argv])
    print(f"parsed {parsed} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
