"""The semantic model: scopes, bindings and name resolution from one fast walk.

LibCST's ScopeProvider and QualifiedNameProvider cost about six times the parse
itself, and a ``CSTVisitor`` pass rebuilds every node it leaves. The rules only
need to know what a handful of names refer to, so this module walks the tree
through its dataclass fields (skipping whitespace and punctuation), records the
scopes and bindings Python's own rules create, and collects the node types the
rules asked for, in source order. Resolution is then a dictionary lookup.
"""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import Callable, Dict, FrozenSet, Iterator, List, Optional, Set, Tuple, Type, Union

import libcst as cst


# Two spellings of one class: every qualified name the model gives is canonical.
CANONICAL_NAMES = {"boto3.session.Session": "boto3.Session"}


class ScopeKind(enum.Enum):
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"


Function = Union[cst.FunctionDef, cst.Lambda]
# What a function-level fact is keyed by: the function or lambda, None for import time.
Owner = Optional[Function]


class BindingKind(enum.Enum):
    IMPORT = "import"
    PARAMETER = "parameter"
    ASSIGNMENT = "assignment"
    DEFINITION = "definition"
    OTHER = "other"


@dataclass(eq=False)
class Binding:
    """One place where a name is bound in a scope."""

    name: str
    kind: BindingKind
    node: cst.CSTNode
    scope: "Scope"
    qualified_name: Optional[str] = None
    value: Optional[cst.BaseExpression] = None
    annotation: Optional[cst.BaseExpression] = None


@dataclass(eq=False)
class Scope:
    kind: ScopeKind
    node: cst.CSTNode
    parent: Optional["Scope"]
    bindings: Dict[str, List[Binding]] = field(default_factory=dict)
    global_names: Set[str] = field(default_factory=set)
    nonlocal_names: Set[str] = field(default_factory=set)
    children: List["Scope"] = field(default_factory=list)
    # Every name read in this scope (not in nested ones), in source order.
    loads: List[cst.Name] = field(default_factory=list)
    # Names spelled here that neither read nor bind a variable: the package of
    # ``from pkg import x``. A new name must avoid them too.
    mentions: Set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.kind in (ScopeKind.FUNCTION, ScopeKind.LAMBDA):
            self._function: Optional[Scope] = self
        else:
            self._function = self.parent._function if self.parent is not None else None
        # The function (or lambda) whose code runs this scope's code; None at import time.
        self.owner: Owner = self._function.node if self._function is not None else None

    @property
    def module(self) -> "Scope":
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope

    @property
    def runs_at_import(self) -> bool:
        """True when code in this scope runs as the module is executed: the module
        body, class bodies and comprehensions that sit directly in them."""
        return self.enclosing_function is None

    @property
    def enclosing_function(self) -> Optional["Scope"]:
        """The nearest function or lambda scope, this one included."""
        return self._function

    def defining_scope(self, name: str) -> Optional["Scope"]:
        """The scope whose binding of ``name`` a reference in this scope sees."""
        if name in self.global_names:
            return self.module
        if name in self.bindings and name not in self.nonlocal_names:
            return self
        scope = self.parent
        while scope is not None:
            if scope.kind is not ScopeKind.CLASS:
                if name in scope.global_names:
                    return scope.module
                if name in scope.bindings and name not in scope.nonlocal_names:
                    return scope
            scope = scope.parent
        return None

    def lookup(self, name: str) -> List[Binding]:
        scope = self.defining_scope(name)
        return scope.bindings[name] if scope is not None else []

    def walk(self) -> Iterator["Scope"]:
        """This scope and every scope nested in it."""
        todo = [self]
        while todo:
            scope = todo.pop()
            yield scope
            todo.extend(reversed(scope.children))

    def names_used(self) -> Set[str]:
        """Every variable name read, bound or declared in this scope and the
        scopes nested in it."""
        names: Set[str] = set()
        for scope in self.walk():
            names.update(scope.bindings)
            names.update(name.value for name in scope.loads)
            names |= scope.global_names | scope.nonlocal_names | scope.mentions
        return names


# Fields that only ever hold whitespace, comments or punctuation: never a name.
_TRIVIA_FIELDS = frozenset(
    {
        "lpar", "rpar", "lbracket", "rbracket", "lbrace", "rbrace", "leading_lines",
        "lines_after_decorators", "header", "footer", "comma", "dot", "equal", "colon",
        "semicolon", "trailing_whitespace", "newline", "operator", "asynchronous",
        "star_tok", "arrow", "default_indent", "default_newline", "encoding",
    }
)
_child_fields_cache: Dict[type, Tuple[str, ...]] = {}


