"""Whether a test module that imports the checked ones can start a region
holding one of their functions, judged from Python's ``ast`` of its text
before LibCST parses it.

A region a module starts holds what its entries reach through calls. Its
entries are what a spawn or a call of a possible wrapper is given (a
function, a method, a lambda), or a function a possible wrapper decorates.
To get from one module into another, a call names what it runs: a function,
the class whose ``__init__`` runs, a method by its attribute name, or an
alias of one of those. So a region can only hold a function of a checked
module if the code it can run uses, as a name, one a checked module
defines. This follows those names from the entries, through the code that
defines them (in the module and in the modules it imports that import the
checked ones too), and stops at the first name of a checked module.

A call "may hand work over" unless its function is a name imported from
elsewhere that the project index says hands nothing to workers (the test
the project layer itself applies before it looks for a wrapper): anything
else (a local function, a method, a variable) may. A region started by a
test holds test code only, so only the checked test modules' names count.
"""

from __future__ import annotations

import ast
import warnings
from typing import Callable, Dict, FrozenSet, Iterable, List, Optional, Set, Tuple

# The names of what ``botolint.workers`` recognises as starting a thread or a
# process when it comes from the standard library.
SPAWN_API = frozenset({"Thread", "Process", "Timer", "to_thread"})

# Ruling a test module out pays off while what it leads to is a few modules to
# parse: where it leads into most of a large project (every test of moto
# imports the package that imports all of it), summarising the test module
# itself, and what its regions run, costs far less.
PARSE_AT_MOST = 100

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_BINDING_PATTERNS = (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)


class Part:
    """A piece of a module's code that runs as a whole: a module-level
    statement (one name of an import), a function, a class's own code, a
    method. ``names``: what other code runs it by; ``uses``: the names its
    code uses; ``bound``: the names its code binds; ``calls``,
    ``definitions``, ``imports``: those nodes of its code."""

    __slots__ = ("names", "uses", "bound", "calls", "definitions", "imports", "methods")

    def __init__(self, names: Optional[FrozenSet[str]], nodes: List[ast.AST]) -> None:
        uses: Set[str] = set()
        bound: Set[str] = set()
        self.calls: List[ast.Call] = []
        self.definitions: List[ast.stmt] = []
        self.imports: List[ast.stmt] = []
        for node in nodes:  # one walk for everything: this is most of the cost
            for found in ast.walk(node):
                kind = type(found)
                if kind is ast.Name:
                    (uses if isinstance(found.ctx, ast.Load) else bound).add(found.id)
                elif kind is ast.Attribute:
                    if not _is_super_call(found.value):  # what super() gives is never resolved
                        uses.add(found.attr)
                elif kind is ast.Call:
                    self.calls.append(found)
                elif kind in _DEFINITIONS:
                    bound.add(found.name)
                    self.definitions.append(found)
                elif kind is ast.alias:
                    uses.update(found.name.split("."))
                    bound.add(_bound_by(found))
                elif kind is ast.Import or kind is ast.ImportFrom:
                    self.imports.append(found)
                    if kind is ast.ImportFrom and found.module:
                        uses.update(found.module.split("."))
                elif kind in _BINDING_PATTERNS and found.name:
                    bound.add(found.name)
                elif kind is ast.MatchMapping and found.rest:
                    bound.add(found.rest)
        self.uses = frozenset(uses)
        self.bound = frozenset(bound)
        # A statement that is no def or class (if, try, with at module level)
        # runs by whatever it binds, however deep.
        self.names = self.bound if names is None else names
        self.methods: List["Part"] = []  # a class's


def parse(data: bytes) -> Optional[ast.Module]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(data)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def parts(tree: ast.Module) -> List[Part]:
    found: List[Part] = []
    for node in tree.body:
        found += _parts_of(node)
    return found


def _parts_of(node: ast.stmt) -> List[Part]:
    if isinstance(node, ast.ClassDef):
        return _class_parts(node)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return [Part(frozenset({node.name}), [node])]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        # One part per name: using one imported name uses no other.
        found = [Part(frozenset({_bound_by(alias)}), [alias]) for alias in node.names]
        found[0].imports.append(node)
        return found
    return [Part(None, [node])]


