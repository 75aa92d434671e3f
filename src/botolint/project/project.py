"""The modules of one project that a run knows, and which of them can matter.

Summaries are added for the files a run analyses, and loaded on demand for
the others (from the summary store, else by parsing the module once). Which
modules can reach a file is read from the text of the project's files
(``imports``): a module matters to a file when it imports the file's module,
directly or through others, and can hand work to threads or processes or
defines a Lambda handler (or imports a module that can: a wrapper such as
``run_parallel(fn, items)``). Nothing else is parsed.
"""

from __future__ import annotations

import os
import re
from collections import OrderedDict
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple, Union

from botolint.config import DEFAULT_MAX_FILE_SIZE
from botolint.project.reach import Code, Reach
from botolint.source import SourceError, read_source
from botolint.project.imports import imported_names
from botolint.discovery import gitignore_directories
from botolint.project.index_store import IndexStore, stamps_of
from botolint.project.layout import Layout, absolute_module, modules_of
from botolint.project.summary import ModuleSummary, defined_names, import_aliases
from botolint.code_paths import is_test_path
from botolint.precheck import may_have_findings
from botolint.lambda_names import DEFAULT_HANDLER_NAMES

if TYPE_CHECKING:
    from botolint.project.facts import Facts

# A module that starts workers imports a module to start them with; one that
# defines a Lambda handler has a def shaped like one. A module with neither
# cannot make a function of another module run on a thread or per invocation.
_SPAWN_TEXT = re.compile(
    rb"^[ \t]*(?:import|from)[ \t]+(?:threading|concurrent|multiprocessing|asyncio)\b", re.MULTILINE
)
_CONCURRENCY_WORDS = (b"threading", b"concurrent", b"multiprocessing", b"asyncio")
# ``event`` may be annotated (``event: dict``).
_HANDLER_TEXT = re.compile(
    rb"def\s+\w+\s*\(\s*_?event\s*[,:]|def\s+(?:%s)\s*\(" % b"|".join(name.encode() for name in DEFAULT_HANDLER_NAMES)
)
SINGLE_MODULE = "__main__"
TEXTS_KEPT = 64  # module texts kept for the text questions of one run
PRUNE_AT_MOST = 200  # checked modules, for ruling test importers out from their code

# A module's summary from its file (None when it cannot be summarised).
Loader = Callable[[Path], Optional[ModuleSummary]]


_DEFINITION = re.compile(rb"^([ \t]*)(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)")
# Calls that hand work to a thread or process (what ``botolint.workers`` recognises).
# ``Thread)`` and ``Process)``: a subclass, whose ``run`` is the worker.
_SPAWN_CALL = re.compile(
    rb"Thread\(|Timer\(|Process\(|Executor\(|Pool\(|\.submit\(|\.map\(|\.imap|\.starmap|\.apply|run_in_executor|to_thread"
    rb"|Thread\)|Process\)"
)


def _spawning_definitions(data: bytes) -> FrozenSet[str]:
    """The names of the defs and classes whose code (nested code included)
    has a call that hands work to workers, or calls one of those by name (a
    wrapper of a wrapper, ``run_concurrently`` calling ``run_function_concurrently``)."""
    found: Set[str] = set()
    open_blocks: List[tuple] = []  # (indent, name)
    code: List[tuple] = []  # (names of the blocks a line is in, the line)
    for line in data.splitlines():
        stripped = line.lstrip()
        if not stripped or stripped.startswith(b"#"):
            continue
        indent = len(line) - len(stripped)
        while open_blocks and open_blocks[-1][0] >= indent:
            open_blocks.pop()
        match = _DEFINITION.match(line)
        if match:
            open_blocks.append((indent, match.group(2).decode()))
        elif open_blocks:
            names = tuple(name for _, name in open_blocks)
            code.append((names, line))
            if _SPAWN_CALL.search(line):
                found.update(names)
    while found:  # each round adds a name, or ends
        calls = re.compile(rb"\b(?:%s)\(" % b"|".join(re.escape(name.encode()) for name in sorted(found)))
        more = {name for names, line in code if not found.issuperset(names) and calls.search(line) for name in names}
        if more <= found:
            break
        found |= more
    return frozenset(found)


