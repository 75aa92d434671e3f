"""What runs on another thread or process, and which boto3 objects it shares.

The AWS2xx rules (``rules/threads.py``) all need the same facts about a file:
where it starts threads or processes, which functions run there (the target,
and the same-file functions it calls), and which boto3 objects that code
reaches that were made outside it. This module works them out once per file
from the semantic model, through the same name resolution as every other rule,
and never guesses: an object whose kind or origin is unknown is left alone.
"""

from __future__ import annotations

import enum
import weakref
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterator, List, Optional, Sequence, Set, Tuple, Union

import libcst as cst

from botolint.engine import Context
from botolint.rules.default_session import default_session_factory
from botolint.semantic import Binding, BindingKind, Scope

Function = Union[cst.FunctionDef, cst.Lambda]
# How far values are followed through assignments before giving up.
MAX_DEPTH = 8
# An assignment to an attribute: (the value, or None for a bare annotation; the statement).
_Assignment = Tuple[Optional[cst.BaseExpression], cst.CSTNode]


class Worker(enum.Enum):
    THREAD = "thread"
    PROCESS = "process"
    EITHER = "thread or process"  # an executor whose kind is not known


class ObjectKind(enum.Enum):
    SESSION = "Session"
    RESOURCE = "resource"
    CLIENT = "client"
    MODULE = "boto3"  # the boto3 module itself, as in ``(session or boto3).client(...)``


# Classes whose instances run a ``target`` on a new thread or process.
THREAD_CLASSES = {
    "threading.Thread": Worker.THREAD,
    "multiprocessing.dummy.Process": Worker.THREAD,
    "multiprocessing.Process": Worker.PROCESS,
    "multiprocessing.context.Process": Worker.PROCESS,
}
EXECUTORS = {
    "concurrent.futures.ThreadPoolExecutor": Worker.THREAD,
    "concurrent.futures.thread.ThreadPoolExecutor": Worker.THREAD,
    "concurrent.futures.ProcessPoolExecutor": Worker.PROCESS,
    "concurrent.futures.process.ProcessPoolExecutor": Worker.PROCESS,
    "concurrent.futures.Executor": Worker.EITHER,
}
MP_POOLS = {
    "multiprocessing.Pool": Worker.PROCESS,
    "multiprocessing.pool.Pool": Worker.PROCESS,
    "multiprocessing.pool.ThreadPool": Worker.THREAD,
    "multiprocessing.dummy.Pool": Worker.THREAD,
}
EXECUTOR_METHODS = frozenset({"submit", "map"})
POOL_METHODS = frozenset(
    {"map", "imap", "imap_unordered", "starmap", "apply", "apply_async", "map_async", "starmap_async"}
)
EVENT_LOOP_FACTORIES = ("asyncio.get_running_loop", "asyncio.get_event_loop", "asyncio.new_event_loop")
CONCURRENCY_MODULES = ("threading", "concurrent", "multiprocessing", "asyncio")
# multiprocessing.get_context(...) objects have these constructors.
CONTEXT_CONSTRUCTORS = {"Process": "process-class", "Pool": "pool"}


@dataclass(frozen=True)
class Pool:
    """A known executor or pool: which API it has and where its work runs."""

    family: str  # "executor" (concurrent.futures) or "pool" (multiprocessing)
    worker: Worker
    start_method: Optional[str] = None
    constructor: Optional[cst.Call] = None  # where it was made, when known


@dataclass
class Spawn:
    """One place that hands code to another thread or process."""

    worker: Worker
    entries: List[Function]
    passed: List[cst.BaseExpression]
    forked: bool  # a process started with fork (Linux's default before 3.14)
    passes_without_pickling: bool  # multiprocessing.Process args are inherited through fork


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


_FACTS: "weakref.WeakKeyDictionary[Context, ConcurrencyFacts]" = weakref.WeakKeyDictionary()


def concurrency_facts(ctx: Context) -> ConcurrencyFacts:
    """The file's facts, computed once however many rules ask."""
    facts = _FACTS.get(ctx)
    if facts is None:
        facts = _Analysis(ctx).facts() if _imports_concurrency(ctx) else ConcurrencyFacts()
        _FACTS[ctx] = facts
    return facts