def _class_parts(node: ast.ClassDef) -> List[Part]:
    """The class's own code (bases, decorators, class-level statements) runs
    by the class's name, and so does ``__init__`` (constructing runs it); a
    method runs by its name; nested classes alike."""
    own_code = [*node.bases, *node.keywords, *node.decorator_list]
    own_code += [statement for statement in node.body if not isinstance(statement, _DEFINITIONS)]
    cls = Part(frozenset({node.name}), own_code)
    found = [cls]
    for member in node.body:
        if isinstance(member, ast.ClassDef):
            found += _class_parts(member)
        elif isinstance(member, _DEFINITIONS):
            names = {member.name, node.name} if member.name == "__init__" else {member.name}
            method = Part(frozenset(names), [member])
            cls.methods.append(method)
            found.append(method)
    return found


def _uses(nodes: Iterable[ast.AST]) -> FrozenSet[str]:
    return Part(frozenset(), list(nodes)).uses


def _bound_by(alias: ast.alias) -> str:
    """The name an import binds: ``import a.b`` binds ``a``."""
    return alias.asname or alias.name.partition(".")[0]


def _is_super_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


class _Entries:
    """Where the regions of one module start: the names its possible spawns
    and wrapper calls are given (``words``), the Thread subclasses' ``run``
    methods (``runs``), and the parts that hold a function a possible
    wrapper decorates (``decorated``)."""

    def __init__(self, own: List[Part], may_hand_off: Callable[[str], bool]) -> None:
        imports = [node for part in own for node in part.imports]
        self._imported = _imported_names(imports)
        # A name bound nowhere in the module (a builtin such as ``property``
        # or ``map``) names no project code, unless a star import may bind it.
        star = any(alias.name == "*" for node in imports for alias in node.names)
        self._bound = None if star else frozenset(name for part in own for name in part.bound)
        self._may_hand_off = may_hand_off
        self.words: Set[str] = set()
        self.runs: List[Part] = []
        self.decorated: List[Part] = []
        spawning_classes = set(SPAWN_API)
        for part in own:
            for call in part.calls:
                passes_initializer = any(keyword.arg == "initializer" for keyword in call.keywords)
                if passes_initializer or self._may_start(call.func):
                    self.words |= _uses([*call.args, *(keyword.value for keyword in call.keywords)])
            for definition in part.definitions:
                decorators = [d.func if isinstance(d, ast.Call) else d for d in definition.decorator_list]
                if not isinstance(definition, ast.ClassDef) and any(map(self._may_start, decorators)):
                    self.decorated.append(part)
                    break
            if part.methods and not part.uses.isdisjoint(spawning_classes):
                # A subclass of Thread or Process (or of one defined here): its run is the worker.
                spawning_classes |= part.names
                self.runs += [method for method in part.methods if "run" in method.names]

    def _may_start(self, func: ast.expr) -> bool:
        chain: List[str] = []
        while isinstance(func, ast.Attribute):
            chain.insert(0, func.attr)
            func = func.value
        if not isinstance(func, ast.Name):
            return True  # a method of a value: it may be a wrapper
        if func.id not in self._imported:
            return self._bound is None or func.id in self._bound  # a local function or value may be one
        written = ".".join([self._imported[func.id], *chain])
        return (chain[-1] if chain else written.rpartition(".")[2]) in SPAWN_API or self._may_hand_off(written)


def _imported_names(imports: List[ast.stmt]) -> Dict[str, str]:
    """Each name the imports bind, and what it names, as written (relative
    ones with their dots)."""
    found: Dict[str, str] = {}
    for node in imports:
        if isinstance(node, ast.Import):
            for alias in node.names:
                found[_bound_by(alias)] = alias.name if alias.asname else _bound_by(alias)
        elif isinstance(node, ast.ImportFrom):
            prefix = "." * node.level + (f"{node.module}." if node.module else "")
            for alias in node.names:
                found[alias.asname or alias.name] = prefix + alias.name
    return found


# The parts that run by a name, in the modules a region can lead to.
Defining = Callable[[str], List[Part]]


