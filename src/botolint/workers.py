"""Where a module hands code to another thread or process, and what runs there.

A spawn is a call (or a class) that runs code elsewhere: ``threading.Thread``
and ``Timer`` targets, ``Thread``/``Process`` subclasses' ``run``,
``concurrent.futures`` executors' ``submit``/``map``, ``multiprocessing`` pools
and their initializers, ``asyncio.to_thread`` and ``loop.run_in_executor``. Its
entries are refs (see ``botolint.kinds``) to what it runs, wherever that is
defined: the project layer follows them, and the functions they call, into
other modules. An executor made elsewhere (a factory's result) is kept as the
atoms of its value, for the project layer to resolve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, List, Optional, Tuple

import libcst as cst

from botolint.kinds import (
    EXECUTOR_CLASSES,
    EXECUTOR_METHODS,
    MAX_DEPTH,
    NO_ATOMS,
    POOL_KINDS,
    POOL_METHODS,
    THREAD_CLASSES,
    Atoms,
    ObjectKind,
    Ref,
    Worker,
    is_concrete,
)
from botolint.objects import Values, string_value
from botolint.semantic import Binding, BindingKind, Owner, SemanticModel


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


def _imports_concurrency(semantic: SemanticModel) -> bool:
    for scope in semantic.module_scope.walk():
        for bindings in scope.bindings.values():
            for binding in bindings:
                name = binding.qualified_name or ""
                if binding.kind is BindingKind.IMPORT and name.split(".")[0] in CONCURRENCY_MODULES:
                    return True
    return False


def module_workers(ctx) -> "Workers":
    """The spawn analysis of the file a rule context is about, built once per file."""
    return ctx.memo(_module_workers)


def _module_workers(ctx) -> "Workers":
    from botolint.objects import module_values

    return Workers(ctx.semantic, module_values(ctx))


@dataclass
class Spawn:
    """One place that hands code to another thread or process."""

    site: cst.CSTNode  # the call, or the Thread/Process subclass
    owner: Owner  # the function whose code hands it over (None: import time)
    worker: Optional[Worker]  # None: decided by what ``receiver`` turns out to be
    entries: List[Ref]
    passed: List[cst.BaseExpression]
    forked: bool  # a process started with fork (Linux's default before 3.14)
    passes_without_pickling: bool  # multiprocessing.Process args are inherited through fork
    # An executor made elsewhere: its value's atoms, and the method called on it.
    receiver: Atoms = field(default=NO_ATOMS)
    method: str = ""


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



class Workers:
    """The spawns of one module and the code each runs."""

    def __init__(self, semantic: SemanticModel, values: Values) -> None:
        self.semantic = semantic
        self.values = values
        # Starting a thread or process takes one of these modules: without them, no spawn.
        self.imports_concurrency = _imports_concurrency(semantic)
        self.default_start_method = self._file_start_method() if self.imports_concurrency else None
        self._spawns: Optional[List[Spawn]] = None

    def resolves_to(self, node: cst.CSTNode, *names: str) -> bool:
        return not self.semantic.qualified_names(node).isdisjoint(names)

    def _file_start_method(self) -> Optional[str]:
        for call in self.semantic.call_order:
            if self.resolves_to(call.func, "multiprocessing.set_start_method"):
                return string_value(_argument(call, 0, "method"))
        return None

    # -- executors, pools and event loops ---------------------------------------

    def pools(self, expr: cst.BaseExpression) -> List[Pool]:
        """The executors and pools ``expr`` is made (or annotated) as in this file."""
        found = []
        for value in self.values.values(expr):
            if isinstance(value, Binding):
                if value.annotation is not None:
                    found += [
                        Pool(*POOL_KINDS[kind])
                        for kind in self.values.annotation_kinds(value.annotation)
                        if kind in POOL_KINDS
                    ]
            elif isinstance(value, cst.Call):
                found += self._constructed_pools(value)
        return found

    def _constructed_pools(self, call: cst.Call) -> List[Pool]:
        found = []
        for kind in self._constructor_kinds(call.func):
            family, worker = POOL_KINDS[kind]
            start_method = None
            if worker is Worker.PROCESS:
                context = _keyword(call, "mp_context" if family == "executor" else "context")
                start_method = self._start_method(context)
            found.append(Pool(family, worker, start_method, call))
        if self._context_constructor(call) == "pool":
            start_method = self._start_method(call.func.value)
            found.append(Pool("pool", Worker.PROCESS, start_method, call))
        return found

    def _constructor_kinds(self, func: cst.BaseExpression) -> List[ObjectKind]:
        """The executor classes ``func`` may be, through names bound to them
        (``executor_class = debug and SerialExecutor or ThreadPoolExecutor``)."""
        found: List[ObjectKind] = []
        for value in [func, *self.values.values(func)]:
            if isinstance(value, (cst.Name, cst.Attribute)):
                for name in sorted(self.semantic.qualified_names(value)):
                    kind = EXECUTOR_CLASSES.get(name)
                    if kind is not None and kind not in found:
                        found.append(kind)
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
        method = string_value(_argument(call, 0, "method")) if call is not None else None
        return method or self.default_start_method

    def is_event_loop(self, expr: cst.BaseExpression) -> bool:
        return any(
            isinstance(value, cst.Call) and self.resolves_to(value.func, *EVENT_LOOP_FACTORIES)
            for value in self.values.values(expr)
        )

    # -- what a callable argument runs -----------------------------------------

    def callables(self, expr: cst.BaseExpression, depth: int = 0) -> Tuple[List[Ref], List[cst.BaseExpression]]:
        """What calling ``expr`` runs, as refs, and the arguments it binds in
        advance (``functools.partial``)."""
        if depth > MAX_DEPTH:
            return [], []
        if isinstance(expr, cst.Lambda):
            return [("local", self.semantic.definition_id(expr))], []
        if isinstance(expr, cst.Call) and self.resolves_to(expr.func, "functools.partial") and expr.args:
            refs, bound = self.callables(expr.args[0].value, depth + 1)
            return refs, bound + _extra_arguments(expr, 1)
        if isinstance(expr, cst.Name):
            refs: List[Ref] = []
            bound: List[cst.BaseExpression] = []
            for binding in self.values.lookup(expr):
                if binding.kind is BindingKind.DEFINITION and isinstance(binding.node, cst.ClassDef):
                    # constructing runs __init__
                    refs.append(
                        ("member", frozenset({("class", None, self.semantic.definition_id(binding.node))}), "__init__")
                    )
                elif binding.kind is BindingKind.ASSIGNMENT and binding.value is not None:
                    more, more_bound = self.callables(binding.value, depth + 1)
                    refs += more
                    bound += more_bound
            refs += [ref for ref in self.values.callee_refs(expr) if ref[0] != "local" or not self._is_class_ref(ref)]
            return list(dict.fromkeys(refs)), bound
        if isinstance(expr, cst.Attribute):
            return self.values.callee_refs(expr), []
        return [], []

    def _is_class_ref(self, ref: Ref) -> bool:
        return any(
            isinstance(node, cst.ClassDef) and self.semantic.definition_id(node) == ref[1]
            for node in self.semantic.scope_created_by
        )

    # -- where work is handed to other threads ----------------------------------

    def spawns(self) -> List[Spawn]:
        if self._spawns is None and not self.imports_concurrency:
            self._spawns = []
        if self._spawns is None:
            found: List[Spawn] = []
            for call in self.semantic.call_order:
                found += self._spawns_at(call)
            for owner in self.semantic.scope_created_by:
                if isinstance(owner, cst.ClassDef):
                    found += self._subclass_spawns(owner)
            self._spawns = found
        return self._spawns

    def _spawns_at(self, call: cst.Call) -> Iterator[Spawn]:
        for name in self.semantic.qualified_names(call.func):
            if name in THREAD_CLASSES:
                yield self._thread_spawn(call, THREAD_CLASSES[name], self.default_start_method)
            elif name == "threading.Timer":
                # Timer(interval, function, args, kwargs)
                passed = _unpack_arguments(_argument(call, 2, "args"), _argument(call, 3, "kwargs"))
                yield self._spawn(call, Worker.THREAD, _argument(call, 1, "function"), passed)
            elif name == "asyncio.to_thread" and _positional(call):
                yield self._spawn(call, Worker.THREAD, _positional(call)[0].value, _extra_arguments(call, 1))
        if self._context_constructor(call) == "process-class":
            yield self._thread_spawn(call, Worker.PROCESS, self._start_method(call.func.value))
        yield from self._initializer_spawns(call)
        if isinstance(call.func, cst.Attribute):
            yield from self._method_spawns(call, call.func)

    def _spawn(
        self,
        site: cst.CSTNode,
        worker: Optional[Worker],
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
        owner = self.semantic.scope_of(site).owner
        return Spawn(site, owner, worker, entries, bound + passed, forked, without_pickling)

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
        return self._spawn(call, worker, _argument(call, 1, "target"), passed, start_method, without_pickling=True)

    def _initializer_spawns(self, call: cst.Call) -> Iterator[Spawn]:
        initializer = _keyword(call, "initializer")
        if initializer is None:
            return
        for pool in self._constructed_pools(call):
            passed = _unpack_arguments(_keyword(call, "initargs"), None)
            yield self._spawn(call, pool.worker, initializer, passed, pool.start_method)

    def _method_spawns(self, call: cst.Call, func: cst.Attribute) -> Iterator[Spawn]:
        method = func.attr.value
        if method == "run_in_executor":
            yield from self._executor_spawn(call, func)
            return
        if method not in EXECUTOR_METHODS and method not in POOL_METHODS:
            return
        pools = self.pools(func.value)
        for pool in pools:
            target = _argument(call, 0, "func" if pool.family == "pool" else "fn")
            passed = self._task_arguments(call, pool.family, method)
            if passed is None:
                continue
            spawn = self._spawn(call, pool.worker, target, passed, pool.start_method)
            # What the pool's initializer sets up runs in the same workers.
            spawn.entries += self._initializer_entries(pool)
            yield spawn
        if not pools:
            # An executor from elsewhere (a factory, another module): kept for the project layer.
            receiver = frozenset(atom for atom in self.values.atoms_of(func.value) if not is_concrete(atom))
            if receiver:
                target = _argument(call, 0, "fn") or _argument(call, 0, "func")
                spawn = self._spawn(call, None, target, self._task_arguments(call, "executor", method) or [])
                spawn.receiver, spawn.method = receiver, method
                yield spawn

    @staticmethod
    def _task_arguments(call: cst.Call, family: str, method: str) -> Optional[List[cst.BaseExpression]]:
        """The arguments a task is called with, or None when ``method`` is not of this family."""
        if family == "executor" and method == "submit":
            return _extra_arguments(call, 1)
        if family == "pool" and method in ("apply", "apply_async"):
            return _unpack_arguments(_argument(call, 1, "args"), _argument(call, 2, "kwds"))
        if method in (EXECUTOR_METHODS if family == "executor" else POOL_METHODS):
            return []
        return None

    def _initializer_entries(self, pool: Pool) -> List[Ref]:
        initializer = _keyword(pool.constructor, "initializer") if pool.constructor is not None else None
        return self.callables(initializer)[0] if initializer is not None else []

    def _executor_spawn(self, call: cst.Call, func: cst.Attribute) -> Iterator[Spawn]:
        if not self.is_event_loop(func.value):
            return
        executor = _argument(call, 0, "executor")
        target = _argument(call, 1, "func")
        passed = _extra_arguments(call, 2)
        if executor is None or (isinstance(executor, cst.Name) and executor.value == "None"):
            yield self._spawn(call, Worker.THREAD, target, passed)  # the loop's default ThreadPoolExecutor
            return
        pools = self.pools(executor)
        if not pools:
            yield self._spawn(call, Worker.EITHER, target, passed)
        for pool in pools:
            yield self._spawn(call, pool.worker, target, passed, pool.start_method)

    def _subclass_spawns(self, owner: cst.ClassDef) -> Iterator[Spawn]:
        worker = self._thread_base(owner)
        if worker is not None:
            class_atoms = frozenset({("class", None, self.semantic.definition_id(owner))})
            forked = worker is Worker.PROCESS and self.default_start_method in (None, "fork")
            scope_owner = self.semantic.scope_of(owner).owner
            yield Spawn(
                owner, scope_owner, worker, [("member", class_atoms, "run")], [], forked, passes_without_pickling=True
            )

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
