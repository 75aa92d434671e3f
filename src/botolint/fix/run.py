"""One ``botolint fix`` run over many files: analyze, plan, propagate, rewrite."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Sequence, Tuple, Type


from botolint.config import Config
from botolint.discovery import iter_python_files
from botolint.engine import analyze_path
from botolint.fix.model import FilePlan, Leftover
from botolint.fix.options import FixOptions
from botolint.fix.plan import plan_file
from botolint.fix.propagate import Project, propagate
from botolint.fix.rewrite import RewriteError, rewritten_source
from botolint.noqa import unsuppressed
from botolint.positions import node_positions
from botolint.rule import Rule
from botolint.project.projects import Projects
from botolint.writer import write_atomic


@dataclass(frozen=True)
class ChangedFunction:
    line: int
    name: str
    param: str
    added: bool  # False when an existing parameter is used
    calls: int


@dataclass(frozen=True)
class PassedSession:
    line: int
    callee: str
    keyword: str
    value: str


@dataclass
class FileResult:
    path: str
    original: Optional[bytes] = None
    new: Optional[bytes] = None
    functions: List[ChangedFunction] = field(default_factory=list)
    passes: List[PassedSession] = field(default_factory=list)
    left: List[Leftover] = field(default_factory=list)
    # What else the fix did, e.g. an unsafe fix's summary: (line, text).
    notes: List[Tuple[int, str]] = field(default_factory=list)
    error: Optional[str] = None
    encoding: str = "utf-8"

    @property
    def changed(self) -> bool:
        return self.new is not None and self.new != self.original


def fix_paths(
    paths: Sequence[Path], config: Config, rules: Tuple[Type[Rule], ...], options: FixOptions
) -> List[FileResult]:
    """Plan and rewrite every file under ``paths`` (nothing is written here)."""
    plans: List[FilePlan] = []
    results: List[FileResult] = []
    seen = set()
    projects = Projects(config, None)  # the same facts as check, about the same files
    for path in iter_python_files(paths, config.exclude):
        identity = _identity(path)
        if identity in seen:  # named twice (or a directory and a file in it)
            continue
        seen.add(identity)
        analysis = analyze_path(path, rules=rules, config=config, project=projects.of(path))
        if analysis.error is not None:
            results.append(FileResult(str(path), error=analysis.error))
            continue
        if analysis.module is not None:  # None: the file never mentions boto3
            plans.append(plan_file(analysis, unsuppressed(analysis), options))
    roots = [path for path in paths if path.is_dir()] + [Path.cwd()]
    propagate(Project(plans, roots, options))
    results += [rewrite_plan(plan) for plan in plans]
    results.sort(key=lambda result: result.path)
    return results


def rewrite_plan(plan: FilePlan) -> FileResult:
    source = plan.analysis.source
    original = source.encode("utf-8") if isinstance(source, str) else source
    result = FileResult(plan.path, original=original, left=list(plan.left), encoding=plan.analysis.module.encoding)
    try:
        result.new = rewritten_source(plan)
    except RewriteError as error:
        result.error = str(error)
        return result
    except Exception as error:  # a bug here must cost one file, not the run
        result.error = f"could not rewrite: {type(error).__name__}: {error}"
        return result
    if result.new is not None:
        _describe(plan, result)
    return result


def _describe(plan: FilePlan, result: FileResult) -> None:
    module = plan.analysis.module
    names = [fix.node.name for fix in plan.fixes.values()]
    positions = node_positions(module, [*names, *plan.passes, *(node for node, _ in plan.notes)])
    for fix in plan.fixes.values():
        line = positions[fix.node.name][0]
        result.functions.append(ChangedFunction(line, fix.qualname, fix.param.name, fix.adds_param, fix.calls))
    for call, (keyword, value) in sorted(plan.passes.items(), key=lambda item: positions[item[0]]):
        callee = module.code_for_node(call.func)
        result.passes.append(PassedSession(positions[call][0], callee, keyword, value))
    result.notes = [(positions[node][0], text) for node, text in plan.notes]
    result.functions.sort(key=lambda item: item.line)


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop: analysis reports it
        return path.absolute()


def write_result(result: FileResult) -> None:
    """Write a changed file; an OSError (read-only file, full disk) becomes the
    result's error and the file is left as it was."""
    if not result.changed:
        return
    try:
        write_atomic(result.path, result.new)
    except OSError as error:
        result.error = f"cannot write: {error.strerror or error} (file left unchanged)"
        result.new = None





