"""Run the reproduction snippets of docs/corpus.md and say which still reproduce.

    python bench/corpus_repros.py                      # with the botolint next to this interpreter
    python bench/corpus_repros.py --botolint PATH      # another commit's

Each ```python block of docs/corpus.md is one case. A line ``# path/to/file.py`` starts a file (a block without
one is ``snippet.py``); ``pkg/`` directories get an empty ``__init__.py``. Annotations in comments say what the
line should get: ``# AWS302 (fp)`` a false positive botolint reports today, ``# AWS101 (tp)`` a finding that is
right, ``# AWS201 expected`` a miss. Each case is written to a temporary directory with a ``pyproject.toml`` and
checked there with ``botolint check --no-cache --format json .``.

Per annotation it prints ``still``/``fixed`` (fp: reported / not reported), ``ok``/``LOST`` (tp) and
``missed``/``FOUND`` (expected), so a rule owner sees which entries of the list are done. Exit status 0 always:
this tracks work, it does not gate it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

DOC = Path(__file__).resolve().parent.parent / "docs" / "corpus.md"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```python[ \t]*$")
_FILE = re.compile(r"^# (?P<path>[\w./-]+\.py)[ \t]*$")
_ANNOTATION = re.compile(r"\b(?P<code>AWS\d{3})\s+(?:\((?P<verdict>fp|tp)\b|(?P<expected>expected)\b)")


@dataclass
class Expectation:
    path: str
    line: int
    code: str
    kind: str  # "fp", "tp" or "expected"


@dataclass
class Case:
    heading: str
    files: Dict[str, str] = field(default_factory=dict)
    expectations: List[Expectation] = field(default_factory=list)


def _annotations(line: str) -> List[Tuple[str, str]]:
    if "#" not in line:
        return []
    comment = line[line.index("#"):]
    return [(m["code"], m["verdict"] or "expected") for m in _ANNOTATION.finditer(comment)]


def parse(text: str) -> List[Case]:
    cases: List[Case] = []
    heading = ""
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        fence = _FENCE.match(line)
        index += 1
        if not fence:
            continue
        body = []
        while index < len(lines) and lines[index].strip() != "```":
            body.append(lines[index])
            index += 1
        index += 1
        block = textwrap.dedent("\n".join(body)).splitlines()
        case = Case(heading)
        current = "snippet.py"
        content: Dict[str, List[str]] = {}
        for row in block:
            start = _FILE.match(row)
            if start:
                current = start["path"]
                content.setdefault(current, [])
                continue
            content.setdefault(current, []).append(row)
            for code, kind in _annotations(row):
                case.expectations.append(Expectation(current, len(content[current]), code, kind))
        case.files = {path: "\n".join(rows).strip("\n") + "\n" for path, rows in content.items() if any(rows)}
        if case.expectations:
            cases.append(case)
    return cases


def write(case: Case, root: Path) -> None:
    (root / "pyproject.toml").write_text('[project]\nname = "repro"\n')
    for path, text in case.files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        for parent in target.relative_to(root).parents:
            if parent.parts and parent.parts[0] == "pkg":
                init = root / parent / "__init__.py"
                if not init.exists():
                    init.write_text("")


def check(botolint: str, root: Path) -> List[Tuple[str, int, str]]:
    completed = subprocess.run([botolint, "check", "--no-cache", "--format", "json", "."], cwd=root,
                               capture_output=True, text=True)
    if completed.returncode not in (0, 1):
        raise RuntimeError(completed.stderr[-2000:])
    return [(item["path"].removeprefix("./"), int(item["line"]), item["code"])
            for item in json.loads(completed.stdout or "[]")]


def outcome(kind: str, reported: bool) -> str:
    return {("fp", True): "still", ("fp", False): "fixed", ("tp", True): "ok", ("tp", False): "LOST",
            ("expected", True): "FOUND", ("expected", False): "missed"}[(kind, reported)]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--botolint", default=str(Path(sys.executable).with_name("botolint")))
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args(argv)
    for case in parse(args.doc.read_text()):
        with tempfile.TemporaryDirectory(prefix="botolint-repro-") as tmp:
            root = Path(tmp)
            write(case, root)
            found = set(check(args.botolint, root))
        print(case.heading)
        for e in case.expectations:
            print(f"  {outcome(e.kind, (e.path, e.line, e.code) in found):7} {e.code} ({e.kind}) {e.path}:{e.line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
