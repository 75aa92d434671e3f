"""Running the core over many files for ``botolint check``.

``check_paths`` gives only what ``check`` prints, which is small enough to
cache and to send between processes (``fix`` needs each file's tree and calls
the engine itself): it looks each file up in the cache, analyzes the rest (in
worker processes with ``jobs > 1``), and yields results in discovery order.
"""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, Tuple, Type

from botolint.cache import Cache, CachedResult
from botolint.config import Config
from botolint.discovery import iter_python_files
from botolint.engine import INTERNAL_ERROR, analyze_source
from botolint.noqa import unsuppressed
from botolint.precheck import may_have_findings
from botolint.rule import Finding, Rule
from botolint.source import SourceError, read_source

# A worker process costs tens of milliseconds to start (more where processes
# are spawned rather than forked): below this many files to parse per worker,
# parsing them in this process is faster.
MIN_FILES_PER_WORKER = 8
# Files handed to a worker at a time: large enough to amortize the messages,
# small enough to keep both workers busy until the end.
CHUNK_SIZE = 4


@dataclass(frozen=True)
class FileReport:
    """What ``check`` reports for one file: the findings no ``noqa`` silences
    (their ``node`` is None), or why the file could not be analyzed."""

    path: str
    findings: Tuple[Finding, ...] = field(default=())
    error: Optional[str] = None


def check_paths(
    paths: Sequence[Path],
    config: Config,
    rules: Tuple[Type[Rule], ...],
    *,
    cache: Optional[Cache] = None,
    jobs: int = 1,
) -> Iterator[FileReport]:
    """One report per discovered file, in discovery (sorted) order, whatever ``jobs`` is."""
    files = list(iter_python_files(paths, config.exclude))
    # First pass, in this process: reading and hashing is cheap, and tells which
    # files are answered already (cached, or not mentioning boto3 at all).
    ready: List[Optional[FileReport]] = [_answer_without_parsing(path, config, rules, cache) for path in files]
    to_parse = [path for path, report in zip(files, ready) if report is None]
    workers = _worker_count(jobs, len(to_parse))
    parsed = _analyze_all(to_parse, config, rules, cache, workers)
    for report in ready:
        yield report if report is not None else next(parsed)


def _answer_without_parsing(
    path: Path, config: Config, rules: Tuple[Type[Rule], ...], cache: Optional[Cache]
) -> Optional[FileReport]:
    try:
        data = read_source(path, config.max_file_size)
    except SourceError as error:
        return FileReport(str(path), error=str(error))
    if not may_have_findings(data):
        return FileReport(str(path))
    if cache is not None:
        cached = cache.get(cache.key(path, data))
        if cached is not None:
            return FileReport(str(path), cached.findings, cached.error)
    return None


def _worker_count(jobs: int, files: int) -> int:
    wanted = jobs if jobs > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, files // MIN_FILES_PER_WORKER))


def _analyze_all(
    paths: List[Path], config: Config, rules: Tuple[Type[Rule], ...], cache: Optional[Cache], workers: int
) -> Iterator[FileReport]:
    if workers <= 1:
        for path in paths:
            yield analyze_for_report(path, config, rules, cache)
        return
    # map hands out chunks and yields results in order as they arrive. A worker
    # that dies (a native crash) breaks the pool: the first file without a
    # result is then analyzed alone, to blame it or clear it, and a new pool
    # takes the rest, so one bad file never hangs or ends the run.
    pending = list(paths)
    while pending:
        done = 0
        try:
            with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(config, rules, cache)) as pool:
                for report in pool.map(_analyze_in_worker, pending, chunksize=CHUNK_SIZE):
                    yield report
                    done += 1
            return
        except BrokenProcessPool:
            suspect, pending = pending[done], pending[done + 1 :]
            yield _analyze_alone(suspect, config, rules, cache)


def _analyze_alone(path: Path, config: Config, rules: Tuple[Type[Rule], ...], cache: Optional[Cache]) -> FileReport:
    try:
        with ProcessPoolExecutor(1, initializer=_init_worker, initargs=(config, rules, cache)) as pool:
            return pool.submit(_analyze_in_worker, path).result()
    except BrokenProcessPool:
        return FileReport(str(path), error=f"{INTERNAL_ERROR}: analyzing this file killed the worker process")


@contextmanager
def collecting_once():
    """Pause the cyclic garbage collector while one file is analyzed, then
    collect once. A LibCST tree is hundreds of thousands of young objects, and
    the semantic model's scopes and bindings make it cyclic garbage once the
    file is done: left alone, the collector traverses the growing tree many
    times while it is built (about 15% of the analysis time, more in a big
    process such as flake8's) and frees it only later. Memory still peaks at
    one file's worth."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


def analyze_for_report(
    path: Path, config: Config, rules: Tuple[Type[Rule], ...], cache: Optional[Cache] = None
) -> FileReport:
    """Analyze one file, apply ``noqa``, and remember the result in ``cache``."""
    try:
        data = read_source(path, config.max_file_size)
    except SourceError as error:
        return FileReport(str(path), error=str(error))
    with collecting_once():
        analysis = analyze_source(data, str(path), rules=rules, config=config)
        findings = tuple(finding.detached() for finding in unsuppressed(analysis))
        error = analysis.error
        del analysis  # unreachable before the collection
    if cache is not None and may_have_findings(data):
        cache.put(cache.key(path, data), CachedResult(findings, error))
    return FileReport(str(path), findings, error)


_worker_state: Tuple = ()


def _init_worker(config: Config, rules: Tuple[Type[Rule], ...], cache: Optional[Cache]) -> None:
    global _worker_state
    _worker_state = (config, rules, cache)


def _analyze_in_worker(path: Path) -> FileReport:
    config, rules, cache = _worker_state
    return analyze_for_report(path, config, rules, cache)
