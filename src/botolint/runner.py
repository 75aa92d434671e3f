"""Running the core over many files for ``botolint check``.

``check_paths`` gives only what ``check`` prints, which is small enough to
cache and to send between processes (``fix`` needs each file's tree and calls
the engine itself): it looks each file up in the cache, analyzes the rest (in
worker processes with ``jobs > 1``), and yields results in discovery order.
Files analyzed in worker processes know only their own module; the settle
step then checks their answers against the run's facts (see ``_settle``).
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Type, Union

from botolint.cache import Cache, CachedResult
from botolint.collection import collecting_once, gathering_without_collecting
from botolint.config import Config
from botolint.project.facts import Facts
from botolint.project.projects import Projects, all_still_valid
from botolint.project.project import Project
from botolint.project.summary import ModuleSummary
from botolint.project.view import ProjectView
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
    (their ``node`` is None), or why the file could not be analyzed. A report
    made before every module of the run was summarised also carries the
    module's summary and the project facts its findings depend on."""

    path: str
    findings: Tuple[Finding, ...] = field(default=())
    error: Optional[str] = None
    summary: Optional[ModuleSummary] = field(default=None, compare=False, repr=False)
    dependencies: Tuple = field(default=(), compare=False, repr=False)


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
    projects = Projects(config, cache)
    ready: List[Optional[FileReport]] = []
    to_parse = _first_pass(files, config, cache, projects, ready)
    # Enough files to keep every worker busy start them; the first pass goes
    # on while they analyze what it has found so far.
    wanted = jobs if jobs > 0 else (os.cpu_count() or 1)
    found = list(itertools.islice(to_parse, wanted * MIN_FILES_PER_WORKER))
    workers = _worker_count(jobs, len(found))
    if len(found) <= 1:
        parsed: Iterator[FileReport] = (
            analyze_for_report(path, config, rules, cache, projects.of(path)) for path in found
        )
    else:
        # Each file is parsed once, knowing its own module; the answers its
        # findings depend on are checked once every module is summarised.
        everything = itertools.chain(found, to_parse)
        if workers > 1:
            results = _in_workers(_tasks(everything, projects), config, rules, cache, workers)
            first = _reports_keeping_summaries(results, projects)
        else:
            first = (
                analyze_for_report(path, config, rules, cache, projects.alone(path), reach=False)
                for path in everything
            )
        parsed = _settle(first, config, rules, cache, projects, jobs)
    # The cached results the project no longer bears out come last: reports go out in discovery order.
    by_path = {report.path: report for report in parsed}
    for path, report in zip(files, ready):
        yield report if report is not None else by_path[str(path)]


def _first_pass(
    files: List[Path], config: Config, cache: Optional[Cache], projects: Projects, ready: List[Optional[FileReport]]
) -> Iterator[Path]:
    """The files to analyze, each as it is found: those whose text says boto3
    first, then those that may use what other modules make, then the cached
    results that no longer hold. Reading and hashing is cheap, and tells which
    files are answered already (cached and still valid, or not mentioning
    boto3 at all): their reports fill ``ready``, the others leave None there."""
    answers: List[Union[FileReport, CachedResult, None]] = []
    silent: List[int] = []  # files whose text never says boto3
    for index, path in enumerate(files):
        answer = _answer_without_parsing(path, config, cache, projects, ask_the_project=False)
        answers.append(answer)
        if answer is None:
            yield path
        elif answer is _ASK_THE_PROJECT:
            silent.append(index)
    # Whether such a file can use another module's objects needs the index of
    # every module: it is built while the workers start on the files above.
    # Each such file is read again (from the page cache), not kept: memory stays flat.
    for index in silent:
        answers[index] = _answer_without_parsing(files[index], config, cache, projects, ask_the_project=True)
        if answers[index] is None:
            yield files[index]
    ready[:] = _answered_from_cache(files, answers, projects)
    for path, answer, report in zip(files, answers, ready):
        if isinstance(answer, CachedResult) and report is None:
            yield path


