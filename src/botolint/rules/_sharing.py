"""Which boto3 objects code on another thread or process shares with the code
that made them, and which default-session calls run on worker threads: the
facts the AWS2xx rules (``rules/threads.py``) report, worked out once per file
from the spawns of ``botolint.workers``, the project's worker regions and the value kinds of
``botolint.objects``. Nothing is guessed: an object whose kind or origin is
unknown is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterator, List, Optional, Set, Tuple

import libcst as cst

from botolint.kinds import BOTO3_KINDS, ObjectKind, Worker, kinds_in, pool_worker
from botolint.objects import Values, default_session_factory, module_values
from botolint.project.facts import Origin
from botolint.rule import Context
from botolint.semantic import Binding, BindingKind, Function, iter_params
from botolint.workers import Spawn, Workers, module_workers


@dataclass
class SharedUse:
    """A boto3 object made outside the worker's code and reached from it."""

    node: cst.CSTNode
    kinds: Set[ObjectKind]
    workers: Set[Worker] = field(default_factory=set)
    # Kinds that reach a forked process (captured, or passed without pickling).
    forked_kinds: Set[ObjectKind] = field(default_factory=set)
    passed: bool = False
    # Where the code that reads it is handed to workers (for a use, not a passed argument).
    origins: List[Origin] = field(default_factory=list)

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
    origin: Origin  # where the threads that run it are started


@dataclass
class ConcurrencyFacts:
    shared: List[SharedUse] = field(default_factory=list)
    default_session_calls: List[WorkerDefaultSessionCall] = field(default_factory=list)



def concurrency_facts(ctx: Context) -> ConcurrencyFacts:
    """The file's facts, computed once however many rules ask."""
    return ctx.memo(_concurrency_facts)


def _concurrency_facts(ctx: Context) -> ConcurrencyFacts:
    return _Sharing(ctx, module_values(ctx), module_workers(ctx)).facts()