def _child_fields(node_type: type) -> Tuple[str, ...]:
    names = _child_fields_cache.get(node_type)
    if names is None:
        names = tuple(
            f.name
            for f in dataclasses.fields(node_type)
            if f.name not in _TRIVIA_FIELDS and not f.name.startswith("whitespace")
        )
        _child_fields_cache[node_type] = names
    return names


def iter_children(node: cst.CSTNode) -> List[cst.CSTNode]:
    """The non-trivia children of ``node``, in field order."""
    children: List[cst.CSTNode] = []
    kinds = _value_kinds
    for name in _child_fields(type(node)):
        value = getattr(node, name)
        kind = kinds.get(type(value))
        if kind is None:
            kind = _value_kind(type(value))
        if kind is _NODE:
            children.append(value)
        elif kind is _SEQUENCE:
            for item in value:
                item_kind = kinds.get(type(item))
                if (item_kind if item_kind is not None else _value_kind(type(item))) is _NODE:
                    children.append(item)
    return children


# What a field's value is, by its type. isinstance against LibCST's abstract
# node classes goes through ABCMeta on every call; the tree walk asks millions of times.
_NODE, _SEQUENCE, _OTHER = "node", "sequence", "other"
_value_kinds: Dict[type, str] = {}


def _value_kind(value_type: type) -> str:
    kind = (
        _NODE if issubclass(value_type, cst.CSTNode)
        else _SEQUENCE if issubclass(value_type, (tuple, list)) else _OTHER
    )
    _value_kinds[value_type] = kind
    return kind


def names_in_expression(node: cst.CSTNode) -> Set[str]:
    """The variable names spelled in a small expression the model did not
    attribute to a scope of its own (a function's decorators, annotations and
    defaults): attribute names and keyword names are not variables."""
    names: Set[str] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        if isinstance(current, cst.Name):
            names.add(current.value)
        elif isinstance(current, cst.Attribute):
            todo.append(current.value)
        elif isinstance(current, cst.Arg):
            todo.append(current.value)
        else:
            todo.extend(iter_children(current))
    return names


def iter_params(params: cst.Parameters) -> Iterator[cst.Param]:
    """Every parameter, in order: positional-only, positional, ``*args``,
    keyword-only, ``**kwargs``."""
    yield from params.posonly_params
    yield from params.params
    if isinstance(params.star_arg, cst.Param):
        yield params.star_arg
    yield from params.kwonly_params
    if params.star_kwarg is not None:
        yield params.star_kwarg


