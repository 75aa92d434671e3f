"""The flake8 front end: a thin adapter over the core.

flake8 applies ``noqa``, ``--select``/``--ignore``, formats and ``-j`` itself.
Rule options come from ``[tool.botolint]`` in the nearest pyproject.toml, so
flake8 and ``botolint check`` agree on them.

Results are kept in botolint's content-hash cache (``.botolint_cache`` next to
that pyproject.toml, else in the cwd), so a file flake8 sees again unchanged
costs a hash instead of a parse. ``--botolint-no-cache`` (or
``botolint-no-cache = true`` in flake8's config) turns that off. A cache
problem only ever means a miss: the plugin never fails because of it.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, List, Optional, Tuple

from botolint import __version__
from botolint.precheck import may_have_findings

if TYPE_CHECKING:
    from botolint.cache import Cache
    from botolint.config import Config
    from botolint.rule import Finding
    from botolint.runner import Projects

# flake8 loads this module for every run, on every file: it imports only the
# text pre-check, and the core (LibCST, the rules, boto3's data) the first
# time a file mentions boto3. A test checks that with ``-X importtime``.


@lru_cache(maxsize=1)
def _config() -> Config:
    from botolint.config import Config, ConfigError, load_config

    try:
        return load_config(Path.cwd())
    except ConfigError:
        # flake8 must never fail because of our config; `botolint check` reports it.
        return Config()


@lru_cache(maxsize=1)
def _cache() -> Optional[Cache]:
    from botolint.cache import Cache, default_cache_directory
    from botolint.rule import all_rules

    try:
        config = _config()
        cache = Cache.for_run(default_cache_directory(config), config, all_rules())
    except Exception:  # e.g. an unreadable cwd: run uncached
        return None
    # flake8 applies noqa itself, so its entries hold every finding: never share
    # them with `botolint check`, whose entries hold only the unsuppressed ones.
    cache.fingerprint += ":flake8"
    return cache


class BotolintChecker:
    name = "botolint"
    version = __version__
    use_cache = True

    def __init__(self, tree: ast.AST, filename: str, lines: List[str]) -> None:
        # flake8 parsed the file already: the core reuses the tree instead of
        # parsing it a second time with Python's parser.
        self.tree = tree if isinstance(tree, ast.Module) else None
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, parser) -> None:
        parser.add_option(
            "--botolint-no-cache", action="store_true", parse_from_config=True,
            help="botolint: neither read nor write botolint's result cache",
        )

    @classmethod
    def parse_options(cls, options) -> None:
        cls.use_cache = not getattr(options, "botolint_no_cache", False)

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        # A file we cannot analyze is flake8's to report (E999), never ours to crash on.
        for finding in self._findings("".join(self.lines)):
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)

    def _findings(self, source: str) -> Tuple[Finding, ...]:
        if not may_have_findings(source):
            return ()
        from botolint.cache import CachedResult
        from botolint.runner import still_valid

        cache = _cache() if self.use_cache else None
        path = Path(self.filename)
        project = _projects(self.use_cache).of(path)
        key = None
        if cache is not None:
            try:
                key = cache.key(path, source.encode("utf-8", "surrogatepass"))
                cached = cache.get(key)
                if cached is not None and still_valid(path, cached.summary, cached.dependencies, project):
                    return cached.findings
            except Exception:
                key = None
        findings, summary, dependencies = self._analyze(source, project)
        if key is not None:
            try:
                cache.put(key, CachedResult(findings, None, summary, dependencies))
            except Exception:
                pass
        return findings

    def _analyze(self, source: str, project) -> Tuple[Tuple[Finding, ...], Optional[str], tuple]:
        from botolint.engine import analyze_source
        from botolint.runner import collecting_once

        # flake8's process holds every file's results and tokens: the collector
        # would traverse all of that again and again while LibCST builds a tree.
        with collecting_once():
            analysis = analyze_source(
                source, self.filename, config=_config(), python_tree=self.tree, project=project
            )
            # Positions and messages only: the nodes would keep the tree alive.
            findings = tuple(finding.detached() for finding in analysis.findings)
            summary = analysis.summary.to_json() if analysis.summary is not None else None
            dependencies = tuple(analysis.dependencies)
            del analysis  # unreachable before the collection
        return findings, summary, dependencies


@lru_cache(maxsize=2)
def _projects(use_cache: bool) -> Projects:
    """The projects flake8's files belong to, for this process: other modules
    are summarised once (and kept in the cache unless it is off)."""
    from botolint.runner import Projects

    return Projects(_config(), _cache() if use_cache else None)