def _imports_concurrency(ctx: Context) -> bool:
    scopes = [ctx.semantic.module_scope, *ctx.semantic.function_scopes.values()]
    for scope in scopes:
        for bindings in scope.bindings.values():
            for binding in bindings:
                name = binding.qualified_name or ""
                if binding.kind is BindingKind.IMPORT and name.split(".")[0] in CONCURRENCY_MODULES:
                    return True
    return False


def _positional(call: cst.Call) -> List[cst.Arg]:
    return [arg for arg in call.args if arg.keyword is None and not arg.star]


def _argument(call: cst.Call, index: int, keyword: str) -> Optional[cst.BaseExpression]:
    """The argument at ``index`` or passed as ``keyword=``."""
    value = _keyword(call, keyword)
    if value is not None:
        return value
    positional = _positional(call)
    return positional[index].value if index < len(positional) else None


def _keyword(call: cst.Call, keyword: str) -> Optional[cst.BaseExpression]:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    return None


def _extra_arguments(call: cst.Call, skip: int) -> List[cst.BaseExpression]:
    """Positional arguments after the first ``skip``, and keyword values."""
    extra = [arg.value for arg in _positional(call)[skip:]]
    return extra + [arg.value for arg in call.args if arg.keyword is not None]


def _string_value(node: Optional[cst.BaseExpression]) -> Optional[str]:
    if not isinstance(node, cst.SimpleString):
        return None
    try:
        value = node.evaluated_value
    except (SyntaxError, ValueError):  # the parser accepts escapes Python rejects, e.g. "\N{NO SUCH NAME}"
        return None
    return value if isinstance(value, str) else None