def dotted_name(node: cst.CSTNode) -> Optional[str]:
    """``a.b.c`` for a Name/Attribute chain, None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return f"{head}.{node.attr.value}" if head is not None else None
    return None


_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
_Frame = Tuple[cst.CSTNode, Scope, Optional[cst.CSTNode]]


class SemanticModel:
    """Scopes, bindings, references, calls, parents and the collected nodes of one module."""

    def __init__(self, module: cst.Module, collect: FrozenSet[Type[cst.CSTNode]] = frozenset()) -> None:
        self.module = module
        self.module_scope = Scope(ScopeKind.MODULE, module, None)
        self.parents: Dict[cst.CSTNode, Optional[cst.CSTNode]] = {}
        # The scope each walked node is in.
        self.scope_by_node: Dict[cst.CSTNode, Scope] = {}
        # The scope each def, class, lambda and comprehension opens.
        self.scope_created_by: Dict[cst.CSTNode, Scope] = {}
        # Every call, and every name or attribute read, by the function whose
        # code runs it (a comprehension's or class body's code belongs to the
        # function around it), in source order.
        self.calls: Dict[Owner, List[cst.Call]] = {}
        self.call_order: List[cst.Call] = []  # every call, in source order
        self.returns: Dict[Owner, List[cst.Return]] = {}
        self.reads: Dict[Owner, List[Union[cst.Name, cst.Attribute]]] = {}
        # ``target = value`` assignments to attributes: (target, value or None, statement).
        self.attribute_stores: List[Tuple[cst.Attribute, Optional[cst.BaseExpression], cst.CSTNode]] = []
        self.collected: List[cst.CSTNode] = []
        self._collect = collect
        self._store_targets: Set[cst.CSTNode] = set()
        self._qualified_names: Dict[cst.CSTNode, FrozenSet[str]] = {}
        self._definition_ids: Optional[Dict[cst.CSTNode, str]] = None
        self._definitions: Optional[Dict[str, cst.CSTNode]] = None
        self._walk_indexes: Optional[Dict[cst.CSTNode, int]] = None
        self._walk()

    def release(self) -> None:
        """Break the cycles between scopes and their bindings, once the model
        is no longer wanted: the tree is then freed as soon as its last
        reference goes, and the cyclic collector never traverses it. The model
        answers nothing afterwards."""
        for scope in list(self.module_scope.walk()):
            scope.parent = scope._function = None
            scope.children = []
            scope.bindings = {}

    # -- queries -------------------------------------------------------------

    @property
    def store_targets(self) -> FrozenSet[cst.CSTNode]:
        """The attribute and subscript targets of assignment statements."""
        return frozenset(self._store_targets)

    def scope_of(self, node: cst.CSTNode) -> Scope:
        return self.scope_by_node[node]

    def names_used_in(self, function: cst.FunctionDef) -> Set[str]:
        """Every variable name a ``def`` reads, binds or declares, its own name,
        decorators, annotations and defaults included."""
        names = self.scope_created_by[function].names_used()
        names.add(function.name.value)
        header: List[cst.CSTNode] = [decorator.decorator for decorator in function.decorators]
        for param in iter_params(function.params):
            header += [part for part in (param.annotation, param.default) if part is not None]
        if function.returns is not None:
            header.append(function.returns)
        for node in header:
            names |= names_in_expression(node)
        return names

    def definition_id(self, node: cst.CSTNode) -> str:
        """A name for a def, class or lambda that is the same in every parse of
        the same source: ``Class.method``, ``outer.inner``, ``f.<lambda>``; a
        second definition of one name gets ``#2``."""
        if self._definition_ids is None:
            self._definition_ids = self._number_definitions()
        return self._definition_ids[node]

    def definition(self, definition_id: str) -> Optional[cst.CSTNode]:
        """The def, class or lambda ``definition_id`` names."""
        if self._definitions is None:
            if self._definition_ids is None:
                self._definition_ids = self._number_definitions()
            self._definitions = {value: key for key, value in self._definition_ids.items()}
        return self._definitions.get(definition_id)

    def _number_definitions(self) -> Dict[cst.CSTNode, str]:
        ids: Dict[cst.CSTNode, str] = {}
        seen: Dict[str, int] = {}
        for node, scope in self.scope_created_by.items():
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                name = node.name.value
            elif isinstance(node, cst.Lambda):
                name = "<lambda>"
            else:
                continue  # comprehensions are not definitions
            parent = scope.parent
            while parent is not None and parent.node not in ids and parent.parent is not None:
                parent = parent.parent  # through comprehensions
            prefix = ids.get(parent.node) if parent is not None else None
            qualified = f"{prefix}.{name}" if prefix else name
            seen[qualified] = seen.get(qualified, 0) + 1
            ids[node] = qualified if seen[qualified] == 1 else f"{qualified}#{seen[qualified]}"
        return ids

    def reads_of(self, binding: Binding) -> List[cst.Name]:
        """The names that read ``binding``'s variable (any of its bindings)."""
        return [
            load
            for scope in binding.scope.walk()
            for load in scope.loads
            if load.value == binding.name and scope.defining_scope(binding.name) is binding.scope
        ]

    def walk_index(self, node: cst.CSTNode) -> int:
        """Where the walk met ``node``: source order for the nodes of one scope."""
        if self._walk_indexes is None:
            self._walk_indexes = {walked: index for index, walked in enumerate(self.scope_by_node)}
        return self._walk_indexes[node]

    def parent_of(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return self.parents.get(node)

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        parent = self.parents.get(node)
        while parent is not None:
            yield parent
            parent = self.parents.get(parent)

    def qualified_names(self, node: cst.CSTNode, scope: Optional[Scope] = None) -> FrozenSet[str]:
        """What a Name/Attribute chain may refer to through imports, e.g.
        ``{"boto3.client"}`` for ``b.client`` after ``import boto3 as b``, in
        canonical spelling. ``scope`` is where the chain is read (default: where
        the node is)."""
        if scope is None:
            # Several rules ask about the same callee: resolve each node once.
            names = self._qualified_names.get(node)
            if names is None:
                names = self._qualified_names[node] = self._resolve(
                    node, self.scope_by_node.get(node, self.module_scope)
                )
            return names
        return self._resolve(node, scope)

    def _resolve(self, node: cst.CSTNode, scope: Scope) -> FrozenSet[str]:
        dotted = dotted_name(node)
        if dotted is None:
            return frozenset()
        head, _, rest = dotted.partition(".")
        names = set()
        for binding in scope.lookup(head):
            if binding.qualified_name is not None:
                name = f"{binding.qualified_name}.{rest}" if rest else binding.qualified_name
                names.add(CANONICAL_NAMES.get(name, name))
        return frozenset(names)

    # -- the walk ------------------------------------------------------------

    def _walk(self) -> None:
        stack: List[_Frame] = [(self.module, self.module_scope, None)]
        parents, scopes, collect, collected = self.parents, self.scope_by_node, self._collect, self.collected
        push = stack.append
        while stack:
            node, scope, parent = stack.pop()
            parents[node] = parent
            scopes[node] = scope
            node_type = type(node)
            if node_type in collect:
                collected.append(node)
            handler = _HANDLERS.get(node_type)
            # Reversed so that the stack pops children in source order.
            if handler is not None:
                for child, child_scope in reversed(handler(self, node, scope)):
                    push((child, child_scope, node))
            else:
                for child in reversed(iter_children(node)):
                    push((child, scope, node))

    def _bind(self, name: str, scope: Scope, kind: BindingKind, node: cst.CSTNode, **details) -> None:
        if name in scope.global_names:
            scope = scope.module
        elif name in scope.nonlocal_names and scope.parent is not None:
            scope = scope.parent.defining_scope(name) or scope
        scope.bindings.setdefault(name, []).append(Binding(name, kind, node, scope, **details))

    def _bind_target(
        self, target: cst.CSTNode, scope: Scope, kind: BindingKind, node: cst.CSTNode, value=None
    ) -> List[Tuple[cst.CSTNode, Scope]]:
        """Bind the names in an assignment target; return the parts to walk
        (attribute and subscript targets read their base)."""
        if isinstance(target, cst.Name):
            self._bind(target.value, scope, kind, node, value=value)
            return []
        if isinstance(target, (cst.Tuple, cst.List)):
            walk: List[Tuple[cst.CSTNode, Scope]] = []
            for element in target.elements:
                walk += self._bind_target(element.value, scope, kind, node)
            return walk
        if isinstance(target, cst.StarredElement):
            return self._bind_target(target.value, scope, kind, node)
        return [(target, scope)]

    def _store(self, target: cst.CSTNode, value: Optional[cst.BaseExpression], statement: cst.CSTNode) -> None:
        """An assignment statement's attribute or subscript target."""
        self._store_targets.add(target)
        if isinstance(target, cst.Attribute):
            self.attribute_stores.append((target, value, statement))

    def _new_scope(self, kind: ScopeKind, node: cst.CSTNode, parent: Scope) -> Scope:
        scope = Scope(kind, node, parent)
        parent.children.append(scope)
        self.scope_created_by[node] = scope
        return scope

    def _bind_parameters(self, params: cst.Parameters, scope: Scope) -> None:
        for param in iter_params(params):
            annotation = param.annotation.annotation if param.annotation is not None else None
            self._bind(param.name.value, scope, BindingKind.PARAMETER, param, annotation=annotation)



def _import_qualified_name(name: cst.CSTNode) -> str:
    return dotted_name(name) or ""


def _module_name(node: cst.ImportFrom) -> str:
    """The module an ``import from`` names, relative ones with their leading
    dots (``from ..pkg import x`` -> ``..pkg``): the project layer resolves them."""
    dots = "." * len(node.relative)
    module = dotted_name(node.module) if node.module is not None else ""
    return f"{dots}{module}"


_Children = List[Tuple[cst.CSTNode, Scope]]


def _function_def(model: SemanticModel, node: cst.FunctionDef, scope: Scope) -> _Children:
    model._bind(node.name.value, scope, BindingKind.DEFINITION, node)
    inner = model._new_scope(ScopeKind.FUNCTION, node, scope)
    model._bind_parameters(node.params, inner)
    children: _Children = [(d, scope) for d in node.decorators]
    children.append((node.params, scope))
    if node.returns is not None:
        children.append((node.returns, scope))
    children.append((node.body, inner))
    return children


def _lambda(model: SemanticModel, node: cst.Lambda, scope: Scope) -> _Children:
    inner = model._new_scope(ScopeKind.LAMBDA, node, scope)
    model._bind_parameters(node.params, inner)
    return [(node.params, scope), (node.body, inner)]


def _param(model: SemanticModel, node: cst.Param, scope: Scope) -> _Children:
    children: _Children = []
    if node.annotation is not None:
        children.append((node.annotation, scope))
    if node.default is not None:
        children.append((node.default, scope))
    return children


def _class_def(model: SemanticModel, node: cst.ClassDef, scope: Scope) -> _Children:
    model._bind(node.name.value, scope, BindingKind.DEFINITION, node)
    inner = model._new_scope(ScopeKind.CLASS, node, scope)
    children: _Children = [(d, scope) for d in node.decorators]
    children += [(arg, scope) for arg in (*node.bases, *node.keywords)]
    children.append((node.body, inner))
    return children


def _comprehension(model: SemanticModel, node: cst.CSTNode, scope: Scope) -> _Children:
    inner = model._new_scope(ScopeKind.COMPREHENSION, node, scope)
    first: cst.CompFor = node.for_in
    # The first iterable is evaluated in the enclosing scope; the rest inside.
    children: _Children = [(first.iter, scope)]
    children += model._bind_target(first.target, inner, BindingKind.OTHER, first)
    children += [(if_, inner) for if_ in first.ifs]
    if first.inner_for_in is not None:
        children.append((first.inner_for_in, inner))
    if isinstance(node, cst.DictComp):
        children += [(node.key, inner), (node.value, inner)]
    else:
        children.append((node.elt, inner))
    return children


def _comp_for(model: SemanticModel, node: cst.CompFor, scope: Scope) -> _Children:
    children = model._bind_target(node.target, scope, BindingKind.OTHER, node)
    children.append((node.iter, scope))
    children += [(if_, scope) for if_ in node.ifs]
    if node.inner_for_in is not None:
        children.append((node.inner_for_in, scope))
    return children


def _assign(model: SemanticModel, node: cst.Assign, scope: Scope) -> _Children:
    children: _Children = []
    for target in node.targets:
        walked = model._bind_target(target.target, scope, BindingKind.ASSIGNMENT, node, node.value)
        if walked and walked[0][0] is target.target:
            model._store(target.target, node.value, node)
        children += walked
    children.append((node.value, scope))
    return children


def _ann_assign(model: SemanticModel, node: cst.AnnAssign, scope: Scope) -> _Children:
    children = model._bind_target(node.target, scope, BindingKind.ASSIGNMENT, node, node.value)
    if children:
        model._store(node.target, node.value, node)
    children.append((node.annotation, scope))
    if node.value is not None:
        children.append((node.value, scope))
    return children


def _aug_assign(model: SemanticModel, node: cst.AugAssign, scope: Scope) -> _Children:
    children = model._bind_target(node.target, scope, BindingKind.OTHER, node)
    if children:
        model._store(node.target, None, node)
    children.append((node.value, scope))
    return children


def _for(model: SemanticModel, node: cst.For, scope: Scope) -> _Children:
    children = model._bind_target(node.target, scope, BindingKind.OTHER, node)
    children.append((node.iter, scope))
    children.append((node.body, scope))
    if node.orelse is not None:
        children.append((node.orelse, scope))
    return children


def _with_item(model: SemanticModel, node: cst.WithItem, scope: Scope) -> _Children:
    children: _Children = [(node.item, scope)]
    if node.asname is not None:
        children += model._bind_target(node.asname.name, scope, BindingKind.ASSIGNMENT, node, node.item)
    return children


def _except_handler(model: SemanticModel, node: cst.CSTNode, scope: Scope) -> _Children:
    if node.name is not None:
        model._bind_target(node.name.name, scope, BindingKind.OTHER, node)
    children: _Children = [(node.type, scope)] if node.type is not None else []
    children.append((node.body, scope))
    return children


def _named_expr(model: SemanticModel, node: cst.NamedExpr, scope: Scope) -> _Children:
    target_scope = scope
    while target_scope.kind is ScopeKind.COMPREHENSION and target_scope.parent is not None:
        target_scope = target_scope.parent
    model._bind_target(node.target, target_scope, BindingKind.ASSIGNMENT, node, node.value)
    return [(node.value, scope)]


def _import(model: SemanticModel, node: cst.Import, scope: Scope) -> _Children:
    for alias in node.names:
        full = _import_qualified_name(alias.name)
        if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
            model._bind(alias.asname.name.value, scope, BindingKind.IMPORT, node, qualified_name=full)
        else:
            # ``import a.b.c`` binds ``a``, the top-level package.
            head = full.partition(".")[0]
            model._bind(head, scope, BindingKind.IMPORT, node, qualified_name=head)
    return []


def _import_from(model: SemanticModel, node: cst.ImportFrom, scope: Scope) -> _Children:
    if node.module is not None:
        scope.mentions.add((dotted_name(node.module) or "").partition(".")[0])
    if isinstance(node.names, cst.ImportStar):
        return []
    module = _module_name(node)
    for alias in node.names:
        imported = _import_qualified_name(alias.name)
        bound = alias.asname.name.value if alias.asname is not None else imported
        qualified = f"{module}.{imported}" if not module.endswith(".") else f"{module}{imported}"
        model._bind(bound, scope, BindingKind.IMPORT, node, qualified_name=qualified)
    return []


def _global(model: SemanticModel, node: cst.Global, scope: Scope) -> _Children:
    scope.global_names.update(item.name.value for item in node.names)
    return []


def _nonlocal(model: SemanticModel, node: cst.Nonlocal, scope: Scope) -> _Children:
    scope.nonlocal_names.update(item.name.value for item in node.names)
    return []


def _match_capture(model: SemanticModel, node: cst.CSTNode, scope: Scope) -> _Children:
    if getattr(node, "name", None) is not None and isinstance(node.name, cst.Name):
        model._bind(node.name.value, scope, BindingKind.OTHER, node)
    pattern = getattr(node, "pattern", None)
    return [(pattern, scope)] if pattern is not None else []


def _name(model: SemanticModel, node: cst.Name, scope: Scope) -> _Children:
    # Every Name the walk reaches is read: bound names, attribute names and
    # keyword names are never walked.
    scope.loads.append(node)
    model.reads.setdefault(scope.owner, []).append(node)
    return []


def _attribute(model: SemanticModel, node: cst.Attribute, scope: Scope) -> _Children:
    if node not in model._store_targets:
        model.reads.setdefault(scope.owner, []).append(node)
    return [(node.value, scope)]


def _arg(model: SemanticModel, node: cst.Arg, scope: Scope) -> _Children:
    return [(node.value, scope)]


def _call(model: SemanticModel, node: cst.Call, scope: Scope) -> _Children:
    model.calls.setdefault(scope.owner, []).append(node)
    model.call_order.append(node)
    return [(node.func, scope), *((arg, scope) for arg in node.args)]


def _return(model: SemanticModel, node: cst.Return, scope: Scope) -> _Children:
    model.returns.setdefault(scope.owner, []).append(node)
    return [(node.value, scope)] if node.value is not None else []


_HANDLERS: Dict[type, Callable[[SemanticModel, cst.CSTNode, Scope], _Children]] = {
    cst.Return: _return,
    cst.Name: _name,
    cst.Attribute: _attribute,
    cst.Arg: _arg,
    cst.Call: _call,
    cst.FunctionDef: _function_def,
    cst.Lambda: _lambda,
    cst.Param: _param,
    cst.ClassDef: _class_def,
    cst.CompFor: _comp_for,
    cst.Assign: _assign,
    cst.AnnAssign: _ann_assign,
    cst.AugAssign: _aug_assign,
    cst.For: _for,
    cst.WithItem: _with_item,
    cst.ExceptHandler: _except_handler,
    cst.ExceptStarHandler: _except_handler,
    cst.NamedExpr: _named_expr,
    cst.Import: _import,
    cst.ImportFrom: _import_from,
    cst.Global: _global,
    cst.Nonlocal: _nonlocal,
    cst.MatchAs: _match_capture,
    cst.MatchStar: _match_capture,
}
for _comprehension_type in _COMPREHENSIONS:
    _HANDLERS[_comprehension_type] = _comprehension