# The answer for a file whose text never says boto3, until the project is asked.
_ASK_THE_PROJECT = FileReport("")


def _answer_without_parsing(
    path: Path, config: Config, cache: Optional[Cache], projects: Projects, ask_the_project: bool
) -> Union[FileReport, CachedResult, None]:
    """The report of a file that needs no analysis, or its cached result
    (still to be checked against the project), or None. Without
    ``ask_the_project``, a file whose text never says boto3 is answered
    ``_ASK_THE_PROJECT``."""
    try:
        data = read_source(path, config.max_file_size)
    except SourceError as error:
        return FileReport(str(path), error=str(error))
    if not ask_the_project:
        projects.of(path).index.note(path, data)
    if not may_have_findings(data):
        if not ask_the_project:
            return _ASK_THE_PROJECT
        if not projects.of(path).uses_objects_of_others(path, data):
            return FileReport(str(path))
    return cache.get(cache.key(path, data)) if cache is not None else None


def _answered_from_cache(
    files: List[Path], answers: List[Union[FileReport, CachedResult, None]], projects: Projects
) -> List[Optional[FileReport]]:
    """The reports that need no analysis: a cached result counts while the
    answers its findings depend on hold, checked for all of a project's files
    at once (one computation of its facts, not one per file)."""
    ready = [answer if isinstance(answer, FileReport) else None for answer in answers]
    cached_by_project: Dict[int, Tuple[Project, List[int]]] = {}
    for index, answer in enumerate(answers):
        if isinstance(answer, CachedResult):
            project = projects.of(files[index])
            cached_by_project.setdefault(id(project), (project, []))[1].append(index)
    for project, indexes in cached_by_project.values():
        results = [(files[index], answers[index].summary, answers[index].dependencies) for index in indexes]
        for index, valid in zip(indexes, all_still_valid(project, results)):
            if valid:
                ready[index] = FileReport(str(files[index]), answers[index].findings, answers[index].error)
    return ready


def _settle(
    reports: Iterator[FileReport],
    config: Config,
    rules: Tuple[Type[Rule], ...],
    cache: Optional[Cache],
    projects: Projects,
    jobs: int = 1,
) -> Iterator[FileReport]:
    """Reports made by worker processes knew only their own module: once every
    module of the run is summarised, a report whose answers changed is made again."""
    reports = list(reports)
    modules: Dict[int, List[str]] = {}
    for report in reports:
        if report.summary is not None:
            path = Path(report.path)
            project = projects.of(path)
            module = project.module_name(path)
            project.add(module, path, report.summary)
            modules.setdefault(id(project), []).append(module)
    # The modules that can reach the run's modules decide their facts: one
    # computation for the whole run answers what each file asked, made only
    # for a project where some file asked something.
    facts: Dict[int, Facts] = {}

    def facts_of(project: Project) -> Facts:
        if id(project) not in facts:
            relevant = project.relevant(modules.get(id(project), []))
            # The modules that can reach the run's are read first of all: most of what is read here.
            project.summarise_ahead(relevant, lambda paths: _forked_map(_summarise_in_fork, paths, jobs, projects))
            facts[id(project)] = project.facts(relevant)
        return facts[id(project)]

    settled: List[Optional[FileReport]] = []
    for report in reports:
        path = Path(report.path)
        project = projects.of(path)
        module = project.module_name(path)
        if report.summary is None or not report.dependencies or ProjectView(
            facts_of(project), module, None
        ).answers_still(report.dependencies):
            if cache is not None and report.summary is not None:
                _remember(cache, path, report, config=config)
            settled.append(FileReport(report.path, report.findings, report.error))
        else:
            settled.append(None)
    again = [Path(report.path) for report, done in zip(reports, settled) if done is None]
    made_again = iter(_analyze_again(again, config, rules, cache, projects, facts_of, jobs))
    for report in settled:
        yield report if report is not None else next(made_again)