class Code:
    """The parts and entries of the modules a run asks about, each module
    parsed once however many checked files ask (a warm run asks per file)."""

    def __init__(self, text: Callable[[str], Optional[bytes]], may_hand_off: Callable[[str, str], bool]) -> None:
        self._text = text
        self._may_hand_off = may_hand_off
        self._parts: Dict[str, Optional[List[Part]]] = {}
        self._entries: Dict[str, Optional[_Entries]] = {}

    def parts_of(self, module: str) -> Optional[List[Part]]:
        """None when the module cannot be read or parsed."""
        if module not in self._parts:
            data = self._text(module)
            tree = parse(data) if data is not None else None
            self._parts[module] = parts(tree) if tree is not None else None
        return self._parts[module]

    def entries_of(self, module: str) -> Optional[_Entries]:
        if module not in self._entries:
            own = self.parts_of(module)
            self._entries[module] = _Entries(own, lambda name: self._may_hand_off(module, name)) if own else None
        return self._entries[module]


class Reach:
    """Answers ``may_reach(module)`` for a test module. ``test_targets``:
    the names the checked test modules define (what a region a test starts
    can hold); ``targets``: those of every checked module (what a function
    the test decorates with a wrapper from elsewhere can reach); ``imports``:
    the modules a module imports of those that import the checked ones (a
    region runs code of the modules its module imports, directly or not:
    only those can lead into the checked ones)."""

    def __init__(
        self, test_targets: FrozenSet[str], targets: FrozenSet[str], code: Code,
        imports: Callable[[str], Iterable[str]],
    ) -> None:
        self.test_targets = test_targets
        self.targets = targets
        self._code = code
        self._imports = imports
        self._imported: Dict[str, List[str]] = {}
        # Each name and the parts that define it, over the modules parsed so far:
        # test modules lead to much the same modules, each indexed once.
        self._by_name: Dict[str, List[Tuple[str, Part]]] = {}
        self._indexed: Set[str] = set()

    def may_reach(self, module: str) -> bool:
        """Whether a region that ``module`` starts can hold a function of the checked modules."""
        if self._code.parts_of(module) is None:
            return True  # unknown: never ruled out
        entries = self._code.entries_of(module)
        if entries is None:
            return False  # no code
        # Nothing can start a region that holds a target: no need to read what the module leads to.
        from_tests = bool(self.test_targets) and bool(entries.words or entries.runs)
        decorated = bool(self.targets) and bool(entries.decorated)
        if not (from_tests or decorated):
            return False
        defining = self._defining_parts(module)
        if defining is None:
            return True
        return (from_tests and _leads_into(entries.words, entries.runs, self.test_targets, defining)) or (
            decorated and _leads_into(set(), entries.decorated, self.targets, defining)
        )

    def _defining_parts(self, module: str) -> Optional[Defining]:
        """The parts of ``module`` and of the modules it leads to that run by
        each name; None when one of them cannot be parsed, or when more than
        PARSE_AT_MOST of them are still to parse."""
        leads_to = self._leads_to(module)
        if sum(1 for found in leads_to if found not in self._indexed) > PARSE_AT_MOST:
            return None
        for found in leads_to:
            if found in self._indexed:
                continue
            found_parts = self._code.parts_of(found)
            if found_parts is None:
                return None
            self._indexed.add(found)
            for part in found_parts:
                for name in part.names:
                    self._by_name.setdefault(name, []).append((found, part))
        return lambda name: [part for owner, part in self._by_name.get(name, ()) if owner in leads_to]

    def _leads_to(self, module: str) -> Set[str]:
        found = {module}
        todo = [module]
        while todo:
            current = todo.pop()
            imported = self._imported.get(current)
            if imported is None:
                imported = self._imported[current] = list(self._imports(current))
            for name in imported:
                if name not in found:
                    found.add(name)
                    todo.append(name)
        return found


def _leads_into(words: Set[str], start: List[Part], targets: FrozenSet[str], defining: Defining) -> bool:
    """Whether ``words`` and the code of ``start``, and the code that the
    names they use run, transitively, use a name of ``targets``."""
    if not targets:
        return False
    queue = [part for word in words for part in defining(word)] + start
    seen: Set[int] = set()
    used = set(words)
    if not used.isdisjoint(targets):
        return True
    while queue:
        part = queue.pop()
        if id(part) in seen:
            continue
        seen.add(id(part))
        new = part.uses - used
        if not new.isdisjoint(targets):
            return True
        used |= new
        for word in new:
            queue += defining(word)
    return False