class _Sharing:
    def __init__(self, ctx: Context, values: Values, workers: Workers) -> None:
        self.ctx = ctx
        self.view = ctx.project
        self.semantic = ctx.semantic
        self.values = values
        self.workers = workers
        self._candidate_cache: Dict[cst.CSTNode, List[_Candidate]] = {}
        self._binding_kind_cache: Dict[Binding, FrozenSet[ObjectKind]] = {}

    def kinds_of(self, expr: cst.BaseExpression) -> FrozenSet[ObjectKind]:
        return self.values.kinds_of(expr) & BOTO3_KINDS

    # -- the facts -------------------------------------------------------------

    def facts(self) -> ConcurrencyFacts:
        shared: Dict[cst.CSTNode, SharedUse] = {}
        for spawn in self.workers.spawns():
            for worker in self._workers_of(spawn):
                for node, kinds in self._passed_objects(spawn):
                    forked = worker is Worker.PROCESS and spawn.forked and spawn.passes_without_pickling
                    _merge(shared, node, kinds, {worker}, kinds if forked else set(), passed=True)
        calls: Dict[cst.Call, WorkerDefaultSessionCall] = {}
        for function in self.view.worker_functions():
            for origin in self.view.workers(function):
                # Pools pickle the task: only module globals reach a forked worker by
                # inheritance (closures and bound methods' ``self`` fail to pickle).
                forked_all = origin.forked and origin.without_pickling
                for node, kinds, is_global in self._captured_objects(function, origin):
                    forked = forked_all or (origin.forked and is_global)
                    _merge(shared, node, kinds, {origin.worker}, kinds if forked else set(), passed=False)
                    shared[node].origins.append(origin)
                if origin.worker is Worker.THREAD:
                    for call in self.semantic.calls.get(function, []):
                        kind = default_session_factory(call, self.semantic)
                        if kind is not None and call not in calls:
                            calls[call] = WorkerDefaultSessionCall(call, kind, function, origin)
        if not shared and not calls:
            return ConcurrencyFacts()
        order = {node: index for index, node in enumerate(self.semantic.scope_by_node)}
        return ConcurrencyFacts(
            sorted(shared.values(), key=lambda use: order.get(use.node, 0)),
            sorted(calls.values(), key=lambda found: order.get(found.call, 0)),
        )

    def _workers_of(self, spawn: Spawn) -> List[Worker]:
        if spawn.worker is not None:
            return [spawn.worker]
        receiver = self.view.resolve(spawn.receiver)
        return list(dict.fromkeys(pool_worker(kinds_in(receiver), spawn.method)))

    def _passed_objects(self, spawn: Spawn) -> Iterator[Tuple[cst.CSTNode, FrozenSet[ObjectKind]]]:
        for expr in _unpacked(spawn.passed):
            kinds = self.kinds_of(expr)
            if kinds:
                yield expr, kinds

    def _captured_objects(
        self, function: cst.CSTNode, origin: Origin
    ) -> Iterator[Tuple[cst.CSTNode, FrozenSet[ObjectKind], bool]]:
        """The first use, in ``function``, of each boto3 object made outside the
        region ``origin`` belongs to, and whether it is a module global."""
        seen: Set[object] = set()
        for candidate in self._candidates(function):
            if candidate.identity in seen:
                continue
            kinds = candidate.kinds_outside(self.view, origin)
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
                kinds = self.kinds_of(param.default)
                if kinds:
                    yield _Candidate(param.default, param, None, [(where, kinds)], all_or_nothing=False)

    def _candidate(self, ref: cst.CSTNode) -> Iterator["_Candidate"]:
        if isinstance(ref, cst.Name):
            bindings = self.values.lookup(ref)
            sources = [(self._binding_location(b), self._binding_kinds(b, ref)) for b in bindings]
            if any(kinds for _, kinds in sources):
                defining = bindings[0].scope
                identity = (id(defining), ref.value)
                yield _Candidate(ref, identity, defining.owner, sources, all_or_nothing=False)
            return
        owner = self.values.self_class(ref.value)
        assignments = (
            self.values.instance_attributes.get(owner, {}).get(ref.attr.value, []) if owner is not None else []
        )
        sources = [
            (self._location(node), self.kinds_of(value) if value is not None else frozenset())
            for value, node in assignments
        ]
        if any(kinds for _, kinds in sources):
            # An attribute also assigned in the worker's code may be made per thread: leave it.
            yield _Candidate(ref, (owner, ref.attr.value), None, sources, all_or_nothing=True)
        elif owner is not None and not assignments:
            kinds = self._inherited_kinds(owner, ref.attr.value)
            if kinds:
                identity = (owner, ref.attr.value)
                yield _Candidate(ref, identity, None, [(None, kinds)], all_or_nothing=True, made_by=owner)

    def _inherited_kinds(self, owner: cst.ClassDef, attribute: str) -> FrozenSet[ObjectKind]:
        """What a base class (of this module or another) assigns to
        ``self.<attribute>``; for a mixin that assigns it nowhere, what the
        classes that derive from it do."""
        instance = frozenset({("instance", None, self.semantic.definition_id(owner))})
        kinds = kinds_in(self.view.resolve(frozenset({("attr", instance, attribute)}))) & BOTO3_KINDS
        return kinds or kinds_in(self.view.assigned_by_subclasses(owner, attribute)) & BOTO3_KINDS

    def _location(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        scope = self.semantic.scope_by_node.get(node)
        return scope.owner if scope is not None else None

    def _binding_location(self, binding: Binding) -> Optional[cst.CSTNode]:
        """The function whose code creates the binding (None: module level)."""
        if binding.kind is BindingKind.PARAMETER:
            return binding.scope.owner
        return self._location(binding.node)

    def _binding_kinds(self, binding: Binding, ref: cst.Name) -> FrozenSet[ObjectKind]:
        kinds = self._binding_kind_cache.get(binding)
        if kinds is None:
            kinds = frozenset()
            if binding.kind is BindingKind.PARAMETER and binding.annotation is not None:
                kinds = self.values.annotation_kinds(binding.annotation) & BOTO3_KINDS
            elif binding.kind is BindingKind.ASSIGNMENT and binding.value is not None:
                kinds = self.kinds_of(binding.value)
            elif binding.kind is BindingKind.IMPORT:
                kinds = self.kinds_of(ref)  # a module-level object of another module
            self._binding_kind_cache[binding] = kinds
        return kinds


@dataclass
class _Candidate:
    """A reference in worker code that may read a boto3 object made elsewhere."""

    ref: cst.CSTNode
    identity: object  # the same object read twice has the same identity
    defining_function: Optional[cst.CSTNode]  # where the name is bound (None: module)
    sources: List[Tuple[Optional[cst.CSTNode], FrozenSet[ObjectKind]]]  # (where assigned, kinds)
    all_or_nothing: bool
    # An attribute a base class assigns: made where the object is constructed,
    # which is in the region when the worker's code constructs it itself.
    made_by: Optional[cst.ClassDef] = None

    @property
    def is_global(self) -> bool:
        return not self.all_or_nothing and self.defining_function is None

    def kinds_outside(self, view, origin: Origin) -> Set[ObjectKind]:
        """The kinds of object this reads that were made outside ``origin``'s region."""
        if self.defining_function is not None and not view.outside(origin, self.defining_function):
            return set()  # a local of the worker's own code
        if self.made_by is not None and not view.constructed_outside(origin, self.made_by):
            return set()
        inside = [not view.outside(origin, location) for location, _ in self.sources]
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
    kinds: FrozenSet[ObjectKind],
    workers: Set[Worker],
    forked_kinds: FrozenSet[ObjectKind],
    passed: bool,
) -> None:
    use = shared.get(node)
    if use is None:
        use = shared[node] = SharedUse(node, set(kinds), passed=passed)
    use.kinds |= kinds
    use.workers |= workers
    use.forked_kinds |= forked_kinds


def _unpacked(expressions: List[cst.BaseExpression]) -> Iterator[cst.BaseExpression]:
    """The expressions, and those inside literal containers (``{"s3": client}``,
    ``(client, bucket)``): a container passed to a worker carries its items along."""
    todo = list(reversed(expressions))
    while todo:
        expr = todo.pop()
        if isinstance(expr, (cst.Tuple, cst.List, cst.Set)):
            todo += [element.value for element in reversed(expr.elements) if isinstance(element, cst.Element)]
        elif isinstance(expr, cst.Dict):
            todo += [element.value for element in reversed(expr.elements) if isinstance(element, cst.DictElement)]
        else:
            yield expr


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