class _IndexEntry:
    """What a file's text says: the modules it imports, and whether it starts
    workers (``spawns``, and the ``functions`` that do), defines a Lambda
    handler (``handlers``) or says boto3 (``boto3``). Only the imports are
    needed of every file; an entry made with ``reread`` (an index no run
    keeps) reads its file again for the rest, the first time it is asked."""

    __slots__ = ("path", "imports", "_facts", "_reread")

    def __init__(
        self, path: Path, imports: FrozenSet[str], facts: Optional[tuple],
        reread: Optional[Callable[[Path], Optional[bytes]]] = None,
    ) -> None:
        self.path = path
        self.imports = imports
        self._facts = facts  # (spawns, handlers, functions, boto3)
        self._reread = reread

    @classmethod
    def of_text(cls, path: Path, data: bytes) -> "_IndexEntry":
        return cls(path, frozenset(imported_names(data)), _text_facts(data))

    @classmethod
    def of_imports(cls, path: Path, data: bytes, reread: Callable[[Path], Optional[bytes]]) -> "_IndexEntry":
        return cls(path, frozenset(imported_names(data)), None, reread)

    @property
    def spawns(self) -> bool:
        return self._text_facts()[0]

    @property
    def handlers(self) -> bool:
        return self._text_facts()[1]

    @property
    def functions(self) -> FrozenSet[str]:
        """Names of the defs and classes that hand work to workers, when it can."""
        return self._text_facts()[2]

    @property
    def boto3(self) -> bool:
        """The text says boto3: it may make the objects other modules use."""
        return self._text_facts()[3]

    def _text_facts(self) -> tuple:
        if self._facts is None:
            data = self._reread(self.path) if self._reread is not None else None
            # A file that went away since: it says nothing.
            self._facts = _text_facts(data) if data is not None else (False, False, frozenset(), False)
        return self._facts

    def to_record(self) -> list:
        spawns, handlers, functions, boto3 = self._text_facts()
        return [sorted(self.imports), spawns, handlers, sorted(functions), boto3]

    @classmethod
    def of_record(cls, path: Path, record: list) -> "_IndexEntry":
        """The entry a run kept; ValueError when the record is not one (a damaged store)."""
        imports, spawns, handlers, functions, boto3 = record
        if not all(isinstance(name, str) for name in [*imports, *functions]):
            raise ValueError("an index record names something other than modules and functions")
        return cls(path, frozenset(imports), (bool(spawns), bool(handlers), frozenset(functions), bool(boto3)))


def _text_facts(data: bytes) -> tuple:
    # The substring tests are cheap and rule most files out before a regex runs.
    # A module that imports threading only for a Lock starts nothing: it
    # must also have a call that hands work over.
    spawns = (
        any(word in data for word in _CONCURRENCY_WORDS)
        and bool(_SPAWN_TEXT.search(data))
        and bool(_SPAWN_CALL.search(data))
    )
    handlers = (b"event" in data or b"handler" in data) and bool(_HANDLER_TEXT.search(data))
    functions = _spawning_definitions(data) if spawns else frozenset()
    return spawns, handlers, functions, may_have_findings(data)


def _may_define_abstract_methods(source: bytes) -> bool:
    """What ``summarize`` counts as abstract (``@abstractmethod``, a body that
    only raises ``NotImplementedError``) needs one of these words."""
    return b"NotImplementedError" in source or b"abstractmethod" in source


def _class_may_define_abstract_methods(source: bytes, class_id: str) -> bool:
    """Whether the text of a class statement named like ``class_id`` (its
    last part), up to the next def or class at most as indented, may define an
    abstract method. That text may run past the class's end, never stop short
    of it (unless a string holds a line that starts a def or class)."""
    if not _may_define_abstract_methods(source):
        return False
    name = re.escape(class_id.partition("#")[0].rpartition(".")[2].encode())
    for match in re.finditer(rb"^([ \t]*)class[ \t]+%s\b" % name, source, re.MULTILINE):
        indent = len(match.group(1))
        following = re.compile(rb"^[ \t]{0,%d}(?:@|(?:async[ \t]+)?(?:def|class)[ \t])" % indent, re.MULTILINE)
        end = following.search(source, match.end())
        if _may_define_abstract_methods(source[match.end() : end.start() if end is not None else len(source)]):
            return True
    return False


