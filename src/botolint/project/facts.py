"""Facts that follow a project's call graph, from module summaries alone.

- Regions: what runs on another thread or process. Each spawn (a Thread
  target, an executor task, a pool initializer, a Thread subclass's ``run``),
  each call of a wrapper that hands its argument to workers (a project's own
  ``run_parallel(fn, items)``), and each function decorated by such a wrapper
  starts one; the region is its entries, the functions nested in them and the
  project functions they call, transitively.
- Invocations: what runs on every Lambda invocation: a handler, what is nested
  in it and what it calls.
- Values: what project functions return, what module-level names hold, what
  attributes of project classes hold, resolved with the kind rules of
  ``botolint.kinds``.

Everything is bounded (MAX_DEPTH for resolution, each function visited once
per region) and cycle-safe. Where a ref does not resolve (third-party code,
dynamic dispatch, a module that does not parse), nothing is concluded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, FrozenSet, Iterable, Iterator, List, Optional, Set, Tuple

from botolint.kinds import (
    NO_ATOMS, Atom, Atoms, ObjectKind, Ref, Worker, attribute_result, call_result, item_result, kinds_in, pool_worker,
)
from botolint.project.layout import modules_of
from botolint.project.summary import MODULE_BODY, CallSummary, FunctionSummary, import_aliases

if TYPE_CHECKING:
    from botolint.project.project import Project

FunctionKey = Tuple[str, str]  # (module, definition id)
Entity = tuple  # ("function", module, id) | ("class", module, id) | ("module", module) | ("value", module, atoms)
RESOLVE_DEPTH = 12
# How many callers up a parameter's value is looked for
# (``main`` -> ``deliver_all(session)`` -> ``Processor(session)``: two).
ARGUMENT_HOPS = 2
# A question that would read more modules than this (a framework's base class,
# a helper called everywhere) has no answer: the facts it needs are not established.
MAX_MODULES_READ = 24
# How many functions a question about what a call declares follows before it has no answer.
MAX_FUNCTIONS_FOLLOWED = 200


# A region is named by where it starts: (module, line, worker, the function that starts it).
RegionKey = Tuple[str, int, str, str]


@dataclass(frozen=True)
class Origin:
    """Where the code of a region is handed to workers, and how it gets to a function."""

    region: RegionKey
    worker: Worker
    module: str
    line: int
    chain: Tuple[str, ...]  # from the function that hands the work over to the function itself
    forked: bool
    without_pickling: bool


@dataclass(frozen=True)
class Invocation:
    """A Lambda handler whose every invocation runs a function, and how."""

    module: str
    handler: str
    chain: Tuple[str, ...]


class Facts:
    def __init__(self, project: "Project", modules: Iterable[str]) -> None:
        self.project = project
        self.modules = frozenset(modules)
        # While a region or an invocation follows calls: modules that lead
        # nowhere else and that no question is about are not read.
        self._following = False
        self.regions: Dict[RegionKey, Set[FunctionKey]] = {}
        self.origins: Dict[FunctionKey, List[Origin]] = {}
        self.invocations: Dict[FunctionKey, List[Invocation]] = {}
        # By whether calls are being followed: what a function returns is
        # resolved without the modules left unread then, and only then.
        self._returns: Dict[Tuple[FunctionKey, bool], Atoms] = {}
        self._returning: Set[Tuple[FunctionKey, bool]] = set()
        self._lambda_modules: Dict[str, bool] = {}
        self._handoffs: Dict[FunctionKey, Dict[int, Tuple[str, int]]] = {}
        self._handing_off: Set[FunctionKey] = set()
        self._subclasses: Dict[Tuple[str, str], List[Tuple[str, str]]] = {}
        self._subclasses_unknown: Set[Tuple[str, str]] = set()
        self._passed: Dict[Tuple[FunctionKey, int, int], Atoms] = {}
        self._callers: Dict[FunctionKey, List[str]] = {}
        self._calls_in: Dict[Tuple[str, FunctionKey], List[CallSummary]] = {}
        self._profile_options: Dict[FunctionKey, bool] = {}
        for module in modules:
            self._spawns_of(module)
        for module in modules:
            self._handlers_of(module)

    # -- names ---------------------------------------------------------------------

    def function(self, key: FunctionKey) -> Optional[FunctionSummary]:
        summary = self.project.summary(key[0])
        return summary.functions.get(key[1]) if summary is not None else None

    def lookup(self, module: str, dotted: str, depth: int = 0, seeking: Optional[str] = None) -> List[Entity]:
        """What ``dotted``, written in ``module``, names in the project. With
        ``seeking``, only classes that may have a member of that name matter:
        others may be left out (``member``)."""
        absolute = self.project.absolute(module, dotted)
        if absolute is None or depth > RESOLVE_DEPTH:
            return []
        parts = absolute.split(".")
        for end in range(len(parts), 0, -1):
            name = ".".join(parts[:end])
            if self.project.has_module(name):
                entities: List[Entity] = [("module", name)]
                rest = parts[end:]
                for position, part in enumerate(rest):
                    wanted = seeking if position == len(rest) - 1 else None
                    entities = [found for entity in entities for found in self.member(entity, part, depth + 1, wanted)]
                return entities
        return []

    def member(self, entity: Entity, name: str, depth: int = 0, seeking: Optional[str] = None) -> List[Entity]:
        if depth > RESOLVE_DEPTH:
            return []
        if entity[0] == "module":
            module = entity[1]
            # A base class is looked for a member in order: a mixin among forty
            # bases whose text shows it cannot have the member is not parsed.
            if seeking is not None and not self.project.summarised(module) and self.project.lacks_member(
                module, name, seeking
            ):
                return []
            summary = None if self._leads_nowhere(module) else self.project.summary(module)
            entries = summary.exports.get(name, []) if summary is not None else []
            if not entries:
                submodule = f"{module}.{name}"
                return [("module", submodule)] if self.project.has_module(submodule) else []
            found: List[Entity] = []
            for entry in entries:
                if entry[0] == "def":
                    found.append(("function", module, entry[1]))
                elif entry[0] == "class":
                    found.append(("class", module, entry[1]))
                elif entry[0] == "import":
                    found += self.lookup(module, entry[1], depth + 1, seeking)
                elif entry[0] == "value":
                    found.append(("value", module, entry[1]))
            return found
        if entity[0] == "class":
            return self._class_member(entity[1], entity[2], name, depth)
        if entity[0] == "value":
            return [
                found
                for atom in self.resolve(entity[1], entity[2], depth + 1)
                if isinstance(atom, tuple) and atom[0] in ("instance", "class")
                for found in self._class_member(atom[1], atom[2], name, depth + 1)
            ]
        return []

    def _leads_nowhere(self, module: str) -> bool:
        """Whether following calls into ``module`` can find nothing the facts
        are about: none of their modules, and one whose code can run no other
        module's (moto's generated 500 KB parser, called from a worker thread)."""
        return self._following and module not in self.modules and self.project.self_contained(module)

    def _class_member(self, module: str, class_id: str, name: str, depth: int) -> List[Entity]:
        summary = self.project.summary(module)
        cls = summary.classes.get(class_id) if summary is not None else None
        if cls is None or depth > RESOLVE_DEPTH:
            return []
        if name in cls.methods:
            return [("function", module, cls.methods[name])]
        if name in cls.attributes:
            return [("value", module, cls.attributes[name])]
        for base in cls.bases:
            for entity in self._base(module, base, depth, name):
                if entity[0] == "class":
                    found = self._class_member(entity[1], entity[2], name, depth + 1)
                    if found:
                        return found
        return []

    def _base(self, module: str, base: Ref, depth: int, seeking: str) -> List[Entity]:
        """What a class's base names, when it may have the member ``seeking``.
        Always read, calls followed or not: what constructing one of the facts'
        classes runs (an ``__init__`` its base defines) is asked about, wherever
        that base is."""
        following, self._following = self._following, False
        try:
            return self._ref_entities(module, base, depth + 1, seeking)
        finally:
            self._following = following

    def _ref_entities(self, module: str, ref: Ref, depth: int = 0, seeking: Optional[str] = None) -> List[Entity]:
        if depth > RESOLVE_DEPTH:
            return []
        kind = ref[0]
        if kind == "local":
            summary = self.project.summary(module)
            if summary is None:
                return []
            if ref[1] in summary.functions:
                return [("function", module, ref[1])]
            if ref[1] in summary.classes:
                return [("class", module, ref[1])]
            return []
        if kind == "name":
            return self.lookup(module, ref[1], depth + 1, seeking)
        if kind == "member":
            return [
                found
                for atom in self.resolve(module, ref[1], depth + 1)
                if isinstance(atom, tuple) and atom[0] in ("instance", "class")
                for found in self._class_member(atom[1], atom[2], ref[2], depth + 1)
            ]
        return []

    def call_targets(self, module: str, ref: Ref, overrides: bool = False) -> List[FunctionKey]:
        """The project functions that run when ``ref`` (written in ``module``) is
        called; with ``overrides``, for an abstract method, the overrides of the
        project's subclasses too (what code on a worker runs: other questions
        do without, and so never read the modules of every subclass)."""
        targets: List[FunctionKey] = []
        for entity in self._ref_entities(module, ref):
            if entity[0] == "function":
                targets.append((entity[1], entity[2]))
            elif entity[0] == "class":  # constructing runs __init__
                targets += [
                    (e[1], e[2]) for e in self._class_member(entity[1], entity[2], "__init__", 0) if e[0] == "function"
                ]
        if not overrides:
            return targets
        return [found for target in targets for found in self._implementations(target)]

    def _implementations(self, key: FunctionKey) -> List[FunctionKey]:
        function = self.function(key)
        if function is None or not function.abstract:
            return [key]
        class_id, _, name = key[1].rpartition(".")
        summary = self.project.summary(key[0])
        if summary is None or class_id not in summary.classes:
            return [key]
        overrides = [
            (sub_module, methods[name])
            for sub_module, sub_id in self.subclasses(key[0], class_id)
            for methods in [self.project.summary(sub_module).classes[sub_id].methods]
            if name in methods
        ]
        return [key, *overrides]

    def assigned_by_subclasses(self, module: str, class_id: str, attribute: str) -> Atoms:
        """What the project's subclasses assign to ``self.<attribute>`` when the
        class never does (a mixin's ``self.session``), resolved."""
        found: Set[Atom] = set()
        for sub_module, sub_id in self.subclasses(module, class_id):
            cls = self.project.summary(sub_module).classes[sub_id]
            if attribute in cls.attributes:
                found |= self.resolve(sub_module, cls.attributes[attribute], 0, ARGUMENT_HOPS)
        return frozenset(found)

    def subclasses(self, module: str, class_id: str) -> List[Tuple[str, str]]:
        """The project's classes that derive from ``module``'s class, directly or
        not. Only modules whose imports name the class (or its module) and whose
        text has a class statement naming it are read."""
        if (module, class_id) in self._subclasses:
            return self._subclasses[(module, class_id)]
        self._subclasses[(module, class_id)] = []  # a cycle of bases proves nothing
        found: List[Tuple[str, str]] = []
        base = ("class", module, class_id)
        wanted = {module, f"{module}.{class_id.partition('.')[0]}"}
        class_name = class_id.rpartition(".")[2]
        candidates = [module] + [
            importer
            for importer in sorted(self.project.importers(module))
            if self._imports_any(importer, wanted) and self.project.may_derive_from(importer, class_name)
        ]
        if len(candidates) > MAX_MODULES_READ:
            self._subclasses_unknown.add((module, class_id))
            return []  # a framework's base class: what a call of it runs is not established
        for candidate in candidates:
            summary = self.project.summary(candidate)
            for sub_id, cls in (summary.classes.items() if summary is not None else ()):
                if any(base in self._ref_entities(candidate, ref) for ref in cls.bases):
                    found.append((candidate, sub_id))
                    found += self.subclasses(candidate, sub_id)
        self._subclasses[(module, class_id)] = found = list(dict.fromkeys(found))
        return found

    def _may_be_subclassed(self, module: str, class_id: str) -> bool:
        return bool(self.subclasses(module, class_id)) or (module, class_id) in self._subclasses_unknown

    def _imports_any(self, module: str, names: Set[str]) -> bool:
        return not self.project.absolute_imports(module).isdisjoint(names)

    # -- values --------------------------------------------------------------------

    def returns(self, key: FunctionKey) -> Atoms:
        """What calling the function returns, resolved."""
        cached = (key, self._following)
        if cached in self._returns:
            return self._returns[cached]
        function = self.function(key)
        if function is None or cached in self._returning:
            return NO_ATOMS
        self._returning.add(cached)
        try:
            result = self.resolve(key[0], function.returns)
        finally:
            self._returning.discard(cached)
        self._returns[cached] = result
        return result

    def resolve(self, module: str, atoms: Atoms, depth: int = 0, hops: int = 0) -> Atoms:
        """Concrete atoms (kinds, instances, classes) for atoms written in ``module``.
        A parameter's value is looked up in its callers ``hops`` times over (a
        rule's question gets ARGUMENT_HOPS; each lookup has one fewer, so the
        answer never depends on which question came first)."""
        if depth > RESOLVE_DEPTH:
            return NO_ATOMS
        found: Set[Atom] = set()
        for atom in atoms:
            if isinstance(atom, ObjectKind):
                found.add(atom)
                continue
            tag = atom[0]
            if tag in ("instance", "class"):
                found.add((tag, atom[1] if atom[1] is not None else module, atom[2]))
            elif tag == "ret":
                found |= self._call_result(module, atom[1], depth + 1)
            elif tag == "global":
                for entity in self._ref_entities(module, atom[1], depth + 1):
                    found |= self._entity_value(entity, depth + 1, hops)
            elif tag == "method":
                base = self.resolve(module, atom[1], depth + 1, hops)
                found |= call_result(kinds_in(base), atom[2], atom[3])
                for instance in _instances(base):
                    for entity in self._class_member(instance[1], instance[2], atom[2], depth + 1):
                        if entity[0] == "function":
                            found |= self.returns((entity[1], entity[2]))
            elif tag == "item":
                found |= item_result(kinds_in(self.resolve(module, atom[1], depth + 1, hops)), atom[2])
            elif tag == "arg":
                if hops > 0:
                    found |= self.passed_for((module, atom[1]), atom[2], hops - 1)
            elif tag == "attr":
                base = self.resolve(module, atom[1], depth + 1, hops)
                found |= attribute_result(kinds_in(base), atom[2])
                for instance in _instances(base):
                    for entity in self._class_member(instance[1], instance[2], atom[2], depth + 1):
                        found |= self._entity_value(entity, depth + 1, hops)
        return frozenset(found)

    def kinds(self, module: str, atoms: Atoms, hops: int = 0) -> FrozenSet[ObjectKind]:
        """The kinds among the concrete atoms of ``atoms``. A name imported
        from a module that can hold no such object (it imports no module of
        the project, and says neither boto3 nor a concurrency module) has none,
        and that module is not read for it."""
        kept = frozenset(atom for atom in atoms if not self._names_no_object(module, atom))
        return kinds_in(self.resolve(module, kept, 0, hops))

    def _names_no_object(self, module: str, atom: Atom) -> bool:
        """A name defined there, what calling it returns, and what its methods
        return (what they return is resolved without their callers' arguments).
        Not an attribute: one set from a parameter can hold what a caller passes."""
        if not isinstance(atom, tuple):
            return False
        if atom[0] in ("global", "ret") and atom[1][0] == "name":
            return self._defined_without_objects(module, atom[1][1], 0)
        if atom[0] == "method":
            return bool(atom[1]) and all(self._names_no_object(module, base) for base in atom[1])
        return False

    def _defined_without_objects(self, module: str, dotted: str, depth: int) -> bool:
        """Whether ``dotted`` (written in ``module``) is a name that a module
        holding no objects defines, through any re-exports."""
        absolute = self.project.absolute(module, dotted)
        if absolute is None or depth > RESOLVE_DEPTH or self.project.has_module(absolute):
            return False
        defining, _, name = absolute.rpartition(".")
        if not defining or not self.project.has_module(defining):
            return False
        if self.project.holds_no_objects(defining):
            return True
        summary = self.project.summary(defining)
        entries = summary.exports.get(name, []) if summary is not None else []
        return bool(entries) and all(
            entry[0] == "import" and self._defined_without_objects(defining, entry[1], depth + 1) for entry in entries
        )

    def passed_for(self, key: FunctionKey, index: int, hops: int) -> Atoms:
        """What every project call of the function passes for its parameter
        ``index``, resolved (their own parameters ``hops`` times over): nothing
        when no call is found, or when one passes something unknown or nothing
        at all (its default, ``**kwargs``)."""
        if (key, index, hops) in self._passed:
            return self._passed[(key, index, hops)]
        function = self.function(key)
        calls = self.callers(key) if function is not None and index < len(function.params) else []
        found: Set[Atom] = set()
        for module, call in calls:
            atoms = _argument_for(call, function, index)
            resolved = self.resolve(module, atoms, 0, hops) if atoms else NO_ATOMS
            if not resolved:
                found = set()
                break
            found |= resolved
        result = self._passed[(key, index, hops)] = frozenset(found)
        return result

    def callers(self, key: FunctionKey) -> Iterator[Tuple[str, CallSummary]]:
        """The calls of the function in the project, with the module of each.
        Only modules whose imports name it (or its class, or its module) and
        whose text calls it by name are read, those already summarised first:
        ``passed_for`` stops at the first call that passes something unknown,
        often before a module has to be parsed."""
        for candidate in self._caller_modules(key):
            found = self._calls_in.get((candidate, key))
            if found is None:
                found = self._calls_in[(candidate, key)] = self._calls_of(candidate, key)
            for call in found:
                yield candidate, call

    def _caller_modules(self, key: FunctionKey) -> List[str]:
        if key in self._callers:
            return self._callers[key]
        module, function_id = key
        outer, (owner, _, name) = function_id.partition(".")[0], function_id.rpartition(".")
        called = _called_name(function_id)
        if name == "__init__" and self._may_be_subclassed(module, owner):
            # A subclass is constructed under its own name, or passes its
            # ``super().__init__`` what it likes: not every caller is known.
            self._callers[key] = []
            return []
        wanted = {module, f"{module}.{outer}"}
        candidates = [module] + [
            importer
            for importer in sorted(self.project.importers(module))
            if self._imports_any(importer, wanted) and self.project.may_call(importer, called)
        ]
        if len(candidates) > MAX_MODULES_READ:
            candidates = []  # called all over the project: what it is passed is not established
        candidates.sort(key=lambda candidate: not self.project.summarised(candidate))
        self._callers[key] = candidates
        return candidates

    def _calls_of(self, candidate: str, key: FunctionKey) -> List[CallSummary]:
        """The calls of the function in module ``candidate``."""
        summary = self.project.summary(candidate)
        if summary is None:
            return []
        called = _called_name(key[1])
        # ``from pkg.mod import Processor as P``: a call of ``P`` may be one of it too.
        names = {called} | {
            alias for alias, written in import_aliases(summary).items() if written.rpartition(".")[2] == called
        }
        return [
            call
            for function in summary.functions.values()
            for call in function.calls
            if _last_name(call.callee) in names and key in self.call_targets(candidate, call.callee)
        ]

    def _call_result(self, module: str, ref: Ref, depth: int) -> Atoms:
        found: Set[Atom] = set()
        for entity in self._ref_entities(module, ref, depth):
            if entity[0] == "function":
                found |= self.returns((entity[1], entity[2]))
            elif entity[0] == "class":
                found.add(("instance", entity[1], entity[2]))
        return frozenset(found)

    def _entity_value(self, entity: Entity, depth: int, hops: int = 0) -> Atoms:
        if entity[0] == "class":
            return frozenset({("class", entity[1], entity[2])})
        if entity[0] == "value":
            return self.resolve(entity[1], entity[2], depth + 1, hops)
        return NO_ATOMS

    # -- regions -------------------------------------------------------------------

    def _spawns_of(self, module: str) -> None:
        summary = self.project.summary(module)
        if summary is None:
            return
        for spawn in summary.spawns:
            if spawn.worker is not None:
                workers = [Worker(spawn.worker)]
            else:
                workers = pool_worker(kinds_in(self.resolve(module, spawn.receiver)), spawn.method)
            entries = [target for ref in spawn.entries for target in self.call_targets(module, ref, overrides=True)]
            for worker in dict.fromkeys(workers):
                forked = spawn.forked or (spawn.worker is None and worker is Worker.PROCESS)
                self._add_region(entries, worker, module, spawn.line, spawn.owner, forked, spawn.without_pickling)
        for function_id, function in summary.functions.items():
            for call in function.calls:
                if _passes_callables(call) and self._may_hand_off(module, call.callee):
                    self._wrapper_calls(module, function_id, call)
            for decorator in function.decorators:
                if not self._may_hand_off(module, decorator):
                    continue
                for target in self.call_targets(module, decorator):
                    handoffs = self.handoffs(target)
                    if 0 in handoffs:
                        worker, line = handoffs[0]
                        self._add_region(
                            [(module, function_id)], Worker(worker), target[0], line, target[1],
                            Worker(worker) is Worker.PROCESS, False,
                        )

    def _may_hand_off(self, module: str, ref: Ref) -> bool:
        """Whether ``ref`` can name a function that hands its argument to
        workers, judged without reading its module when its text says it cannot."""
        if ref[0] != "name":
            return True
        absolute = self.project.absolute(module, ref[1])
        return absolute is not None and self.project.may_start_workers(absolute)

    def _wrapper_calls(self, module: str, caller: str, call) -> None:
        """``run_parallel(upload, items)``: a call of a function that hands an
        argument to workers starts a region with what was passed."""
        for target in self.call_targets(module, call.callee):
            wrapper = self.function(target)
            if wrapper is None:
                continue
            for index, (worker, _) in self.handoffs(target).items():
                refs = _passed_as(call, wrapper, index)
                entries = [entry for ref in refs for entry in self.call_targets(module, ref, overrides=True)]
                if entries:
                    self._add_region(
                        entries, Worker(worker), module, call.line, caller, Worker(worker) is Worker.PROCESS, False
                    )

    def handoffs(self, key: FunctionKey) -> Dict[int, Tuple[str, int]]:
        """Parameter index -> (worker, line of the spawn) for the arguments the
        function hands to workers: itself, or by passing them on to a function
        that does (``run_concurrently(fn)`` calling ``run_in_executor(fn)``
        through any chain of project wrappers)."""
        if key in self._handoffs:
            return self._handoffs[key]
        function = self.function(key)
        if function is None or key in self._handing_off:
            return {}
        self._handing_off.add(key)
        try:
            found = dict(function.handoffs)
            for call in function.calls:
                forwarded = _forwarded_parameters(call, key[1])
                if not forwarded or not self._may_hand_off(key[0], call.callee):
                    continue
                for target in self.call_targets(key[0], call.callee):
                    wrapper = self.function(target)
                    if wrapper is None:
                        continue
                    for index, handoff in self.handoffs(target).items():
                        for ref in _passed_as(call, wrapper, index):
                            if ref in forwarded:
                                found.setdefault(ref[2], handoff)
        finally:
            self._handing_off.discard(key)
        self._handoffs[key] = found
        return found

    def may_declare_profile_option(self, module: str, ref: Ref) -> bool:
        """Whether calling ``ref`` (written in ``module``: a decorator, a helper
        given the parser) may declare a command-line option choosing the AWS
        profile: a project function that does, or calls or nests one that does.
        A name of the project that leads to no function it can read may too."""
        targets = self.call_targets(module, ref)
        if not targets:
            return ref[0] == "name" and self.is_project_name(module, ref[1])
        return any(self._declares_profile_option(target) for target in targets)

    def _declares_profile_option(self, key: FunctionKey) -> bool:
        """Whether ``key`` or a function it reaches (by calling or nesting it) declares one."""
        if key not in self._profile_options:
            seen: Set[FunctionKey] = set()
            todo = [key]
            found = False
            while todo and not found:
                if len(seen) > MAX_FUNCTIONS_FOLLOWED:
                    found = True  # too far to tell: not established that none does
                    break
                current = todo.pop()
                function = self.function(current) if current not in seen else None
                seen.add(current)
                if function is None:
                    continue
                found = function.declares_profile_option
                todo += [(current[0], nested) for nested in function.nested]
                todo += [target for call in function.calls for target in self.call_targets(current[0], call.callee)]
            self._profile_options[key] = found
        return self._profile_options[key]

    def is_project_name(self, module: str, dotted: str) -> bool:
        """Whether ``dotted`` (an imported name, written in ``module``) is in one of the project's own modules."""
        if self.project.layout is None:
            return False
        absolute = self.project.absolute(module, dotted)
        return absolute is not None and any(self.project.has_module(name) for name in modules_of([absolute]))

    def _add_region(
        self, entries: List[FunctionKey], worker: Worker, module: str, line: int, owner: str, forked: bool,
        without_pickling: bool,
    ) -> None:
        if not entries:
            return
        name: RegionKey = (module, line, worker.value, owner)
        start = () if owner == MODULE_BODY else (owner,)
        region = self.regions.setdefault(name, set())
        # A test that runs product code on a thread says nothing of how the product runs it.
        from_test = self.project.is_test_module(module)
        for key, chain in self._reach(entries, start):
            if key in region or (from_test and not self.project.is_test_module(key[0])):
                continue
            region.add(key)
            self.origins.setdefault(key, []).append(Origin(name, worker, module, line, chain, forked, without_pickling))

    def _reach(self, entries: List[FunctionKey], start: Tuple[str, ...], per_invocation: bool = False):
        """Each function the entries reach (nested functions and callees,
        transitively), once, with the chain of names that leads to it. With
        ``per_invocation``, what a call made once and kept runs is not
        followed (a lazy initialisation runs on the first invocation only;
        on a worker thread it still runs there)."""
        queue = [(key, start + (key[1],)) for key in dict.fromkeys(entries)]
        seen: Set[FunctionKey] = set()
        while queue:
            key, chain = queue.pop(0)
            if key in seen:
                continue
            seen.add(key)
            yield key, chain
            function = self.function(key)
            if function is None:
                continue
            for nested in function.nested:
                queue.append(((key[0], nested), chain))  # nested code runs as part of its function
            for call in function.calls:
                if per_invocation and call.once:
                    continue
                for target in self._followed(key[0], call.callee):
                    if target not in seen:
                        queue.append((target, chain + (target[1],)))

    def _followed(self, module: str, ref: Ref) -> List[FunctionKey]:
        """What a call in a region or invocation runs, as far as it can lead
        to the modules the facts are about."""
        self._following = True
        try:
            return self.call_targets(module, ref, overrides=True)
        finally:
            self._following = False

    def _handlers_of(self, module: str) -> None:
        summary = self.project.summary(module)
        if summary is None:
            return
        for handler in summary.handlers:
            for key, chain in self._reach([(module, handler)], (), per_invocation=True):
                self.invocations.setdefault(key, []).append(Invocation(module, handler, chain))

    # -- uses that are no calls -----------------------------------------------------

    def used_elsewhere(self, module: str, function_id: str) -> Optional[Tuple[str, str]]:
        """``("signature", where)`` when a module that imports ``module`` reads the
        function's signature; ``("value", where)`` when one outside test code uses
        it other than by calling it (a callback, a registry entry). ``where`` is
        that module's path. Names re-exported by a package are not followed."""
        target = ("function", module, function_id)
        for importer in sorted(self.project.importers(module)):
            summary = self.project.summary(importer)
            if summary is None:
                continue
            where = self.project.display_path(importer)
            if any(target in self.lookup(importer, name) for name in summary.signature_reads):
                return "signature", where
            if not self.project.is_test_module(importer):
                if any(target in self.lookup(importer, name) for name in summary.value_uses):
                    return "value", where
        return None

    # -- Lambda modules --------------------------------------------------------------

    def lambda_module(self, module: str) -> bool:
        """True for a module with Lambda handlers, and for one that only Lambda
        modules import (tests aside), however many imports away: its
        module-level code runs once per execution environment. Modules that
        import each other are Lambda modules when every module importing any
        of them, from outside, is one (a package and its submodules). A test
        module is not: the test runner runs it (and its imports are not read)."""
        known = self._lambda_modules.get(module)
        if known is None:
            known = not self.project.is_test_module(module) and self._only_run_by_handlers(module)
            self._lambda_modules[module] = known
        return known

    def _only_run_by_handlers(self, module: str) -> bool:
        """Whether every chain of imports that can run ``module`` starts in a
        handler module, and one does."""
        seen: Set[str] = set()
        pending = [module]
        reached_handler = False
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            answer = self._lambda_modules.get(current)
            if answer is None and self.project.may_define_handlers(current):
                summary = self.project.summary(current)
                answer = True if summary is not None and summary.handlers else None
            if answer is False:
                return False
            if answer:
                reached_handler = True
                continue
            # A test that imports the module to test it does not run it outside Lambda.
            importers = [i for i in self.project.importers(current) if not self.project.is_test_module(i)]
            if not importers:
                return False  # run by something that is no Lambda handler: a script, an entry point, a library's user
            # In a fixed order: which summaries are read must not vary by run.
            pending.extend(sorted(importers, reverse=True))
        return reached_handler


def _bound(callee: FunctionSummary) -> int:
    """How many leading parameters a call does not pass: a method's ``self`` (or ``cls``)."""
    return 1 if callee.params[:1] in (["self"], ["cls"]) else 0


def _passed_as(call: CallSummary, callee: FunctionSummary, index: int) -> List[Ref]:
    """The refs ``call`` passes for the callee's parameter ``index``, by position
    or by name. A method's ``self`` (or ``cls``) is bound, not passed."""
    bound = _bound(callee)
    refs = list(call.positional.get(index - bound, [])) if index >= bound else []
    if index < len(callee.params):
        refs += call.keywords.get(callee.params[index], [])
    return refs


def _argument_for(call: CallSummary, callee: FunctionSummary, index: int) -> Atoms:
    """What ``call`` passes for the callee's parameter ``index`` (a method's ``self`` is bound)."""
    bound = _bound(callee)
    if index - bound in call.arguments:
        return call.arguments[index - bound]
    return call.keyword_arguments.get(callee.params[index], NO_ATOMS)


def _called_name(function_id: str) -> str:
    """The name a call of the function uses: a constructor is called by its class's name."""
    name = function_id.rpartition(".")[2]
    return function_id.partition(".")[0] if name == "__init__" else name


def _last_name(ref: Ref) -> str:
    """The name a call is written with: ``f`` of ``pkg.f``, ``obj.f`` and a local ``f``."""
    if ref[0] == "member":
        return ref[2]
    return ref[1].rpartition(".")[2] if ref[0] in ("name", "local") else ""


def _passes_callables(call: CallSummary) -> bool:
    """Whether ``call`` passes a function (not only the caller's own parameters)."""
    return any(ref[0] != "param" for refs in (*call.positional.values(), *call.keywords.values()) for ref in refs)


def _forwarded_parameters(call: CallSummary, function_id: str) -> Set[Ref]:
    """The calling function's own parameters that ``call`` passes on."""
    passed = [ref for refs in (*call.positional.values(), *call.keywords.values()) for ref in refs]
    return {ref for ref in passed if ref[0] == "param" and ref[1] == function_id}


def _instances(atoms: Atoms) -> List[tuple]:
    return [atom for atom in atoms if isinstance(atom, tuple) and atom[0] in ("instance", "class")]


