"""Where a module hands code to another thread or process, and which of its
functions run there.

A spawn is a call (or a class) that runs code elsewhere: ``threading.Thread``
and ``Timer`` targets, ``Thread``/``Process`` subclasses' ``run``,
``concurrent.futures`` executors' ``submit``/``map``, ``multiprocessing`` pools
and their initializers, ``asyncio.to_thread`` and ``loop.run_in_executor``. Its
entries are the same-file functions it runs; the worker's region is those and
the same-file functions they call. Executors and pools are recognised where
they are made (or annotated) in the file; anything else is unknown.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

import libcst as cst

from botolint.objects import MAX_DEPTH, Values
from botolint.semantic import Binding, BindingKind, Function, SemanticModel


class Worker(enum.Enum):
    THREAD = "thread"
    PROCESS = "process"
    EITHER = "thread or process"  # an executor whose kind is not known


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



class Workers:
    """The spawns of one module and the code each runs."""

    def __init__(self, semantic: SemanticModel, values: Values) -> None:
        self.semantic = semantic
        self.values = values
        # Functions and lambdas defined directly in each function's code.
        self.nested: Dict[cst.CSTNode, List[Function]] = {}
        for function, scope in semantic.scope_created_by.items():
            if isinstance(function, (cst.FunctionDef, cst.Lambda)) and scope.parent is not None:
                parent = scope.parent.owner
                if parent is not None:
                    self.nested.setdefault(parent, []).append(function)
        self._callee_cache: Dict[cst.CSTNode, List[Function]] = {}
        self.default_start_method = self._file_start_method()

    def resolves_to(self, node: cst.CSTNode, *names: str) -> bool:
        return not self.semantic.qualified_names(node).isdisjoint(names)

    def _file_start_method(self) -> Optional[str]:
        for call in self.semantic.call_order:
            if self.resolves_to(call.func, "multiprocessing.set_start_method"):
                return _string_value(_argument(call, 0, "method"))
        return None

    # -- executors, pools and event loops ---------------------------------------

    def pools(self, expr: cst.BaseExpression) -> List[Pool]:
        found = []
        for value in self.values.values(expr):
            if isinstance(value, Binding):
                if value.annotation is not None:
                    found += [p for name in self.semantic.qualified_names(value.annotation) for p in _pool_class(name)]
            elif isinstance(value, cst.Call):
                found += self._constructed_pools(value)
        return found

    def _constructed_pools(self, call: cst.Call) -> List[Pool]:
        found = []
        for name in self.semantic.qualified_names(call.func):
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
        for value in self.values.values(expr):
            if isinstance(value, cst.Call) and self.resolves_to(value.func, "multiprocessing.get_context"):
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
            isinstance(value, cst.Call) and self.resolves_to(value.func, *EVENT_LOOP_FACTORIES)
            for value in self.values.values(expr)
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
        if isinstance(expr, cst.Call) and self.resolves_to(expr.func, "functools.partial") and expr.args:
            functions, bound = self.callables(expr.args[0].value, depth + 1)
            return functions, bound + _extra_arguments(expr, 1)
        if isinstance(expr, cst.Name):
            functions: List[Function] = []
            bound: List[cst.BaseExpression] = []
            for binding in self.values.lookup(expr):
                if binding.kind is BindingKind.DEFINITION and isinstance(binding.node, cst.FunctionDef):
                    functions.append(binding.node)
                elif binding.kind is BindingKind.DEFINITION and isinstance(binding.node, cst.ClassDef):
                    functions += self.values.methods(binding.node, "__init__")  # constructing runs __init__
                elif binding.kind is BindingKind.ASSIGNMENT and binding.value is not None:
                    more, more_bound = self.callables(binding.value, depth + 1)
                    functions += more
                    bound += more_bound
            return functions, bound
        if isinstance(expr, cst.Attribute):
            owners = self._instance_classes(expr.value)
            return [method for owner in owners for method in self.values.methods(owner, expr.attr.value)], []
        return [], []

    def _instance_classes(self, expr: cst.BaseExpression) -> List[cst.ClassDef]:
        """Same-file classes that ``expr`` is an instance of (or is)."""
        if isinstance(expr, cst.Name):
            owner = self.values.self_class(expr)
            if owner is not None:
                return [owner]
            direct = self.values.classes_named(expr)
            if direct:
                return direct
        found = []
        for value in self.values.values(expr):
            if isinstance(value, cst.Call):
                found += self.values.classes_named(value.func)
            elif isinstance(value, Binding) and value.annotation is not None:
                found += self.values.classes_named(value.annotation)  # def start(job: Job)
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
            callees = [f for call in self.semantic.calls.get(function, []) for f in self.callables(call.func)[0]]
            self._callee_cache[function] = callees
        return callees

    # -- where work is handed to other threads ----------------------------------

    def spawns(self) -> Iterator[Spawn]:
        for call in self.semantic.call_order:
            yield from self._spawns_at(call)
        for owner in self.semantic.scope_created_by:
            if isinstance(owner, cst.ClassDef):
                yield from self._subclass_spawns(owner)

    def _spawns_at(self, call: cst.Call) -> Iterator[Spawn]:
        for name in self.semantic.qualified_names(call.func):
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
            if not self.resolves_to(target.func, "functools.partial"):
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
            entries: List[Function] = list(self.values.methods(owner, "run"))
            forked = worker is Worker.PROCESS and self.default_start_method in (None, "fork")
            yield Spawn(worker, entries, [], forked, passes_without_pickling=True)

    def _thread_base(self, owner: cst.ClassDef, depth: int = 0) -> Optional[Worker]:
        """The kind of worker when ``owner`` derives from ``threading.Thread`` or
        ``multiprocessing.Process``, directly or through same-file classes."""
        if depth > MAX_DEPTH:
            return None
        for base in owner.bases:
            for name in self.semantic.qualified_names(base.value):
                if name in THREAD_CLASSES:
                    return THREAD_CLASSES[name]
            for base_class in self.values.classes_named(base.value):
                worker = self._thread_base(base_class, depth + 1)
                if worker is not None:
                    return worker
        return None