def _only_a_class_without(source: bytes, name: str, member: str) -> bool:
    """Whether the text shows that ``name`` is a class with no member named
    ``member``: every use of ``name`` is a class statement without bases (so
    nothing is inherited and nothing else binds the name), and the text spells
    ``member`` only to call it as an attribute (``self.member(...)``): every
    method and attribute a summary knows is spelled otherwise, in a ``def`` or
    an assignment. A mixin calls what the class it is mixed into defines."""
    spelled_member = re.escape(member.encode())
    spellings = len(re.findall(rb"(?<!\w)%s(?!\w)" % spelled_member, source))
    if spellings != len(re.findall(rb"(?<=\.)%s[ \t]*\(" % spelled_member, source)):
        return False
    spelled = re.escape(name.encode())
    uses = len(re.findall(rb"\b%s\b" % spelled, source))
    statements = re.findall(
        rb"^[ \t]*class[ \t]+%s[ \t]*(?:\([ \t]*(?:object)?[ \t]*\))?[ \t]*:" % spelled, source, re.MULTILINE
    )
    return bool(statements) and uses == len(statements)


class ProjectIndex:
    """What the text of the project's files says of their imports, each file
    read at most once: one module's entry on demand, every module's only when
    the importers of a module are asked for."""

    def __init__(
        self, layout: Optional[Layout], max_file_size: int = DEFAULT_MAX_FILE_SIZE, store: Optional[IndexStore] = None
    ) -> None:
        self.layout = layout
        self.max_file_size = max_file_size
        # Entries of an earlier run, kept by the result cache: a file whose
        # size and mtime did not change is not read again.
        self.store = store
        self._read: Dict[str, Optional[_IndexEntry]] = {}
        # What the run has read already, by absolute path: not read again for its entry.
        self._noted: Dict[str, Tuple[FrozenSet[str], tuple]] = {}
        self._kept_entries: Optional[bool] = None  # whether the store has an earlier run's entries
        self._complete = False
        self._known: Dict[str, _IndexEntry] = {}  # every readable module, once complete
        self._importers: Optional[Dict[str, Set[str]]] = None

    def note(self, path: Path, data: bytes) -> None:
        """What a run read of one of the project's files, for its entry: the
        entry is then made from this text, not from reading the file again.
        Not where an earlier run kept entries: those of unchanged files are
        reused without reading them at all."""
        if self._complete:
            return
        if self._kept_entries is None:
            self._kept_entries = self.store is not None and bool(self.store.load())
        if not self._kept_entries:
            self._noted[os.path.abspath(path)] = (frozenset(imported_names(data)), _text_facts(data))

    def entry(self, module: str) -> Optional[_IndexEntry]:
        """The entry of ``module``, reading only its file."""
        if module not in self._read and not self._complete:
            path = self.layout.path_of(module) if self.layout is not None else None
            self._read[module] = self._entry_at(path) if path is not None else None
        return self._read.get(module)

    def entries(self) -> Dict[str, _IndexEntry]:
        """The entry of every module of the project."""
        if not self._complete:
            if self.layout is not None:
                known = self.store.load() if self.store is not None else {}
                modules = self.store.modules() if self.store is not None else None
                walked = modules is None
                looked_at: List[Path] = []
                if walked:
                    modules = list(self.layout.python_modules(looked_at))
                kept: Dict[str, list] = {}
                for module, path in modules:
                    if self.store is None:
                        if module not in self._read:
                            self._read[module] = self._entry_at(path)
                    elif module not in self._read:
                        self._read[module] = self._entry_from(path, known.get(str(path)), kept)
                    elif self._read[module] is not None:  # read alone before: kept for the next run too
                        self._entry_from(path, known.get(str(path)), kept, self._read[module])
                if self.store is not None and (walked or kept != known):
                    stamps = self._tree_stamps(looked_at) if walked else self.store.stamps()
                    self.store.save(kept, modules, stamps)
            self._complete = True
            self._noted.clear()
            self._known = {module: entry for module, entry in self._read.items() if entry is not None}
        return self._known

    def source(self, module: str) -> Optional[bytes]:
        """The text of ``module``'s file, read again (the index keeps none)."""
        entry = self.entry(module)
        return self._text_at(entry.path) if entry is not None else None

    def importers(self, module: str) -> Set[str]:
        """The project modules whose text imports ``module``."""
        if self._importers is None:
            entries = self.entries()
            layout = self.layout
            importers: Dict[str, Set[str]] = {}
            # Many modules import the same names: each name's project modules are worked out once.
            modules_named: Dict[str, List[str]] = {}
            for importer, entry in entries.items():
                is_package = entry.path.name == "__init__.py"  # known from the entry: no lookup
                for written in entry.imports:
                    name = absolute_module(importer, is_package, written) if written[:1] == "." else written
                    if name is None:
                        continue
                    if name not in modules_named:
                        modules_named[name] = [
                            prefix for prefix in modules_of([name])
                            if prefix in entries or (layout is not None and layout.may_hold(prefix))
                        ]
                    for imported in modules_named[name]:
                        importers.setdefault(imported, set()).add(importer)
            self._importers = importers
        return self._importers.get(module, set()) - {module}

    def _tree_stamps(self, looked_at: List[Path]) -> list:
        directories = list(dict.fromkeys(looked_at))
        above = gitignore_directories(self.layout.root.resolve())
        ignore_files = [directory / ".gitignore" for directory in dict.fromkeys([*above, *directories])]
        return stamps_of([*directories, *ignore_files])

    def _entry_from(
        self, path: Path, record: Optional[list], kept: Dict[str, list], entry: Optional[_IndexEntry] = None
    ) -> Optional[_IndexEntry]:
        try:
            status = path.stat()
        except OSError:
            return None
        stamp = [status.st_mtime_ns, status.st_size]
        if entry is None and record is not None and record[:2] == stamp:
            try:
                entry = _IndexEntry.of_record(path, record[2:])
            except (TypeError, ValueError):
                entry = None
        if entry is None:
            entry = self._entry_at(path)
        if entry is not None:
            kept[str(path)] = stamp + entry.to_record()
        return entry

    def _entry_at(self, path: Path) -> Optional[_IndexEntry]:
        noted = self._noted.pop(os.path.abspath(path), None) if self._noted else None
        if noted is not None:
            return _IndexEntry(path, *noted)
        data = self._text_at(path)
        if data is None:
            return None
        if self.store is None:  # nothing keeps the entry: what only some files are asked is read when asked
            return _IndexEntry.of_imports(path, data, self._text_at)
        return _IndexEntry.of_text(path, data)

    def _text_at(self, path: Path) -> Optional[bytes]:
        try:
            return read_source(path, self.max_file_size)
        except SourceError:  # a FIFO, a device, an unreadable or huge file: not code we know
            return None