class _Analysis:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.semantic = ctx.semantic
        self.calls: List[cst.Call] = []
        self.classes: List[cst.ClassDef] = []
        self.owned_calls: Dict[Optional[cst.CSTNode], List[cst.Call]] = {}
        # Name loads and ``x.attr`` reads, per innermost function, in source order.
        self.owned_refs: Dict[Optional[cst.CSTNode], List[cst.CSTNode]] = {}
        self.nested: Dict[cst.CSTNode, List[Function]] = {}
        # class -> attribute -> [(assigned value or None, the assignment)]
        self.instance_attributes: Dict[cst.ClassDef, Dict[str, List[_Assignment]]] = {}
        self._callee_cache: Dict[cst.CSTNode, List[Function]] = {}
        self._candidate_cache: Dict[cst.CSTNode, List[_Candidate]] = {}
        self._binding_kind_cache: Dict[Binding, Set[ObjectKind]] = {}
        self._default_call_cache: Dict[cst.CSTNode, List[WorkerDefaultSessionCall]] = {}
        self._kinds_cache: Dict[cst.CSTNode, Set[ObjectKind]] = {}
        self._index()
        self.default_start_method = self._file_start_method()

    # -- indexing ------------------------------------------------------------

    def _index(self) -> None:
        for node, scope in self.semantic.scopes.items():
            owner = self._owner(scope)
            if isinstance(node, cst.Name):
                if self._is_load(node):
                    self.owned_refs.setdefault(owner, []).append(node)
            elif isinstance(node, cst.Attribute):
                if isinstance(node.value, cst.Name) and not self._is_store(node):
                    self.owned_refs.setdefault(owner, []).append(node)
            elif isinstance(node, cst.Call):
                self.calls.append(node)
                self.owned_calls.setdefault(owner, []).append(node)
            elif isinstance(node, (cst.Assign, cst.AnnAssign)):
                self._index_attribute_assignment(node, scope)
            elif isinstance(node, cst.ClassDef):
                self.classes.append(node)
        for function, scope in self.semantic.function_scopes.items():
            if isinstance(function, (cst.FunctionDef, cst.Lambda)) and scope.parent is not None:
                parent = self._owner(scope.parent)
                if parent is not None:
                    self.nested.setdefault(parent, []).append(function)

    @staticmethod
    def _owner(scope: Scope) -> Optional[cst.CSTNode]:
        function = scope.enclosing_function
        return function.node if function is not None else None

    def _is_load(self, name: cst.Name) -> bool:
        parent = self.semantic.parent_of(name)
        if isinstance(parent, cst.Attribute) and parent.attr is name:
            return False
        if isinstance(parent, cst.Arg) and parent.keyword is name:
            return False
        return True

    def _is_store(self, node: cst.CSTNode) -> bool:
        parent = self.semantic.parent_of(node)
        if isinstance(parent, cst.AssignTarget):
            return True
        return isinstance(parent, (cst.AnnAssign, cst.AugAssign)) and parent.target is node

    def _index_attribute_assignment(self, node: Union[cst.Assign, cst.AnnAssign], scope: Scope) -> None:
        """Record ``self.x = value`` in methods and ``x = value`` in class bodies:
        both are what ``self.x`` reads."""
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        for target in targets:
            owner, attr = None, None
            if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name):
                owner, attr = self.self_class(target.value), target.attr.value
            elif isinstance(target, cst.Name) and isinstance(scope.node, cst.ClassDef):
                owner, attr = scope.node, target.value
            if owner is not None and attr is not None:
                attrs = self.instance_attributes.setdefault(owner, {})
                attrs.setdefault(attr, []).append((node.value, node))

    def _file_start_method(self) -> Optional[str]:
        for call in self.calls:
            if self.ctx.resolves_to(call.func, "multiprocessing.set_start_method"):
                return _string_value(_argument(call, 0, "method"))
        return None

    # -- name resolution -----------------------------------------------------

    def lookup(self, name: cst.Name) -> List[Binding]:
        scope = self.semantic.scopes.get(name)
        return scope.lookup(name.value) if scope is not None else []

    def self_class(self, name: cst.Name) -> Optional[cst.ClassDef]:
        """The class when ``name`` is the first parameter of one of its methods."""
        for binding in self.lookup(name):
            if binding.kind is not BindingKind.PARAMETER:
                continue
            method = binding.scope.node
            owner = binding.scope.parent
            if not isinstance(method, cst.FunctionDef) or owner is None or not isinstance(owner.node, cst.ClassDef):
                continue
            params = [*method.params.posonly_params, *method.params.params]
            if params and params[0] is binding.node and not self._is_staticmethod(method):
                return owner.node
        return None

    def _is_staticmethod(self, method: cst.FunctionDef) -> bool:
        return any(
            isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in method.decorators
        )

    def methods(self, owner: cst.ClassDef, name: str, depth: int = 0) -> List[cst.FunctionDef]:
        """``owner``'s method ``name``, looking into same-file base classes."""
        found = [
            statement
            for statement in owner.body.body
            if isinstance(statement, cst.FunctionDef) and statement.name.value == name
        ]
        if found or depth > MAX_DEPTH:
            return found
        for base in owner.bases:
            for base_class in self._classes_named(base.value):
                found += self.methods(base_class, name, depth + 1)
        return found

    def _classes_named(self, expr: cst.BaseExpression) -> List[cst.ClassDef]:
        if not isinstance(expr, cst.Name):
            return []
        return [b.node for b in self.lookup(expr) if isinstance(b.node, cst.ClassDef)]

    def values(
        self, expr: cst.BaseExpression, depth: int = 0, seen: Optional[Set[cst.CSTNode]] = None
    ) -> Iterator[Union[cst.BaseExpression, Binding]]:
        """Where ``expr``'s value may come from: the expressions assigned to it
        (followed through names and ``self`` attributes), or the parameter
        binding when it is an argument. Each expression is expanded once, so
        self-referential assignments cost no more than the file's size."""
        seen = set() if seen is None else seen
        if depth > MAX_DEPTH or expr in seen:
            return
        seen.add(expr)
        if isinstance(expr, cst.Name):
            for binding in self.lookup(expr):
                if binding.kind is BindingKind.ASSIGNMENT and binding.value is not None:
                    yield from self.values(binding.value, depth + 1, seen)
                elif binding.kind is BindingKind.PARAMETER:
                    yield binding
                elif binding.kind is BindingKind.IMPORT:
                    yield expr
        elif isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and self.self_class(expr.value):
            owner = self.self_class(expr.value)
            for value, _ in self.instance_attributes.get(owner, {}).get(expr.attr.value, []):
                if value is not None:
                    yield from self.values(value, depth + 1, seen)
        elif isinstance(expr, cst.BooleanOperation):
            yield from self.values(expr.left, depth + 1, seen)
            yield from self.values(expr.right, depth + 1, seen)
        elif isinstance(expr, cst.IfExp):
            yield from self.values(expr.body, depth + 1, seen)
            yield from self.values(expr.orelse, depth + 1, seen)
        elif not isinstance(expr, cst.Await):
            yield expr

    # -- what kind of boto3 object a value is ---------------------------------

    def kinds_of(self, expr: cst.BaseExpression, depth: int = 0) -> Set[ObjectKind]:
        """What boto3 objects ``expr`` may evaluate to (memoised per node)."""
        cached = self._kinds_cache.get(expr)
        if cached is not None:
            return cached
        if depth > MAX_DEPTH:
            return set()
        self._kinds_cache[expr] = set()  # a value defined through itself has no known kind
        kinds: Set[ObjectKind] = set()
        for value in self.values(expr):
            if isinstance(value, Binding):
                if value.annotation is not None:
                    kinds |= self.annotation_kinds(value.annotation)
            elif isinstance(value, cst.Call):
                kinds |= self._call_kinds(value, depth)
            elif isinstance(value, cst.Attribute):
                kinds |= self._attribute_kinds(value, depth)
            elif isinstance(value, cst.Name) and self.ctx.resolves_to(value, "boto3"):
                kinds.add(ObjectKind.MODULE)
        self._kinds_cache[expr] = kinds
        return kinds

    def _call_kinds(self, call: cst.Call, depth: int) -> Set[ObjectKind]:
        factory = default_session_factory(call, self.ctx)
        if factory is not None:
            return {ObjectKind(factory)}
        if self.ctx.resolves_to(call.func, "boto3.Session"):
            return {ObjectKind.SESSION}
        if not isinstance(call.func, cst.Attribute):
            return set()
        method = call.func.attr.value
        receiver = self.kinds_of(call.func.value, depth + 1)
        if method in ("client", "resource") and receiver & {ObjectKind.SESSION, ObjectKind.MODULE}:
            return {ObjectKind(method)}
        # Sub-resources and references are CamelCase (s3.Bucket, bucket.Object);
        # actions are snake_case and return plain data.
        if method[:1].isupper() and ObjectKind.RESOURCE in receiver:
            return {ObjectKind.RESOURCE}
        return set()

    def _attribute_kinds(self, attribute: cst.Attribute, depth: int) -> Set[ObjectKind]:
        # resource.meta.client is the client a resource was built on.
        inner = attribute.value
        if attribute.attr.value == "client" and isinstance(inner, cst.Attribute) and inner.attr.value == "meta":
            if ObjectKind.RESOURCE in self.kinds_of(inner.value, depth + 1):
                return {ObjectKind.CLIENT}
        return set()

    def annotation_kinds(self, annotation: cst.BaseExpression) -> Set[ObjectKind]:
        if isinstance(annotation, cst.Subscript):  # Optional[boto3.Session], Union[...]
            kinds: Set[ObjectKind] = set()
            for element in annotation.slice:
                if isinstance(element.slice, cst.Index):
                    kinds |= self.annotation_kinds(element.slice.value)
            return kinds
        if isinstance(annotation, cst.BinaryOperation):  # boto3.Session | None
            return self.annotation_kinds(annotation.left) | self.annotation_kinds(annotation.right)
        kinds = set()
        for name in self.ctx.qualified_names(annotation):
            kind = _annotation_kind(name)
            if kind is not None:
                kinds.add(kind)
        return kinds

    # -- executors, pools and event loops ---------------------------------------

    def pools(self, expr: cst.BaseExpression) -> List[Pool]:
        found = []
        for value in self.values(expr):
            if isinstance(value, Binding):
                if value.annotation is not None:
                    found += [p for name in self.ctx.qualified_names(value.annotation) for p in _pool_class(name)]
            elif isinstance(value, cst.Call):
                found += self._constructed_pools(value)
        return found

    def _constructed_pools(self, call: cst.Call) -> List[Pool]:
        found = []
        for name in self.ctx.qualified_names(call.func):
            for pool in _pool_class(name):
                start_method = None
                if pool.worker is Worker.PROCESS:
                    context = _keyword(call, "mp_context" if pool.family == "executor" else "context")
                    start_method = self._start_method(context)
                found.append(Pool(pool.family, pool.worker, start_method, call))
        if self._context_constructor(call) == "pool":
            start_method = self._start_method(call.func.value)
            found.append(Pool("pool", Worker.PROCESS, start_method, call))
        return found

    def _context_constructor(self, call: cst.Call) -> Optional[str]:
        """``"process-class"`` or ``"pool"`` for ``get_context(...).Process(...)`` / ``.Pool(...)``."""
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in CONTEXT_CONSTRUCTORS:
            if self._get_context_call(func.value) is not None:
                return CONTEXT_CONSTRUCTORS[func.attr.value]
        return None

    def _get_context_call(self, expr: Optional[cst.BaseExpression]) -> Optional[cst.Call]:
        if expr is None:
            return None
        for value in self.values(expr):
            if isinstance(value, cst.Call) and self.ctx.resolves_to(value.func, "multiprocessing.get_context"):
                return value
        return None

    def _start_method(self, context: Optional[cst.BaseExpression]) -> Optional[str]:
        """The start method of a ``get_context(...)`` value, else the file's
        ``set_start_method(...)``; None when neither says (the platform default)."""
        call = self._get_context_call(context)
        method = _string_value(_argument(call, 0, "method")) if call is not None else None
        return method or self.default_start_method

    def is_event_loop(self, expr: cst.BaseExpression) -> bool:
        return any(
            isinstance(value, cst.Call) and self.ctx.resolves_to(value.func, *EVENT_LOOP_FACTORIES)
            for value in self.values(expr)
        )

    # -- what a callable argument runs -----------------------------------------

    def callables(
        self, expr: cst.BaseExpression, depth: int = 0
    ) -> Tuple[List[Function], List[cst.BaseExpression]]:
        """The same-file functions ``expr`` calls when called, and the arguments
        it binds in advance (``functools.partial``)."""
        if depth > MAX_DEPTH:
            return [], []
        if isinstance(expr, cst.Lambda):
            return [expr], []
        if isinstance(expr, cst.Call) and self.ctx.resolves_to(expr.func, "functools.partial") and expr.args:
            functions, bound = self.callables(expr.args[0].value, depth + 1)
            return functions, bound + _extra_arguments(expr, 1)
        if isinstance(expr, cst.Name):
            functions: List[Function] = []
            bound: List[cst.BaseExpression] = []
            for binding in self.lookup(expr):
                if binding.kind is BindingKind.DEFINITION and isinstance(binding.node, cst.FunctionDef):
                    functions.append(binding.node)
                elif binding.kind is BindingKind.DEFINITION and isinstance(binding.node, cst.ClassDef):
                    functions += self.methods(binding.node, "__init__")  # constructing runs __init__
                elif binding.kind is BindingKind.ASSIGNMENT and binding.value is not None:
                    more, more_bound = self.callables(binding.value, depth + 1)
                    functions += more
                    bound += more_bound
            return functions, bound
        if isinstance(expr, cst.Attribute):
            owners = self._instance_classes(expr.value)
            return [method for owner in owners for method in self.methods(owner, expr.attr.value)], []
        return [], []

    def _instance_classes(self, expr: cst.BaseExpression) -> List[cst.ClassDef]:
        """Same-file classes that ``expr`` is an instance of (or is)."""
        if isinstance(expr, cst.Name):
            owner = self.self_class(expr)
            if owner is not None:
                return [owner]
            direct = self._classes_named(expr)
            if direct:
                return direct
        found = []
        for value in self.values(expr):
            if isinstance(value, cst.Call):
                found += self._classes_named(value.func)
            elif isinstance(value, Binding) and value.annotation is not None:
                found += self._classes_named(value.annotation)  # def start(job: Job)
        return found

    def region(self, entries: Sequence[Function]) -> Set[cst.CSTNode]:
        """The entries, the functions nested in them, and the same-file
        functions they call, transitively."""
        todo: List[cst.CSTNode] = list(entries)
        seen: Set[cst.CSTNode] = set()
        while todo:
            function = todo.pop()
            if function in seen:
                continue
            seen.add(function)
            todo += self.nested.get(function, [])
            todo += self._callees(function)
        return seen

    def _callees(self, function: cst.CSTNode) -> List[Function]:
        callees = self._callee_cache.get(function)
        if callees is None:
            callees = [f for call in self.owned_calls.get(function, []) for f in self.callables(call.func)[0]]
            self._callee_cache[function] = callees
        return callees

    # -- where work is handed to other threads ----------------------------------

    def spawns(self) -> Iterator[Spawn]:
        for call in self.calls:
            yield from self._spawns_at(call)
        for owner in self.classes:
            yield from self._subclass_spawns(owner)

    def _spawns_at(self, call: cst.Call) -> Iterator[Spawn]:
        for name in self.ctx.qualified_names(call.func):
            if name in THREAD_CLASSES:
                yield self._thread_spawn(call, THREAD_CLASSES[name], self.default_start_method)
            elif name == "threading.Timer":
                # Timer(interval, function, args, kwargs)
                passed = _unpack_arguments(_argument(call, 2, "args"), _argument(call, 3, "kwargs"))
                yield self._spawn(Worker.THREAD, _argument(call, 1, "function"), passed)
            elif name == "asyncio.to_thread" and _positional(call):
                yield self._spawn(Worker.THREAD, _positional(call)[0].value, _extra_arguments(call, 1))
        if self._context_constructor(call) == "process-class":
            yield self._thread_spawn(call, Worker.PROCESS, self._start_method(call.func.value))
        yield from self._initializer_spawns(call)
        if isinstance(call.func, cst.Attribute):
            yield from self._method_spawns(call, call.func)

    def _spawn(
        self,
        worker: Worker,
        target: Optional[cst.BaseExpression],
        passed: List[cst.BaseExpression],
        start_method: Optional[str] = None,
        without_pickling: bool = False,
    ) -> Spawn:
        entries, bound = self.callables(target) if target is not None else ([], [])
        receiver = self._bound_receiver(target)
        if receiver is not None:
            # pool.submit(bucket.upload_file, ...) runs a method of `bucket` on the worker.
            bound.insert(0, receiver)
        forked = worker is Worker.PROCESS and start_method in (None, "fork")
        return Spawn(worker, entries, bound + passed, forked, without_pickling)

    def _bound_receiver(self, target: Optional[cst.BaseExpression]) -> Optional[cst.BaseExpression]:
        """``obj`` when the target is ``obj.method`` (or a partial of it)."""
        for _ in range(MAX_DEPTH):
            if not (isinstance(target, cst.Call) and target.args):
                break
            if not self.ctx.resolves_to(target.func, "functools.partial"):
                break
            target = target.args[0].value
        return target.value if isinstance(target, cst.Attribute) else None

    def _thread_spawn(self, call: cst.Call, worker: Worker, start_method: Optional[str]) -> Spawn:
        # Thread(group, target, name, args, kwargs); multiprocessing.Process has the same signature,
        # and a forked Process inherits its arguments instead of pickling them.
        passed = _unpack_arguments(_argument(call, 3, "args"), _argument(call, 4, "kwargs"))
        return self._spawn(worker, _argument(call, 1, "target"), passed, start_method, without_pickling=True)

    def _initializer_spawns(self, call: cst.Call) -> Iterator[Spawn]:
        initializer = _keyword(call, "initializer")
        if initializer is None:
            return
        for pool in self._constructed_pools(call):
            passed = _unpack_arguments(_keyword(call, "initargs"), None)
            yield self._spawn(pool.worker, initializer, passed, pool.start_method)

    def _method_spawns(self, call: cst.Call, func: cst.Attribute) -> Iterator[Spawn]:
        method = func.attr.value
        if method == "run_in_executor":
            yield from self._executor_spawn(call, func)
            return
        if method not in EXECUTOR_METHODS and method not in POOL_METHODS:
            return
        for pool in self.pools(func.value):
            target = _argument(call, 0, "func" if pool.family == "pool" else "fn")
            if pool.family == "executor" and method == "submit":
                passed = _extra_arguments(call, 1)
            elif pool.family == "pool" and method in ("apply", "apply_async"):
                passed = _unpack_arguments(_argument(call, 1, "args"), _argument(call, 2, "kwds"))
            elif method in (EXECUTOR_METHODS if pool.family == "executor" else POOL_METHODS):
                passed = []
            else:
                continue
            spawn = self._spawn(pool.worker, target, passed, pool.start_method)
            # What the pool's initializer sets up runs in the same workers.
            spawn.entries += self._initializer_entries(pool)
            yield spawn

    def _initializer_entries(self, pool: Pool) -> List[Function]:
        initializer = _keyword(pool.constructor, "initializer") if pool.constructor is not None else None
        return self.callables(initializer)[0] if initializer is not None else []

    def _executor_spawn(self, call: cst.Call, func: cst.Attribute) -> Iterator[Spawn]:
        if not self.is_event_loop(func.value):
            return
        executor = _argument(call, 0, "executor")
        target = _argument(call, 1, "func")
        passed = _extra_arguments(call, 2)
        if executor is None or (isinstance(executor, cst.Name) and executor.value == "None"):
            yield self._spawn(Worker.THREAD, target, passed)  # the loop's default ThreadPoolExecutor
            return
        pools = self.pools(executor)
        if not pools:
            yield self._spawn(Worker.EITHER, target, passed)
        for pool in pools:
            yield self._spawn(pool.worker, target, passed, pool.start_method)

    def _subclass_spawns(self, owner: cst.ClassDef) -> Iterator[Spawn]:
        worker = self._thread_base(owner)
        if worker is not None:
            entries: List[Function] = list(self.methods(owner, "run"))
            forked = worker is Worker.PROCESS and self.default_start_method in (None, "fork")
            yield Spawn(worker, entries, [], forked, passes_without_pickling=True)

    def _thread_base(self, owner: cst.ClassDef, depth: int = 0) -> Optional[Worker]:
        """The kind of worker when ``owner`` derives from ``threading.Thread`` or
        ``multiprocessing.Process``, directly or through same-file classes."""
        if depth > MAX_DEPTH:
            return None
        for base in owner.bases:
            for name in self.ctx.qualified_names(base.value):
                if name in THREAD_CLASSES:
                    return THREAD_CLASSES[name]
            for base_class in self._classes_named(base.value):
                worker = self._thread_base(base_class, depth + 1)
                if worker is not None:
                    return worker
        return None

    # -- the facts -------------------------------------------------------------

    def facts(self) -> ConcurrencyFacts:
        shared: Dict[cst.CSTNode, SharedUse] = {}
        # Spawns whose code reaches the same functions share one pass over them.
        by_region: Dict[FrozenSet[cst.CSTNode], List[Spawn]] = {}
        regions: Dict[Tuple[cst.CSTNode, ...], FrozenSet[cst.CSTNode]] = {}
        for spawn in self.spawns():
            for node, kinds in self._passed_objects(spawn):
                forked_kinds = kinds if spawn.forked and spawn.passes_without_pickling else set()
                _merge(shared, node, kinds, {spawn.worker}, forked_kinds, passed=True)
            if spawn.entries:
                key = tuple(spawn.entries)
                if key not in regions:
                    regions[key] = frozenset(self.region(spawn.entries))
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
        order = {node: index for index, node in enumerate(self.semantic.scopes)}
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
            candidates += [c for ref in self.owned_refs.get(function, []) for c in self._candidate(ref)]
            self._candidate_cache[function] = candidates
        return candidates

    def _default_candidates(self, function: cst.CSTNode) -> Iterator["_Candidate"]:
        """``def work(key, session=SESSION)``: the default is made where the
        ``def`` runs and used wherever the function runs."""
        if not isinstance(function, (cst.FunctionDef, cst.Lambda)):
            return
        where = self._location(function)
        for param in _parameters(function.params):
            if param.default is not None:
                kinds = self.kinds_of(param.default) - {ObjectKind.MODULE}
                if kinds:
                    yield _Candidate(param.default, param, None, [(where, kinds)], all_or_nothing=False)

    def _candidate(self, ref: cst.CSTNode) -> Iterator["_Candidate"]:
        if isinstance(ref, cst.Name):
            bindings = self.lookup(ref)
            sources = [(self._binding_location(b), self._binding_kinds(b)) for b in bindings]
            if any(kinds for _, kinds in sources):
                defining = bindings[0].scope
                identity = (id(defining), ref.value)
                yield _Candidate(ref, identity, self._owner(defining), sources, all_or_nothing=False)
            return
        owner = self.self_class(ref.value)
        assignments = self.instance_attributes.get(owner, {}).get(ref.attr.value, []) if owner is not None else []
        sources = [
            (self._location(node), self.kinds_of(value) if value is not None else set()) for value, node in assignments
        ]
        if any(kinds for _, kinds in sources):
            # An attribute also assigned in the worker's code may be made per thread: leave it.
            yield _Candidate(ref, (owner, ref.attr.value), None, sources, all_or_nothing=True)

    def _location(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        scope = self.semantic.scopes.get(node)
        return self._owner(scope) if scope is not None else None

    def _binding_location(self, binding: Binding) -> Optional[cst.CSTNode]:
        """The function whose code creates the binding (None: module level)."""
        if binding.kind is BindingKind.PARAMETER:
            return self._owner(binding.scope)
        return self._location(binding.node)

    def _binding_kinds(self, binding: Binding) -> Set[ObjectKind]:
        kinds = self._binding_kind_cache.get(binding)
        if kinds is None:
            kinds = set()
            if binding.kind is BindingKind.PARAMETER and binding.annotation is not None:
                kinds = self.annotation_kinds(binding.annotation)
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
                    for call in self.owned_calls.get(function, [])
                    for kind in [default_session_factory(call, self.ctx)]
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


def _parameters(params: cst.Parameters) -> List[cst.Param]:
    star = [params.star_arg] if isinstance(params.star_arg, cst.Param) else []
    return [*params.posonly_params, *params.params, *star, *params.kwonly_params]


def _unpack_arguments(
    args: Optional[cst.BaseExpression], kwargs: Optional[cst.BaseExpression]
) -> List[cst.BaseExpression]:
    """The expressions in ``args=(a, b)`` and ``kwargs={"k": v}`` / ``dict(k=v)``."""
    passed: List[cst.BaseExpression] = []
    if isinstance(args, (cst.Tuple, cst.List)):
        passed += [element.value for element in args.elements if isinstance(element, cst.Element)]
    if isinstance(kwargs, cst.Dict):
        passed += [element.value for element in kwargs.elements if isinstance(element, cst.DictElement)]
    elif isinstance(kwargs, cst.Call) and isinstance(kwargs.func, cst.Name) and kwargs.func.value == "dict":
        passed += [arg.value for arg in kwargs.args if arg.keyword is not None]
    return passed


def _pool_class(name: str) -> List[Pool]:
    if name in EXECUTORS:
        return [Pool("executor", EXECUTORS[name])]
    if name in MP_POOLS:
        return [Pool("pool", MP_POOLS[name])]
    return []


def _annotation_kind(name: str) -> Optional[ObjectKind]:
    if name == "boto3.Session":
        return ObjectKind.SESSION
    if name in ("botocore.client.BaseClient",):
        return ObjectKind.CLIENT
    if name in ("boto3.resources.base.ServiceResource",):
        return ObjectKind.RESOURCE
    if name.startswith("mypy_boto3_"):  # the boto3-stubs type packages
        if name.endswith("Client"):
            return ObjectKind.CLIENT
        if ".service_resource." in name or name.endswith("ServiceResource"):
            return ObjectKind.RESOURCE
    return None


def object_text(ctx: Context, node: cst.CSTNode, limit: int = 40) -> str:
    """Short source text of ``node`` for a message."""
    text = " ".join(ctx.module.code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
