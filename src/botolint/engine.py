"""The analysis core: parse once, build the semantic model once, run every rule
in one batched pass, and return findings that every front end shares."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Type, Union

import libcst as cst

from botolint.collection import collecting_once
from botolint.config import Config
from botolint.handlers import lambda_handlers
from botolint.objects import Values, module_values
from botolint.parsing import parse
from botolint.project.facts import Facts
from botolint.project.project import SINGLE_MODULE, Project
from botolint.project.summarize import summarize
from botolint.project.summary import ModuleSummary
from botolint.project.view import Dependencies, ProjectView
from botolint.positions import node_positions
from botolint.rule import Context, Finding, Report, Rule, all_rules
from botolint.rules._lifetime import made_once
from botolint.semantic import SemanticModel
from botolint.code_paths import is_script, is_test_path, reports_test_code, script_path_globs, test_path_globs
from botolint.testcode import TestCode
from botolint.workers import module_workers
from botolint.source import SourceError, check_text, read_source

_PYTHON_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass
class FileAnalysis:
    """What one file gave: findings, or the reason it could not be analyzed."""

    path: str
    findings: List[Finding] = field(default_factory=list)
    error: Optional[str] = None
    module: Optional[cst.Module] = None
    semantic: Optional[SemanticModel] = None
    context: Optional[Context] = field(default=None, repr=False)
    source: Union[str, bytes, None] = field(default=None, repr=False)
    # What other modules need of this one, and what its findings depend on of them.
    summary: Optional[ModuleSummary] = field(default=None, repr=False)
    dependencies: Dependencies = field(default_factory=list, repr=False)

    @property
    def values(self) -> Values:
        """The file's value analysis, shared with the rules that built it."""
        return module_values(self.context)

    def release(self) -> None:
        """Let the tree go as soon as the analysis is dropped (see ``SemanticModel.release``)."""
        if self.semantic is not None:
            self.semantic.release()

    def lines(self) -> List[str]:
        """The source's lines, decoded as the parser decoded them, split where
        Python ends a line (str.splitlines would also split at form feeds)."""
        if isinstance(self.source, bytes):
            encoding = self.module.encoding if self.module is not None else "utf-8"
            return _PYTHON_NEWLINE.split(self.source.decode(encoding, errors="replace"))
        return _PYTHON_NEWLINE.split(self.source or "")


# How a file's error begins when botolint itself failed on it (a bug, exit 2).
INTERNAL_ERROR = "internal error"


class RuleFailure(Exception):
    """A rule raised: reported for the file (as a bug to report), never a crash."""


@lru_cache(maxsize=32)
def _dispatch(rules: Tuple[Type[Rule], ...]) -> Dict[type, Tuple[Tuple[int, str], ...]]:
    table: Dict[type, List[Tuple[int, str]]] = {}
    for index, rule in enumerate(rules):
        for node_name in rule.visitors():
            table.setdefault(getattr(cst, node_name), []).append((index, f"visit_{node_name}"))
    return {node_type: tuple(entries) for node_type, entries in table.items()}


def _without_superseded(reports: List[Report]) -> List[Report]:
    by_node: Dict[cst.CSTNode, List[Report]] = {}
    for report in reports:
        by_node.setdefault(report.node, []).append(report)
    kept = []
    for group in by_node.values():
        replaced = {code for report in group for code in report.rule.supersedes}
        kept += [report for report in group if report.rule.code not in replaced]
    return kept


def analyze_source(
    source: Union[str, bytes],
    path: str = "<string>",
    *,
    rules: Optional[Tuple[Type[Rule], ...]] = None,
    config: Optional[Config] = None,
    python_tree: Optional[ast.Module] = None,
    project: Optional[Project] = None,
    reach: bool = True,
    module: Optional[cst.Module] = None,
    facts: Optional[Facts] = None,
) -> FileAnalysis:
    """Run ``rules`` (default: all) over one module's source. ``python_tree``,
    the ``ast`` of the same source when the caller has it (flake8 does), and
    ``module``, its LibCST tree (the codemod has it), save parsing it again.
    ``project`` is the project the file belongs to (default: the file alone);
    with ``reach`` the modules that can reach this one are read too, else only
    what the project already knows counts (a run that will check the answers
    once every module is summarised). ``facts``, when a run has them for all its
    modules, answer instead of facts computed for this module alone (the
    answers are the same)."""
    rules = all_rules() if rules is None else rules
    config = config or Config()
    project = project or Project(None)
    if not project.may_hold_findings(Path(path), source):
        return FileAnalysis(path)
    try:
        check_text(source)
        if module is None:
            module, python_tree = parse(source, python_tree)
        analysis = _run_rules(path, module, python_tree, rules, config, project, reach, facts)
        analysis.source = source
        return analysis
    except (SourceError, RuleFailure) as error:
        return FileAnalysis(path, error=str(error))
    except RecursionError:
        return FileAnalysis(path, error="nested too deeply to analyze")


