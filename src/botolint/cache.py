"""A content-hash cache of ``botolint check`` results, like ruff's.

An entry holds what one file gave (its reported findings, or the reason it could
not be analyzed) under a key that hashes everything the result depends on: the
file's bytes and path, botolint's version and code, the installed boto3 and
botocore versions, the selected rules and the configuration. Entries are never
updated in place, only replaced, so a stale entry is simply never looked up again. Writes are atomic (a temporary file
renamed over the entry), so concurrent runs and workers cannot leave half a file.
Each entry starts with a digest of the rest: an entry that was edited by hand,
damaged on disk or is unreadable counts as a miss, and is made again (nothing
botolint reads back can be what it never wrote). A cache problem never fails a
run: the cache just stops helping.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

from botolint import __version__
from botolint.config import Config
from botolint.fixes import Applicability
from botolint.rule import Finding
from botolint.writer import write_atomic

DEFAULT_CACHE_DIRECTORY = ".botolint_cache"
# Bumped when the entry format changes.
FORMAT = "5"
_GITIGNORE = "# Created by botolint: the whole directory is a cache.\n*\n"
_CACHEDIR_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# botolint cache; see https://bford.info/cachedir/\n"


@dataclass(frozen=True)
class CachedResult:
    """What a file gave: reported findings (``node`` is None), or an error;
    the module's summary and the project facts its findings depend on."""

    findings: Tuple[Finding, ...] = ()
    error: Optional[str] = None
    summary: Optional[str] = None  # ModuleSummary.to_json()
    dependencies: Tuple = ()  # [(question, answer)], JSON-ready


def default_cache_directory(config: Config) -> Path:
    """``.botolint_cache`` next to the pyproject.toml in use, else in the cwd."""
    root = config.source.parent if config.source is not None else Path.cwd()
    return root / DEFAULT_CACHE_DIRECTORY


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Changes whenever a module of botolint changes (editable installs keep
    their version number while the rules change under them)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*.py")):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def installed_version(distribution: str) -> Optional[str]:
    """The installed version of a distribution, read from its metadata (the
    package itself is never imported: boto3 is slow to import)."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def dependency_versions() -> dict:
    """The versions whose data rules read: AWS401/AWS402 know boto3's
    arguments and botocore's service models."""
    return {name: installed_version(name) for name in ("boto3", "botocore")}


def settings_fingerprint(config: Config, codes: Iterable[str]) -> str:
    """Everything besides the file itself that can change a file's result."""
    settings = {
        "format": FORMAT,
        "version": __version__,
        "code": code_fingerprint(),
        "dependencies": dependency_versions(),
        "rules": sorted(codes),
        "max_file_size": config.max_file_size,
        "per_file_ignores": config.per_file_ignores,
        "settings": config.settings,
    }
    text = json.dumps(settings, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class Cache:
    """Entries of one configuration (``fingerprint``) under ``directory``."""

    def __init__(self, directory: Path, fingerprint: str) -> None:
        self.directory = Path(directory)
        self.fingerprint = fingerprint
        self._writable = True

    @classmethod
    def for_run(cls, directory: Path, config: Config, codes: Iterable[str]) -> "Cache":
        """The cache of a run of the rules with these codes."""
        return cls(directory, settings_fingerprint(config, codes))

    def key(self, path: Path, data: bytes) -> str:
        digest = hashlib.sha256(self.fingerprint.encode())
        digest.update(b"\0" + os.path.abspath(path).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def summary_key(self, data: bytes) -> str:
        """Summaries depend on the file's text only, not on where it is."""
        digest = hashlib.sha256(f"summary:{self.fingerprint}".encode())
        digest.update(data)
        return digest.hexdigest()

    def get_summary(self, data: bytes) -> Optional[str]:
        """The summary stored for ``data``, as text, or None (then it is
        summarised again): one that does not decode is summarised again too."""
        return self._read_at(self._entry(self.summary_key(data)))

    def put_summary(self, data: bytes, summary_json: str) -> None:
        self._write(self.summary_key(data), summary_json)

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / key

    def _index_entry(self, root: Path) -> Path:
        key = hashlib.sha256(f"index:{self.fingerprint}\0{os.path.abspath(root)}".encode()).hexdigest()
        return self.directory / "index" / key

    def get_index(self, root: Path) -> Optional[str]:
        """The text index of the project at ``root`` an earlier run kept
        (botolint.project.index_store), or None."""
        return self._read_at(self._index_entry(root))

    def put_index(self, root: Path, text: str) -> None:
        self._write_at(self._index_entry(root), text)

    def get(self, key: str) -> Optional[CachedResult]:
        text = self._read_at(self._entry(key))
        if text is None:
            return None
        try:
            return _decode(json.loads(text))
        except (ValueError, TypeError, KeyError):
            # Missing, unreadable, truncated or foreign: a miss, rewritten later.
            return None

    def put(self, key: str, result: CachedResult) -> None:
        self._write(key, json.dumps(_encode(result)))

    def _write(self, key: str, text: str) -> None:
        self._write_at(self._entry(key), text)

    def _read_at(self, entry: Path) -> Optional[str]:
        """The text stored at ``entry``, or None: missing, unreadable, or not
        as it was written (its digest does not match)."""
        try:
            with entry.open("r", encoding="utf-8", newline="") as handle:
                sealed = handle.read()
        except (OSError, ValueError):  # ValueError: not UTF-8
            return None
        return unseal(sealed)

    def _write_at(self, entry: Path, text: str) -> None:
        if not self._writable:
            return
        try:
            self._prepare(entry.parent)
            write_atomic(entry, seal(text), durable=False)
        except OSError:
            # Read-only checkout, full disk, ...: stop trying for this run.
            self._writable = False

    def _prepare(self, subdirectory: Path) -> None:
        if subdirectory.is_dir():
            return
        fresh = not self.directory.exists()
        subdirectory.mkdir(parents=True, exist_ok=True)
        if fresh:
            (self.directory / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
            (self.directory / "CACHEDIR.TAG").write_text(_CACHEDIR_TAG, encoding="utf-8")


def seal(text: str) -> str:
    """An entry's text as stored: a digest of ``text``, a newline, ``text``."""
    return f"{_digest(text)}\n{text}"


def unseal(stored: str) -> Optional[str]:
    """The text ``seal`` stored, or None when ``stored`` is not what it wrote."""
    digest, newline, text = stored.partition("\n")
    return text if newline and digest == _digest(text) else None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _encode(result: CachedResult) -> dict:
    return {
        "findings": [
            [f.code, f.message, f.line, f.column, f.applicability.value if f.applicability else None]
            for f in result.findings
        ],
        "error": result.error,
        "summary": result.summary,
        "dependencies": [list(item) for item in result.dependencies],
    }


def _decode(data: dict) -> CachedResult:
    error = data["error"]
    if error is not None and not isinstance(error, str):
        raise TypeError("error must be a string")
    findings: List[Finding] = []
    for code, message, line, column, applicability in data["findings"]:
        if not (isinstance(code, str) and isinstance(message, str) and type(line) is int and type(column) is int):
            raise TypeError("malformed finding")
        fix = Applicability(applicability) if applicability is not None else None
        findings.append(Finding(code, message, line, column, applicability=fix))
    summary = data["summary"]
    if summary is not None and not isinstance(summary, str):
        raise TypeError("summary must be a string")
    dependencies = tuple((question, answer) for question, answer in data["dependencies"])
    return CachedResult(tuple(findings), error, summary, dependencies)

