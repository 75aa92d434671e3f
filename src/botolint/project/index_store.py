"""The project index of an earlier run, kept in the result cache.

Knowing which modules import a given one means reading every file of the
project; on a warm run that is most of what is left to do. An entry is reused
while its file's modification time and size are those it was read at (as
ruff's cache does). The list of the project's modules is reused while no
directory the walk looked at (listed or skipped) and no ``.gitignore`` there
or above changed its modification time: adding, removing or renaming a file
changes its directory's. Anything unreadable or malformed is a miss, never an
error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Tuple, Union

if TYPE_CHECKING:
    from botolint.cache import Cache

FORMAT = 3
RECORD_LENGTH = 7  # mtime_ns, size, imports, spawns, handlers, functions, mentions boto3


Stamps = List[list]  # [path, st_mtime_ns or -1 when it does not exist]
Modules = List[Tuple[str, Path]]


def stamps_of(paths: Iterable[Union[Path, str]]) -> Stamps:
    found = []
    for path in paths:
        try:
            found.append([str(path), os.stat(path).st_mtime_ns])
        except OSError:
            found.append([str(path), -1])
    return found


class IndexStore:
    def __init__(self, cache: "Cache", root: Path) -> None:
        self.cache = cache
        self.root = root
        self._data: Optional[dict] = None

    def _read(self) -> dict:
        if self._data is None:
            try:
                data = json.loads(self.cache.get_index(self.root) or "null")
            except ValueError:
                data = None
            valid = isinstance(data, dict) and data.get("format") == FORMAT and isinstance(data.get("files"), dict)
            self._data = data if valid else {}
        return self._data

    def load(self) -> Dict[str, list]:
        files = self._read().get("files", {})
        return {
            path: record for path, record in files.items()
            if isinstance(record, list) and len(record) == RECORD_LENGTH
        }

    def modules(self) -> Optional[Modules]:
        """The modules of the last walk, while the tree it walked is unchanged."""
        tree = self._read().get("tree")
        try:
            stamps, modules = tree["stamps"], tree["modules"]
            if not stamps or stamps_of(path for path, _ in stamps) != stamps:
                return None
            return [(module, Path(path)) for module, path in modules]
        except (TypeError, KeyError, ValueError):
            return None

    def stamps(self) -> Stamps:
        """The stamps of the tree last walked (kept when only files changed)."""
        tree = self._read().get("tree")
        return tree.get("stamps", []) if isinstance(tree, dict) else []

    def save(self, files: Dict[str, list], modules: Modules, stamps: Stamps) -> None:
        tree = {"stamps": stamps, "modules": [[module, str(path)] for module, path in modules]}
        self._data = {"format": FORMAT, "files": files, "tree": tree}
        self.cache.put_index(self.root, json.dumps(self._data, separators=(",", ":")))
