"""The project index of an earlier run, kept in the result cache.

Knowing which modules import a given one means reading every file of the
project; on a warm run that is most of what is left to do. An entry is reused
while its file's modification time and size are those it was read at (as
ruff's cache does); anything unreadable or malformed is a miss, never an error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Dict

if TYPE_CHECKING:
    from botolint.cache import Cache

FORMAT = 1
RECORD_LENGTH = 6  # mtime_ns, size, imports, spawns, handlers, functions


class IndexStore:
    def __init__(self, cache: "Cache", root: Path) -> None:
        self.cache = cache
        self.root = root

    def load(self) -> Dict[str, list]:
        try:
            data = json.loads(self.cache.get_index(self.root) or "null")
        except ValueError:
            return {}
        if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("files"), dict):
            return {}
        return {
            path: record for path, record in data["files"].items()
            if isinstance(record, list) and len(record) == RECORD_LENGTH
        }

    def save(self, files: Dict[str, list]) -> None:
        self.cache.put_index(self.root, json.dumps({"format": FORMAT, "files": files}, separators=(",", ":")))
