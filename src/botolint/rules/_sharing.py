"""Which boto3 objects code on another thread or process shares with the code
that made them, and which default-session calls run on worker threads: the
facts the AWS2xx rules (``rules/threads.py``) report, worked out once per file
from the spawns of ``rules/_workers.py`` and the value kinds of
``botolint.objects``. Nothing is guessed: an object whose kind or origin is
unknown is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

import libcst as cst

from botolint.objects import ObjectKind, Values, default_session_factory, module_values
from botolint.rule import Context
from botolint.rules._workers import CONCURRENCY_MODULES, Spawn, Worker, Workers
from botolint.semantic import Binding, BindingKind, Function, iter_params


@dataclass
class SharedUse:
    """A boto3 object made outside the worker's code and reached from it."""

    node: cst.CSTNode
    kinds: Set[ObjectKind]
    workers: Set[Worker] = field(default_factory=set)
    # Kinds that reach a forked process (captured, or passed without pickling).
    forked_kinds: Set[ObjectKind] = field(default_factory=set)
    passed: bool = False

    def worker_text(self) -> str:
        if self.workers == {Worker.THREAD}:
            return "on another thread"
        if self.workers == {Worker.PROCESS}:
            return "in another process"
        return "on another thread or process"

    def only_processes(self) -> bool:
        return self.workers == {Worker.PROCESS}


@dataclass(frozen=True)
class WorkerDefaultSessionCall:
    call: cst.Call
    kind: str  # "client" or "resource"
    function: Function


@dataclass
class ConcurrencyFacts:
    shared: List[SharedUse] = field(default_factory=list)
    default_session_calls: List[WorkerDefaultSessionCall] = field(default_factory=list)



def concurrency_facts(ctx: Context) -> ConcurrencyFacts:
    """The file's facts, computed once however many rules ask."""
    return ctx.memo(_concurrency_facts)


def _concurrency_facts(ctx: Context) -> ConcurrencyFacts:
    if not _imports_concurrency(ctx):
        return ConcurrencyFacts()
    values = module_values(ctx)
    return _Sharing(ctx, values, Workers(ctx.semantic, values)).facts()


def _imports_concurrency(ctx: Context) -> bool:
    scopes = [ctx.semantic.module_scope, *ctx.semantic.scope_created_by.values()]
    for scope in scopes:
        for bindings in scope.bindings.values():
            for binding in bindings:
                name = binding.qualified_name or ""
                if binding.kind is BindingKind.IMPORT and name.split(".")[0] in CONCURRENCY_MODULES:
                    return True
    return False