class Project:
    def __init__(
        self,
        layout: Optional[Layout],
        loader: Optional[Loader] = None,
        index: Optional[ProjectIndex] = None,
        test_globs: Sequence[str] = (),
        keeps_summaries: bool = False,
        handler_names: Iterable[str] = DEFAULT_HANDLER_NAMES,
    ) -> None:
        self.layout = layout
        # Test modules' handler-shaped functions are no Lambda entry points.
        self.test_globs = tuple(test_globs)
        self.handler_names = frozenset(handler_names)
        # The index's text facts know the default handler names; others are looked for in the text.
        other_names = sorted(self.handler_names - set(DEFAULT_HANDLER_NAMES))
        self._other_handler_text = (
            re.compile(rb"def\s+(?:%s)\s*\(" % b"|".join(re.escape(name.encode()) for name in other_names))
            if other_names else None
        )
        self.index = index or ProjectIndex(layout)
        self._loader = loader
        # A cache keeps each summary for the next runs: then every module that
        # can reach the checked ones is summarised once, and read back after.
        self.keeps_summaries = keeps_summaries
        self._summaries: Dict[str, Optional[ModuleSummary]] = {}
        self._paths: Dict[str, Path] = {}
        self._packages: Set[str] = set()
        self._may_start: Dict[str, bool] = {}
        self._self_contained: Dict[str, bool] = {}
        self._in_tests: Dict[Path, bool] = {}
        self._absolute_imports: Dict[str, FrozenSet[str]] = {}
        self._texts: "OrderedDict[str, Optional[bytes]]" = OrderedDict()
        self._code: Optional[Code] = None  # test modules' code, parsed when their regions are in question
        self._facts: Dict[FrozenSet[str], Facts] = {}

    # -- modules ---------------------------------------------------------------------

    def module_name(self, path: Optional[Path]) -> str:
        if self.layout is None or path is None:
            return SINGLE_MODULE
        return self.layout.module_name(path) or SINGLE_MODULE

    def add(self, module: str, path: Optional[Path], summary: Optional[ModuleSummary]) -> None:
        self._summaries[module] = summary
        if path is not None:
            self._paths[module] = path
            if path.name == "__init__.py":
                self._packages.add(module)
        self._facts.clear()

    def has_module(self, module: str) -> bool:
        if module in self._summaries:
            return True
        return self.layout is not None and self.layout.path_of(module) is not None

    def summarised(self, module: str) -> bool:
        """Whether ``module``'s summary is known already (asking for it costs nothing)."""
        return module in self._summaries

    def summary(self, module: str) -> Optional[ModuleSummary]:
        if module not in self._summaries:
            path = self.layout.path_of(module) if self.layout is not None else None
            summary = self._loader(path) if path is not None and self._loader is not None else None
            self._summaries[module] = summary
            if path is not None:
                self._paths[module] = path
                if path.name == "__init__.py":
                    self._packages.add(module)
        return self._summaries[module]

    def summarise_ahead(
        self, modules: Iterable[str], summarise: Callable[[List[Path]], List[Optional[ModuleSummary]]]
    ) -> None:
        """Summarise, all at once with ``summarise`` (in worker processes), those
        of ``modules`` whose summary asking would read or make one at a time."""
        if self._loader is None:
            return
        missing = self.unsummarised(modules)
        if missing:
            for (module, path), summary in zip(missing, summarise([path for _, path in missing])):
                self.add(module, path, summary)

    def unsummarised(self, modules: Iterable[str]) -> List[Tuple[str, Path]]:
        """Those of ``modules`` whose summary is not known yet, with their files."""
        if self.layout is None:
            return []
        return [
            (module, path) for module in modules if module not in self._summaries
            for path in [self.layout.path_of(module)] if path is not None
        ]

    def absolute(self, module: str, dotted: str) -> Optional[str]:
        return absolute_module(module, self._is_package(module), dotted)

    def display_path(self, module: str) -> str:
        path = self._paths.get(module)
        if path is None and self.layout is not None:
            path = self.layout.path_of(module)
        if path is None:
            return module
        return self.layout.relative(path) if self.layout is not None else path.as_posix()

    # -- who can reach whom ----------------------------------------------------------

    def _is_package(self, module: str) -> bool:
        if module in self._packages:
            return True
        path = self.layout.path_of(module) if self.layout is not None else None
        return path is not None and path.name == "__init__.py"

    def importers(self, module: str) -> Set[str]:
        """The project modules whose text imports ``module``."""
        return self.index.importers(module)

    def relevant(self, modules: Iterable[str]) -> List[str]:
        """``modules`` and the project modules that can make their functions run
        on workers or per Lambda invocation: those that import them, directly or
        not, and start workers, define handlers or import a module that starts workers."""
        index = self.index.entries()
        found: List[str] = list(dict.fromkeys(modules))
        reaching: Set[str] = set()
        # A call of a base class's abstract method runs the module's override:
        # what imports the base can reach the module too.
        todo = list(dict.fromkeys([*found, *(base for module in found for base in self._base_modules(module))]))
        given = set(found)
        while todo:
            for importer in self.importers(todo.pop()):
                if importer not in reaching and importer not in given:
                    reaching.add(importer)
                    todo.append(importer)
        checked = list(found)
        reach: Optional[Reach] = None
        reach_made = False
        # Ruling a test module out costs a walk of its code and of what it leads to:
        # worth it for a few checked modules, not for a whole project's (most of
        # whose importers are checked anyway).
        prune = not self.keeps_summaries and len(checked) <= PRUNE_AT_MOST
        for importer in sorted(reaching):
            entry = index.get(importer)
            if entry is None:
                continue
            in_tests = self._is_test_module(entry.path)
            if self.may_start_workers(importer) or (not in_tests and self._may_define_handlers(importer, entry)):
                # Outside test code a handler-shaped def is taken as one
                # without reading the module: only a test module's code is
                # read to rule its regions out, and only when its summary is
                # not known and would not be kept.
                if in_tests and prune and importer not in self._summaries:
                    if not reach_made:
                        reach, reach_made = self._reach(checked, reaching), True
                    if reach is not None and not reach.may_reach(importer):
                        continue
                found.append(importer)
        return found

    def _reach(self, modules: List[str], reaching: Set[str]) -> Optional[Reach]:
        """What the code of the test modules among ``reaching`` can start, or
        None when a module of ``modules`` has no summary (its names are unknown)."""
        targets: Set[str] = set()
        test_targets: Set[str] = set()
        for module in modules:
            summary = self.summary(module)
            if summary is None:
                return None
            # An alias leads into the checked modules only when it names one of their functions.
            aliases = import_aliases(summary)
            names = defined_names(summary) | {
                alias for alias, written in aliases.items() if self._names_one_of(module, written, modules)
            }
            targets |= names
            if self.is_test_module(module):
                test_targets |= names
        if self._code is None:
            self._code = Code(self.index.source, self._may_hand_off)
        imports = partial(self._imported_among, modules=reaching)
        return Reach(frozenset(test_targets), frozenset(targets), self._code, imports)

    def _names_one_of(self, module: str, written: str, modules: List[str]) -> bool:
        absolute = self.absolute(module, written)
        return absolute is not None and any(prefix in modules for prefix in modules_of([absolute]))

    def _may_hand_off(self, module: str, written: str) -> bool:
        """What the project layer asks of a name before it looks for a wrapper."""
        absolute = self.absolute(module, written)
        return absolute is not None and self.may_start_workers(absolute)

    def _imported_among(self, module: str, modules: Set[str]) -> List[str]:
        """The modules of ``modules`` that ``module``'s text imports."""
        entry = self.index.entry(module)
        if entry is None:
            return []
        return sorted(name for name in set(modules_of(self.absolute_imports(module, entry))) if name in modules)

    def _base_modules(self, module: str) -> List[str]:
        """The other project modules that define base classes with abstract
        methods for ``module``'s classes (a call of one may run an override here)."""
        summary = self._summaries.get(module)
        if summary is None:
            return []
        found: List[str] = []
        for cls in summary.classes.values():
            for base in cls.bases:
                absolute = self.absolute(module, base[1]) if base[0] == "name" else None
                for prefix in modules_of([absolute] if absolute else []):
                    if prefix != module and self._may_be_module(prefix) and self.has_module(prefix):
                        if self._has_abstract_methods(prefix, absolute[len(prefix) + 1 :]):
                            found.append(prefix)
                        break
        return found

    def _has_abstract_methods(self, module: str, class_id: str) -> bool:
        source = self._text(module)
        if source is None or not _class_may_define_abstract_methods(source, class_id):
            return False  # known from the text, without parsing the module
        summary = self.summary(module)
        cls = summary.classes.get(class_id) if summary is not None else None
        return cls is not None and any(
            summary.functions[method].abstract for method in cls.methods.values() if method in summary.functions
        )

    def lacks_member(self, module: str, name: str, member: str) -> bool:
        """Whether ``module``'s ``name`` is a class that has no member
        ``member``, inherited or not. Known from its text alone; False
        where the text does not show it."""
        source = self._text(module)
        return source is not None and _only_a_class_without(source, name, member)

    def self_contained(self, module: str) -> bool:
        """Whether the code of ``module`` can run no other module's code that
        the project layer follows: it imports no module of the project, and
        defines no abstract method (a call of which may run an override
        elsewhere). Known from its text alone."""
        if module not in self._self_contained:
            imported = (
                prefix
                for prefix in modules_of(self.absolute_imports(module))
                if prefix != module and self._may_be_module(prefix)
            )
            source = self._text(module)
            self._self_contained[module] = (
                source is not None
                and not _may_define_abstract_methods(source)
                and not any(self.has_module(prefix) for prefix in imported)
            )
        return self._self_contained[module]

    def holds_no_objects(self, module: str) -> bool:
        """Whether no value of ``module`` can be a boto3 object or an executor:
        it leads nowhere else (``self_contained``) and its text says neither
        boto3 nor a concurrency module."""
        source = self._text(module) if self.self_contained(module) else None
        return source is not None and not may_have_findings(source) and not any(
            word in source for word in _CONCURRENCY_WORDS
        )

    def may_define_handlers(self, module: str) -> bool:
        """Whether ``module``'s text can define a Lambda handler (True when
        the project has no file of that name to read)."""
        entry = self.index.entry(module)
        return entry is None or self._may_define_handlers(module, entry)

    def _may_define_handlers(self, module: str, entry: _IndexEntry, data: Optional[bytes] = None) -> bool:
        if entry.handlers:
            return True
        if self._other_handler_text is None:
            return False
        text = data if data is not None else self._text(module)
        return text is not None and self._other_handler_text.search(text) is not None

    def is_test_module(self, module: str) -> bool:
        """Whether ``module``'s file matches the test-path globs."""
        path = self._paths.get(module) or (self.layout.path_of(module) if self.layout is not None else None)
        return path is not None and self._is_test_module(path)

    def _is_test_module(self, path: Path) -> bool:
        if path not in self._in_tests:
            relative = self.layout.relative(path) if self.layout is not None else path.as_posix()
            self._in_tests[path] = is_test_path(relative, self.test_globs)
        return self._in_tests[path]

    def may_derive_from(self, module: str, class_name: str) -> bool:
        """Whether ``module``'s text has a class statement that names ``class_name`` among its bases."""
        source = self._text(module)
        pattern = re.compile(rb"^[ \t]*class[ \t]+\w+[ \t]*\([^)]*\b%s\b" % re.escape(class_name.encode()), re.M)
        return source is not None and pattern.search(source) is not None

    def may_call(self, module: str, name: str) -> bool:
        """Whether ``module``'s text calls something named ``name``, or names
        it otherwise (``import run as go``, ``make = Processor``) and calls that."""
        source = self._text(module)
        if source is None or name.encode() not in source:  # most modules: no regex needed
            return False
        spelled = re.escape(name.encode())
        if re.search(rb"\b%s[ \t]*\(" % spelled, source) is not None:
            return True
        aliases = re.findall(rb"\b%s[ \t]+as[ \t]+(\w+)" % spelled, source) + re.findall(
            rb"\b(\w+)[ \t]*=[ \t]*(?:\w+\.)*%s[ \t]*(?:$|[#;)\]},])" % spelled, source, re.M
        )
        return any(re.search(rb"\b%s[ \t]*\(" % re.escape(alias), source) for alias in aliases)

    def _text(self, module: str) -> Optional[bytes]:
        """``module``'s text, for the questions asked of one module many times
        over (each class, each function looked for): the last few are kept."""
        if module in self._texts:
            self._texts.move_to_end(module)
            return self._texts[module]
        text = self._texts[module] = self.index.source(module)
        if len(self._texts) > TEXTS_KEPT:
            self._texts.popitem(last=False)
        return text

    def may_start_workers(self, dotted: str) -> bool:
        """Whether ``dotted`` (a project module, or a name in one) can be a
        function that starts workers: its module (or one it re-exports from)
        imports a concurrency module and defines a function of that name.
        Only the files of the modules named are read."""
        if dotted not in self._may_start:
            self._may_start[dotted] = False
            for module in modules_of([dotted]):
                entry = self.index.entry(module)
                if entry is not None:
                    name = dotted[len(module) + 1 :].partition(".")[0] or None
                    self._may_start[dotted] = self._defines_spawner(module, entry, name)
                    break
        return self._may_start[dotted]

    def _defines_spawner(self, module: str, entry: _IndexEntry, name: Optional[str]) -> bool:
        if entry.spawns and (name is None or name in entry.functions):
            return True
        return self._imports_spawner(module, entry, name)

    def _imports_spawner(self, module: str, entry: _IndexEntry, name: Optional[str] = None) -> bool:
        absolute = self.absolute_imports(module, entry)
        for imported_name in modules_of(absolute):
            if imported_name == module or not self._may_be_module(imported_name):
                continue
            imported = self.index.entry(imported_name)
            if imported is not None and imported.spawns:
                if name is None or name in imported.functions:
                    return True
                # A module that imports a function that starts workers may wrap it in any of its own.
                if any(f"{imported_name}.{function}" in absolute for function in imported.functions):
                    return True
        return False

    def may_hold_findings(self, path: Path, source: Union[str, bytes]) -> bool:
        """The pre-check of a file of this project: its text says boto3, or it
        may use boto3 objects that other modules of the project make."""
        if may_have_findings(source):
            return True
        data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
        return self.uses_objects_of_others(path, data)

    def uses_objects_of_others(self, path: Path, data: bytes) -> bool:
        """Whether a file whose text never says boto3 can still hold a finding:
        it can run code on workers or per Lambda invocation (it starts threads,
        imports a module that does, is imported by one, or defines a handler),
        and a project module that says boto3 is one it imports (whose Session,
        client or resource it may use) or one that imports it (which may pass
        it one)."""
        if self.layout is None:
            return False
        module = self.module_name(path)
        entry = _IndexEntry.of_text(path, data)
        imported = [
            found
            for name in dict.fromkeys(modules_of(self.absolute_imports(module, entry, keep=False)))
            if name != module and self._may_be_module(name)
            for found in [self.index.entry(name)]
            if found is not None
        ]
        runs_elsewhere = (
            entry.spawns or self._may_define_handlers(module, entry, data) or any(found.spawns for found in imported)
        )
        if runs_elsewhere and any(found.boto3 for found in imported):
            return True
        # A module that imports this one may hand it a Session (``Processor(boto3.Session())``),
        # or run its code on workers (a mixin's methods, called from a class that starts them).
        entries = self.index.entries()
        importers = [
            entries[importer] for importer in sorted(self.importers(module))
            # Only one that starts workers or says boto3 can decide: the others are not looked at closer.
            if importer in entries and (entries[importer].spawns or entries[importer].boto3)
            and self._names_module(importer, entries[importer], module)
        ]
        runs_elsewhere = runs_elsewhere or any(importer.spawns for importer in importers)
        return runs_elsewhere and any(found.boto3 for found in [*imported, *importers])

    def _names_module(self, importer: str, entry: _IndexEntry, module: str) -> bool:
        """Whether ``importer`` imports ``module`` itself or a name defined in it,
        not only a submodule of its package (``from pkg.a import x`` names ``pkg.a``, not ``pkg``)."""
        return any(
            name == module or (name.rpartition(".")[0] == module and not self.has_module(name))
            for name in self.absolute_imports(importer, entry)
        )

    def absolute_imports(self, module: str, entry: Optional[_IndexEntry] = None, keep: bool = True) -> FrozenSet[str]:
        """The absolute names ``module``'s imports refer to (relative ones resolved),
        worked out once per module; ``keep=False`` for an entry made from text
        that may not be the file's (an editor's buffer)."""
        if keep and module in self._absolute_imports:
            return self._absolute_imports[module]
        entry = entry if entry is not None else self.index.entry(module)
        written = entry.imports if entry is not None else ()
        names = frozenset(name for name in (self.absolute(module, n) for n in written) if name)
        if keep:
            self._absolute_imports[module] = names
        return names

    def _may_be_module(self, name: str) -> bool:
        """Cheap first: a name outside the project's top-level packages is no file of it."""
        return self.layout is not None and self.layout.may_hold(name)

    # -- facts ---------------------------------------------------------------------------

    def facts(self, modules: Iterable[str]) -> Facts:
        """The facts about ``modules``: their summaries and those of the modules
        that can reach them count; others are read only to resolve names."""
        key = frozenset(modules)
        facts = self._facts.get(key)
        if facts is None:
            from botolint.project.facts import Facts  # only a run that asks about facts pays for the import

            facts = self._facts[key] = Facts(self, sorted(key))
        return facts