def analyze_path(
    path: Path,
    *,
    rules: Optional[Tuple[Type[Rule], ...]] = None,
    config: Optional[Config] = None,
    project: Optional[Project] = None,
) -> FileAnalysis:
    config = config or Config()
    try:
        data = read_source(path, config.max_file_size)
    except SourceError as error:
        return FileAnalysis(str(path), error=str(error))
    return analyze_source(data, str(path), rules=rules, config=config, project=project)


def summarize_source(source: Union[str, bytes], path: str, config: Config) -> Optional[ModuleSummary]:
    """What the project layer needs of a module it does not check: its summary,
    or None when it cannot be read (it is then unknown, never guessed)."""
    try:
        with collecting_once():  # the tree is garbage once the call returns
            return _summarize(source, path, config)
    except (SourceError, RecursionError):
        return None
    except Exception:  # a bug in the summary of another module must not end the run
        return None


def _summarize(source: Union[str, bytes], path: str, config: Config) -> ModuleSummary:
    check_text(source)
    module, python_tree = parse(source)
    semantic = SemanticModel(module)
    try:
        return _summary(Context(path, module, semantic, config), python_tree)
    finally:
        semantic.release()


def _summary(ctx: Context, python_tree: Optional[ast.Module]) -> ModuleSummary:
    def lines(nodes):
        positions = node_positions(ctx.module, set(nodes), parents=ctx.semantic.parents, python_tree=python_tree)
        return {node: position[0] for node, position in positions.items()}

    # A test module's `handler(event, context)` is no Lambda entry point of
    # the project: the code it calls does not run per invocation.
    in_tests = is_test_path(ctx.path, test_path_globs(ctx.config))
    handlers = () if in_tests else lambda_handlers(ctx.module, ctx.config)
    return summarize(
        ctx.semantic, module_values(ctx), module_workers(ctx), handlers, lines,
        lambda call, owner: made_once(call, owner, ctx),
    )


def _run_rules(
    path: str, module: cst.Module, python_tree: Optional[ast.Module], rules: Tuple[Type[Rule], ...], config: Config,
    project: Project, reach: bool, facts: Optional[Facts] = None,
) -> FileAnalysis:
    dispatch = _dispatch(rules)
    semantic = SemanticModel(module, frozenset(dispatch))
    ctx = Context(path, module, semantic, config)
    instances = [rule() for rule in rules]
    current = rules[0] if rules else None
    try:
        summary = _summary(ctx, python_tree)
    except RecursionError:
        raise
    except Exception as error:
        raise RuleFailure(f"{INTERNAL_ERROR} in the project summary: {type(error).__name__}: {error}") from error
    name = project.module_name(Path(path)) if path != "<string>" else SINGLE_MODULE
    project.add(name, Path(path) if path != "<string>" else None, summary)
    if facts is None:
        facts = project.facts(project.relevant([name]) if reach else [name])
    view = ProjectView(facts, name, semantic)
    module_values(ctx).resolver = view
    ctx.project = view
    try:
        for node in semantic.collected:
            for index, method in dispatch[type(node)]:
                current = rules[index]
                getattr(instances[index], method)(node, ctx)
        for instance in instances:
            current = type(instance)
            instance.finish(ctx)
    except RecursionError:
        raise
    except Exception as error:  # a bug in a rule must not end the run
        raise RuleFailure(f"{INTERNAL_ERROR} in {current.code}: {type(error).__name__}: {error}") from error
    reports = _without_superseded(ctx.reports)
    if any(not report.rule.in_scripts for report in reports):
        # Script paths match from the project's root, so a project that itself
        # sits under a ``scripts`` directory is no script.
        where = project.layout.relative(Path(path)) if project.layout is not None and path != "<string>" else path
        if is_script(where, script_path_globs(config), path):
            reports = [report for report in reports if report.rule.in_scripts]
    if not reports_test_code(config) and any(not report.rule.in_test_code for report in reports):
        test_code = TestCode(semantic, path, config)
        reports = [report for report in reports if report.rule.in_test_code or not test_code.contains(report.node)]
    positions = node_positions(
        module, {report.node for report in reports}, parents=semantic.parents, python_tree=python_tree
    )
    findings = [
        Finding(
            report.rule.code, report.message, *positions[report.node], node=report.node, fix=report.fix,
            applicability=report.fix.applicability if report.fix is not None else None,
        )
        for report in reports
    ]
    findings.sort(key=lambda finding: finding.sort_key)
    return FileAnalysis(
        path, findings, module=module, semantic=semantic, context=ctx, summary=summary,
        dependencies=view.dependencies(),
    )