class _Sharing:
    def __init__(self, ctx: Context, values: Values, workers: Workers) -> None:
        self.ctx = ctx
        self.semantic = ctx.semantic
        self.values = values
        self.workers = workers
        self._candidate_cache: Dict[cst.CSTNode, List[_Candidate]] = {}
        self._binding_kind_cache: Dict[Binding, Set[ObjectKind]] = {}
        self._default_call_cache: Dict[cst.CSTNode, List[WorkerDefaultSessionCall]] = {}

    def kinds_of(self, expr: cst.BaseExpression) -> Set[ObjectKind]:
        return self.values.kinds_of(expr)

    # -- the facts -------------------------------------------------------------

    def facts(self) -> ConcurrencyFacts:
        shared: Dict[cst.CSTNode, SharedUse] = {}
        # Spawns whose code reaches the same functions share one pass over them.
        by_region: Dict[FrozenSet[cst.CSTNode], List[Spawn]] = {}
        regions: Dict[Tuple[cst.CSTNode, ...], FrozenSet[cst.CSTNode]] = {}
        for spawn in self.workers.spawns():
            for node, kinds in self._passed_objects(spawn):
                forked_kinds = kinds if spawn.forked and spawn.passes_without_pickling else set()
                _merge(shared, node, kinds, {spawn.worker}, forked_kinds, passed=True)
            if spawn.entries:
                key = tuple(spawn.entries)
                if key not in regions:
                    regions[key] = frozenset(self.workers.region(spawn.entries))
                by_region.setdefault(regions[key], []).append(spawn)
        calls: Dict[cst.Call, WorkerDefaultSessionCall] = {}
        for region, spawns in by_region.items():
            workers = {spawn.worker for spawn in spawns}
            # Pools pickle the task: only module globals reach a forked worker by
            # inheritance (closures and bound methods' ``self`` fail to pickle).
            forked_globals = any(spawn.forked for spawn in spawns)
            forked_all = any(spawn.forked and spawn.passes_without_pickling for spawn in spawns)
            for node, kinds, is_global in self._captured_objects(region):
                forked = forked_all or (forked_globals and is_global)
                _merge(shared, node, kinds, workers, kinds if forked else set(), passed=False)
            if Worker.THREAD in workers:
                for found in self._default_session_calls(region):
                    calls.setdefault(found.call, found)
        order = {node: index for index, node in enumerate(self.semantic.scope_by_node)}
        return ConcurrencyFacts(
            sorted(shared.values(), key=lambda use: order.get(use.node, 0)),
            sorted(calls.values(), key=lambda found: order.get(found.call, 0)),
        )

    def _passed_objects(self, spawn: Spawn) -> Iterator[Tuple[cst.CSTNode, Set[ObjectKind]]]:
        for expr in spawn.passed:
            kinds = self.kinds_of(expr) - {ObjectKind.MODULE}
            if kinds:
                yield expr, kinds

    def _captured_objects(
        self, region: FrozenSet[cst.CSTNode]
    ) -> Iterator[Tuple[cst.CSTNode, Set[ObjectKind], bool]]:
        """The first use, in each function of ``region``, of each boto3 object
        that was made outside the region, and whether it is a module global."""
        for function in region:
            seen: Set[object] = set()
            for candidate in self._candidates(function):
                if candidate.identity in seen:
                    continue
                kinds = candidate.kinds_outside(region)
                if kinds:
                    seen.add(candidate.identity)
                    yield candidate.ref, kinds, candidate.is_global

    def _candidates(self, function: cst.CSTNode) -> List["_Candidate"]:
        """The references in ``function`` that may read a boto3 object made
        elsewhere, worked out once whatever the region."""
        candidates = self._candidate_cache.get(function)
        if candidates is None:
            candidates = list(self._default_candidates(function))
            candidates += [c for ref in _references(self.semantic, function) for c in self._candidate(ref)]
            self._candidate_cache[function] = candidates
        return candidates

    def _default_candidates(self, function: cst.CSTNode) -> Iterator["_Candidate"]:
        """``def work(key, session=SESSION)``: the default is made where the
        ``def`` runs and used wherever the function runs."""
        if not isinstance(function, (cst.FunctionDef, cst.Lambda)):
            return
        where = self._location(function)
        for param in _positional_and_keyword(function.params):
            if param.default is not None:
                kinds = self.kinds_of(param.default) - {ObjectKind.MODULE}
                if kinds:
                    yield _Candidate(param.default, param, None, [(where, kinds)], all_or_nothing=False)

    def _candidate(self, ref: cst.CSTNode) -> Iterator["_Candidate"]:
        if isinstance(ref, cst.Name):
            bindings = self.values.lookup(ref)
            sources = [(self._binding_location(b), self._binding_kinds(b)) for b in bindings]
            if any(kinds for _, kinds in sources):
                defining = bindings[0].scope
                identity = (id(defining), ref.value)
                yield _Candidate(ref, identity, defining.owner, sources, all_or_nothing=False)
            return
        owner = self.values.self_class(ref.value)
        assignments = self.values.instance_attributes.get(owner, {}).get(ref.attr.value, []) if owner is not None else []
        sources = [
            (self._location(node), self.kinds_of(value) if value is not None else set()) for value, node in assignments
        ]
        if any(kinds for _, kinds in sources):
            # An attribute also assigned in the worker's code may be made per thread: leave it.
            yield _Candidate(ref, (owner, ref.attr.value), None, sources, all_or_nothing=True)

    def _location(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        scope = self.semantic.scope_by_node.get(node)
        return scope.owner if scope is not None else None

    def _binding_location(self, binding: Binding) -> Optional[cst.CSTNode]:
        """The function whose code creates the binding (None: module level)."""
        if binding.kind is BindingKind.PARAMETER:
            return binding.scope.owner
        return self._location(binding.node)

    def _binding_kinds(self, binding: Binding) -> Set[ObjectKind]:
        kinds = self._binding_kind_cache.get(binding)
        if kinds is None:
            kinds = set()
            if binding.kind is BindingKind.PARAMETER and binding.annotation is not None:
                kinds = self.values.annotation_kinds(binding.annotation)
            elif binding.kind is BindingKind.ASSIGNMENT and binding.value is not None:
                kinds = self.kinds_of(binding.value)
            kinds = kinds - {ObjectKind.MODULE}  # a new set: kinds_of's result is memoised
            self._binding_kind_cache[binding] = kinds
        return kinds

    def _default_session_calls(self, region: FrozenSet[cst.CSTNode]) -> Iterator[WorkerDefaultSessionCall]:
        for function in region:
            found = self._default_call_cache.get(function)
            if found is None:
                found = self._default_call_cache[function] = [
                    WorkerDefaultSessionCall(call, kind, function)
                    for call in self.semantic.calls.get(function, [])
                    for kind in [default_session_factory(call, self.semantic)]
                    if kind is not None
                ]
            yield from found


@dataclass
class _Candidate:
    """A reference in worker code that may read a boto3 object made elsewhere."""

    ref: cst.CSTNode
    identity: object  # the same object read twice has the same identity
    defining_function: Optional[cst.CSTNode]  # where the name is bound (None: module)
    sources: List[Tuple[Optional[cst.CSTNode], Set[ObjectKind]]]  # (where assigned, kinds)
    all_or_nothing: bool

    @property
    def is_global(self) -> bool:
        return not self.all_or_nothing and self.defining_function is None

    def kinds_outside(self, region: Set[cst.CSTNode]) -> Set[ObjectKind]:
        """The kinds of object this reads that were made outside ``region``."""
        if self.defining_function is not None and self.defining_function in region:
            return set()  # a local of the worker's own code
        inside = [location in region for location, _ in self.sources]
        if self.all_or_nothing and any(inside):
            return set()
        kinds: Set[ObjectKind] = set()
        for (_, source_kinds), is_inside in zip(self.sources, inside):
            if not is_inside:
                kinds |= source_kinds
        return kinds


def _merge(
    shared: Dict[cst.CSTNode, SharedUse],
    node: cst.CSTNode,
    kinds: Set[ObjectKind],
    workers: Set[Worker],
    forked_kinds: Set[ObjectKind],
    passed: bool,
) -> None:
    use = shared.get(node)
    if use is None:
        use = shared[node] = SharedUse(node, set(kinds), passed=passed)
    use.kinds |= kinds
    use.workers |= workers
    use.forked_kinds |= forked_kinds



def _merge(
    shared: Dict[cst.CSTNode, SharedUse],
    node: cst.CSTNode,
    kinds: Set[ObjectKind],
    workers: Set[Worker],
    forked_kinds: Set[ObjectKind],
    passed: bool,
) -> None:
    use = shared.get(node)
    if use is None:
        use = shared[node] = SharedUse(node, set(kinds), passed=passed)
    use.kinds |= kinds
    use.workers |= workers
    use.forked_kinds |= forked_kinds


def object_text(ctx: Context, node: cst.CSTNode, limit: int = 40) -> str:
    """Short source text of ``node`` for a message."""
    text = " ".join(ctx.module.code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _references(semantic, function: Optional[cst.CSTNode]) -> List[cst.CSTNode]:
    """Name reads and ``x.attr`` reads of a name, in ``function``'s own code."""
    return [
        node for node in semantic.reads.get(function, [])
        if isinstance(node, cst.Name) or isinstance(node.value, cst.Name)
    ]


def _positional_and_keyword(params: cst.Parameters) -> List[cst.Param]:
    """The parameters that can have defaults (``**kwargs`` cannot)."""
    return [param for param in iter_params(params) if param is not params.star_kwarg]