def _analyze_again(
    paths: List[Path], config: Config, rules: Tuple[Type[Rule], ...], cache: Optional[Cache], projects: Projects,
    facts_of: Callable[[Project], Facts], jobs: int,
) -> List[FileReport]:
    """Analyze files again with the run's facts (a file whose functions run on
    threads that another module starts is made again; in some projects most are)."""
    facts = {id(project): facts_of(project) for project in map(projects.of, paths)}
    return _forked_map(_analyze_again_in_worker, paths, jobs, (config, rules, cache, projects, facts))


def _forked_map(function: Callable, items: List, jobs: int, state) -> List:
    """``function`` over ``items`` in forked worker processes, which inherit
    ``state`` (the run's summaries and facts) instead of computing it again,
    where fork is available and there is enough to do; else in this process."""
    global _forked_state
    _forked_state = state
    try:
        workers = _worker_count(jobs, len(items))
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            # What exists now is never collected in the children: their collector
            # leaves the pages they share with this process unwritten.
            gc.freeze()
            try:
                with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                    return list(pool.map(function, items))
            except BrokenProcessPool:
                pass  # a worker died: everything is done here instead
            finally:
                gc.unfreeze()
        return [function(item) for item in items]
    finally:
        _forked_state = None


def _worker_count(jobs: int, files: int) -> int:
    wanted = jobs if jobs > 0 else (os.cpu_count() or 1)
    return max(1, min(wanted, files // MIN_FILES_PER_WORKER))


@dataclass(frozen=True)
class _Summarised:
    """A module a worker process summarised ahead of the settle step."""

    path: str
    summary: Optional[ModuleSummary]


def _tasks(paths: Iterable[Path], projects: Projects) -> Iterator[Tuple[Callable, Path]]:
    """Each file to analyze; then, once every file of the run is known, the
    modules that can reach them, which the settle step reads: the workers
    summarise them while the last files are analyzed, instead of the settle
    step after them. The settle step works out again which modules can reach
    the run's, once every file is summarised (a module's base classes count then)."""
    handed: Dict[int, Tuple[Project, List[str]]] = {}
    for path in paths:
        project = projects.of(path)
        handed.setdefault(id(project), (project, []))[1].append(project.module_name(path))
        yield _analyze_in_worker, path
    for project, modules in handed.values():
        checked = set(modules)
        reaching = [module for module in project.relevant(modules) if module not in checked]
        for _, path in project.unsummarised(reaching):
            yield _summarise_in_worker, path


def _reports_keeping_summaries(
    results: Iterator[Union[FileReport, _Summarised]], projects: Projects
) -> Iterator[FileReport]:
    """The reports, each module summarised ahead added to its project as it comes."""
    for result in results:
        if isinstance(result, _Summarised):
            path = Path(result.path)
            project = projects.of(path)
            project.add(project.module_name(path), path, result.summary)
        else:
            yield result


def _in_workers(
    tasks: Iterable[Tuple[Callable, Path]], config: Config, rules: Tuple[Type[Rule], ...], cache: Optional[Cache],
    workers: int,
) -> Iterator[Union[FileReport, _Summarised]]:
    # map hands out chunks as ``tasks`` yields them and yields results in order
    # as they arrive. A worker that dies (a native crash) breaks the pool: the
    # first file without a result is then analyzed alone, to blame it or clear
    # it, and a new pool takes the rest, so one bad file never hangs or ends the
    # run (a module to summarise ahead is left to the settle step instead).
    source = iter(tasks)
    handed: List[Tuple[Callable, Path]] = []  # handed to the current pool, in order

    def hand_over(remaining: Iterator[Tuple[Callable, Path]]) -> Iterator[Tuple[Callable, Path]]:
        for task in remaining:
            handed.append(task)
            yield task

    with gathering_without_collecting():
        while True:
            done = 0
            try:
                with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(config, rules, cache)) as pool:
                    for result in pool.map(_run_in_worker, hand_over(source), chunksize=CHUNK_SIZE):
                        yield result
                        done += 1
                return
            except BrokenProcessPool:
                (function, suspect), unanswered = handed[done], handed[done + 1 :]
                handed.clear()
                if function is _analyze_in_worker:
                    yield _analyze_alone(suspect, config, rules, cache)
                source = itertools.chain(unanswered, source)


def _analyze_alone(path: Path, config: Config, rules: Tuple[Type[Rule], ...], cache: Optional[Cache]) -> FileReport:
    try:
        with ProcessPoolExecutor(1, initializer=_init_worker, initargs=(config, rules, cache)) as pool:
            return pool.submit(_analyze_in_worker, path).result()
    except BrokenProcessPool:
        return FileReport(str(path), error=f"{INTERNAL_ERROR}: analyzing this file killed the worker process")


def analyze_for_report(
    path: Path, config: Config, rules: Tuple[Type[Rule], ...], cache: Optional[Cache], project: Project,
    reach: bool = True, facts: Optional[Facts] = None,
) -> FileReport:
    """Analyze one file, apply ``noqa``, and remember the result in ``cache``.
    Without ``reach`` (a worker process) only the file's own module is known:
    the report carries what its findings depend on, to be checked later."""
    try:
        data = read_source(path, config.max_file_size)
    except SourceError as error:
        return FileReport(str(path), error=str(error))
    with collecting_once():
        analysis = analyze_source(
            data, str(path), rules=rules, config=config, project=project, reach=reach, facts=facts
        )
        findings = tuple(finding.detached() for finding in unsuppressed(analysis))
        report = FileReport(str(path), findings, analysis.error, analysis.summary, tuple(analysis.dependencies))
        analysis.release()
        del analysis  # freed before the collection, which then has little to traverse
    if cache is not None and reach and project.may_hold_findings(path, data):
        _remember(cache, path, report, data)
    return report if not reach else FileReport(report.path, report.findings, report.error)


def _remember(
    cache: Cache, path: Path, report: FileReport, data: Optional[bytes] = None, config: Optional[Config] = None
) -> None:
    if data is None:
        try:
            data = read_source(path, config.max_file_size)
        except SourceError:
            return
    summary = report.summary.to_json() if report.summary is not None else None
    cache.put(cache.key(path, data), CachedResult(report.findings, report.error, summary, report.dependencies))


_worker_state: Tuple = ()
_forked_state = None  # what the processes of ``_forked_map`` inherit


def _init_worker(config: Config, rules: Tuple[Type[Rule], ...], cache: Optional[Cache]) -> None:
    global _worker_state
    gc.enable()  # forked while the main process gathers results without collecting
    # A worker's analysis knows its own module only (others are parsed there
    # only to be summarised ahead and sent back): the main process checks the
    # answers once every module is summarised.
    _worker_state = (config, rules, cache, Projects(config, cache, load=False))


def _run_in_worker(task: Tuple[Callable, Path]) -> Union[FileReport, _Summarised]:
    function, path = task
    return function(path)


def _analyze_in_worker(path: Path) -> FileReport:
    config, rules, cache, projects = _worker_state
    return analyze_for_report(path, config, rules, cache, projects.of(path), reach=False)


def _summarise_in_worker(path: Path) -> _Summarised:
    projects = _worker_state[3]
    return _Summarised(str(path), projects.summarise(path))


def _analyze_again_in_worker(path: Path) -> FileReport:
    config, rules, cache, projects, facts = _forked_state
    project = projects.of(path)
    return analyze_for_report(path, config, rules, cache, project, facts=facts[id(project)])


def _summarise_in_fork(path: Path) -> Optional[ModuleSummary]:
    return _forked_state.summarise(path)
