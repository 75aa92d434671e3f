"""The flake8 front end: a thin adapter over the core.

flake8 applies ``noqa``, ``--select``/``--ignore``, ``per-file-ignores``,
formats and ``-j`` itself. The plugin runs the rules flake8 selects (so that
which rule supersedes which, AWS203 over AWS101, is the same as in ``botolint
check`` with that selection) and reads rule options from the configuration
``botolint.settings`` finds for each file: the nearest pyproject.toml with a
``[tool.botolint]`` table above it, validated as strictly as ``check`` does (a
bad table fails the flake8 run with botolint's message). A file with a
``# botolint: noqa`` line gives nothing (flake8 reads ``# flake8: noqa``).

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
from typing import TYPE_CHECKING, FrozenSet, Iterator, List, Optional, Tuple, Type

from botolint import __version__
from botolint.catalog import rule_entries
from botolint.noqa import BOTOLINT_NOQA_FILE, file_is_ignored
from botolint.precheck import may_have_findings

if TYPE_CHECKING:
    from botolint.cache import Cache
    from botolint.config import Config
    from botolint.rule import Finding, Rule
    from botolint.project.projects import Projects

    Rules = Tuple[Type[Rule], ...]

# flake8 loads this module for every run, on every file: it imports only the
# text pre-check and the rule catalog (read from source), the project index
# for a file that may use another module's boto3 objects, and the core
# (LibCST, the rules, boto3's data) the first time a file may hold findings. A
# test checks that through the modules a flake8 run leaves imported.


@lru_cache(maxsize=None)
def _config(directory: Path) -> Config:
    """The configuration of the files of ``directory`` (ConfigError when it is bad)."""
    from botolint.settings import Resolver

    return Resolver().config_for(directory)


@lru_cache(maxsize=None)
def _cache(source: Optional[Path], codes: FrozenSet[str]) -> Optional[Cache]:
    from botolint.cache import Cache, default_cache_directory

    try:
        config = _config(source.parent) if source is not None else _config(Path.cwd())
        cache = Cache.for_run(default_cache_directory(config), config, codes)
    except Exception:  # e.g. an unreadable cwd: run uncached
        return None
    # flake8 applies noqa itself, so its entries hold every finding: never share
    # them with `botolint check`, whose entries hold only the unsuppressed ones.
    cache.fingerprint += ":flake8"
    return cache


ALL_CODES = frozenset(entry.code for entry in rule_entries())


def _enabled_codes(options) -> FrozenSet[str]:
    """The codes flake8 reports with these options (all of them without options)."""
    try:
        from flake8.style_guide import Decision, DecisionEngine

        engine = DecisionEngine(options)
        return frozenset(code for code in ALL_CODES if engine.decision_for(code) is Decision.Selected)
    except (AttributeError, TypeError, ImportError):  # not flake8's options
        return ALL_CODES


@lru_cache(maxsize=None)
def _rules(codes: FrozenSet[str]) -> Rules:
    from botolint.rule import all_rules

    return tuple(rule for rule in all_rules() if rule.code in codes)


class BotolintChecker:
    name = "botolint"
    version = __version__
    use_cache = True
    codes: FrozenSet[str] = ALL_CODES

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
        cls.codes = _enabled_codes(options)

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        # A file we cannot analyze is flake8's to report (E999), never ours to crash on.
        for finding in self._findings("".join(self.lines)):
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)

    def _findings(self, source: str) -> Tuple[Finding, ...]:
        if not self.codes or file_is_ignored(self.lines, (BOTOLINT_NOQA_FILE,)):
            return ()
        path = Path(self.filename)
        config = _config(Path(path).absolute().parent)
        # A file that never says boto3 asks a few imported modules' texts: no cache needed for that.
        if not may_have_findings(source) and not _projects(config.source, False).of(path).may_hold_findings(
            path, source
        ):
            return ()
        from botolint.cache import CachedResult
        from botolint.project.projects import still_valid

        project = _projects(config.source, self.use_cache).of(path)
        cache = _cache(config.source, self.codes) if self.use_cache else None
        key = None
        if cache is not None:
            try:
                key = cache.key(path, source.encode("utf-8", "surrogatepass"))
                cached = cache.get(key)
                if cached is not None and still_valid(path, cached.summary, cached.dependencies, project):
                    return cached.findings
            except Exception:
                key = None
        # Only now are the rules (and LibCST) needed: a warm cache answers without them.
        findings, summary, dependencies = self._analyze(source, project, config, _rules(self.codes))
        if key is not None:
            try:
                cache.put(key, CachedResult(findings, None, summary, dependencies))
            except Exception:
                pass
        return findings

    def _analyze(
        self, source: str, project, config: Config, rules: Rules
    ) -> Tuple[Tuple[Finding, ...], Optional[str], tuple]:
        from botolint.engine import analyze_source
        from botolint.collection import collecting_once

        # flake8's process holds every file's results and tokens: the collector
        # would traverse all of that again and again while LibCST builds a tree.
        with collecting_once():
            analysis = analyze_source(
                source, self.filename, rules=rules, config=config, python_tree=self.tree, project=project
            )
            # Positions and messages only: the nodes would keep the tree alive.
            findings = tuple(finding.detached() for finding in analysis.findings)
            summary = analysis.summary.to_json() if analysis.summary is not None else None
            dependencies = tuple(analysis.dependencies)
            analysis.release()
            del analysis  # freed before the collection, which then has little to traverse
        return findings, summary, dependencies


@lru_cache(maxsize=None)
def _projects(source: Optional[Path], use_cache: bool) -> Projects:
    """The projects flake8's files of one configuration belong to, for this
    process: other modules are summarised once (and kept in the cache unless it is off)."""
    from botolint.project.projects import Projects

    config = _config(source.parent) if source is not None else _config(Path.cwd())
    return Projects(config, _cache(source, BotolintChecker.codes) if use_cache else None)
