"""Which boto3 object an expression is: the one answer every rule, the fixer and
the project layer use.

A value's kinds come from where it may have been made, followed through the
semantic model without guessing: ``boto3.Session(...)`` is a Session;
``boto3.client(...)`` and ``x.client(...)`` on a Session (or on the boto3 module,
as in the fixer's ``(session or boto3).client(...)``) are clients; resources and
their CamelCase sub-resources (``s3.Bucket(...)``, ``ddb.Table(...)``) are
resources; ``resource.meta.client`` is a client; a parameter is what its
annotation says (``boto3.Session``, ``Optional[boto3.Session]``,
``boto3.Session | None``, ``"boto3.Session"``, botocore's ``BaseClient``, the
boto3-stubs types). Names are followed through their bindings and ``self``
attributes through the assignments of their class, a bounded number of steps.
An expression whose origin is unknown has no kind.
"""

from __future__ import annotations

import enum
from typing import Dict, Iterator, List, Optional, Set, Union

import libcst as cst

from botolint.semantic import Binding, BindingKind, Scope, SemanticModel, dotted_name

SESSION_CLASS = "boto3.Session"
BOTO3_MODULE = "boto3"
DEFAULT_SESSION_FACTORIES = {"boto3.client": "client", "boto3.resource": "resource"}
# How far values are followed through assignments before giving up.
MAX_DEPTH = 8
# Subscripted annotations that say "one of these": their arguments are the value's types.
_UNION_GENERICS = frozenset({"Optional", "Union"})


class ObjectKind(enum.Enum):
    SESSION = "Session"
    RESOURCE = "resource"
    CLIENT = "client"
    MODULE = "boto3"  # the boto3 module itself, as in ``(session or boto3).client(...)``


# Annotations naming a client or resource class (boto3's own bases and the
# boto3-stubs packages, whose classes end in ``Client`` / ``ServiceResource``).
_CLIENT_CLASSES = frozenset({"botocore.client.BaseClient"})
_RESOURCE_CLASSES = frozenset({"boto3.resources.base.ServiceResource"})


def kind_of_class(qualified_name: str) -> Optional[ObjectKind]:
    """The kind of object an annotation's class name stands for."""
    if qualified_name == SESSION_CLASS:
        return ObjectKind.SESSION
    if qualified_name in _CLIENT_CLASSES:
        return ObjectKind.CLIENT
    if qualified_name in _RESOURCE_CLASSES:
        return ObjectKind.RESOURCE
    if qualified_name.startswith("mypy_boto3_"):
        if qualified_name.endswith("Client"):
            return ObjectKind.CLIENT
        if ".service_resource." in qualified_name or qualified_name.endswith("ServiceResource"):
            return ObjectKind.RESOURCE
    return None


def default_session_factory(call: cst.Call, semantic: SemanticModel) -> Optional[str]:
    """``"client"`` or ``"resource"`` when ``call`` calls boto3's module-level
    factory (through any import spelling), else None."""
    for name in semantic.qualified_names(call.func):
        if name in DEFAULT_SESSION_FACTORIES:
            return DEFAULT_SESSION_FACTORIES[name]
    return None


def optional_session_factory(call: cst.Call, semantic: SemanticModel) -> Optional[str]:
    """``"client"`` or ``"resource"`` for the calls ``botolint fix`` writes for
    ``boto3.client(...)`` / ``boto3.resource(...)``: ``(session or boto3).client(...)``
    and ``(session.client if session else client)(...)``. When no session is
    passed they still use the default session, so rules about where
    default-session clients are made (AWS105, AWS301) keep seeing them after
    the fix. ``(session or boto3.Session())`` makes a new Session and is not one
    of them."""
    func = call.func
    if isinstance(func, cst.IfExp):
        for name in semantic.qualified_names(func.orelse):
            if name in DEFAULT_SESSION_FACTORIES:
                return DEFAULT_SESSION_FACTORIES[name]
        return None
    if not (isinstance(func, cst.Attribute) and func.attr.value in ("client", "resource")):
        return None
    either = func.value
    if (
        isinstance(either, cst.BooleanOperation)
        and isinstance(either.operator, cst.Or)
        and BOTO3_MODULE in semantic.qualified_names(either.right)
    ):
        return func.attr.value
    return None


Origin = Union[cst.BaseExpression, Binding]
# An attribute assignment: (the value, or None for a bare annotation; the statement).
Assignment = tuple


class Values:
    """Where the values of one module come from, and what boto3 objects they are."""

    def __init__(self, semantic: SemanticModel) -> None:
        self.semantic = semantic
        # class -> attribute -> [(assigned value or None, the assignment)]: what ``self.x`` may read.
        self.instance_attributes: Dict[cst.ClassDef, Dict[str, List[Assignment]]] = {}
        self._kinds_cache: Dict[cst.CSTNode, Set[ObjectKind]] = {}
        self._string_annotations: Dict[cst.SimpleString, Optional[cst.BaseExpression]] = {}
        self._index_attributes()

    def _index_attributes(self) -> None:
        """``self.x = value`` in methods and ``x = value`` in class bodies: both
        are what ``self.x`` reads."""
        for target, value, statement in self.semantic.attribute_stores:
            if isinstance(target.value, cst.Name):
                owner = self.self_class(target.value)
                if owner is not None:
                    self._record_attribute(owner, target.attr.value, value, statement)
        for node, scope in self.semantic.scope_created_by.items():
            if isinstance(node, cst.ClassDef):
                for name, bindings in scope.bindings.items():
                    for binding in bindings:
                        if binding.kind is BindingKind.ASSIGNMENT and isinstance(binding.node, (cst.Assign, cst.AnnAssign)):
                            self._record_attribute(node, name, binding.value, binding.node)

    def _record_attribute(self, owner: cst.ClassDef, attr: str, value, statement: cst.CSTNode) -> None:
        self.instance_attributes.setdefault(owner, {}).setdefault(attr, []).append((value, statement))

    # -- names and classes ---------------------------------------------------

    def lookup(self, name: cst.Name) -> List[Binding]:
        scope = self.semantic.scope_by_node.get(name)
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
            if params and params[0] is binding.node and not is_staticmethod(method):
                return owner.node
        return None

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
            for base_class in self.classes_named(base.value):
                found += self.methods(base_class, name, depth + 1)
        return found

    def classes_named(self, expr: cst.BaseExpression) -> List[cst.ClassDef]:
        if not isinstance(expr, cst.Name):
            return []
        return [b.node for b in self.lookup(expr) if isinstance(b.node, cst.ClassDef)]

    # -- where a value comes from ----------------------------------------------

    def values(self, expr: cst.BaseExpression, depth: int = 0, seen: Optional[Set[cst.CSTNode]] = None) -> Iterator[Origin]:
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

    # -- what kind of boto3 object a value is -----------------------------------

    def kinds_of(self, expr: cst.BaseExpression, depth: int = 0) -> Set[ObjectKind]:
        """What boto3 objects ``expr`` may evaluate to (memoised per node; do not
        change the set returned)."""
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
            elif isinstance(value, cst.Name) and BOTO3_MODULE in self.semantic.qualified_names(value):
                kinds.add(ObjectKind.MODULE)
        self._kinds_cache[expr] = kinds
        return kinds

    def is_session(self, expr: cst.BaseExpression) -> bool:
        return ObjectKind.SESSION in self.kinds_of(expr)

    def _call_kinds(self, call: cst.Call, depth: int) -> Set[ObjectKind]:
        factory = default_session_factory(call, self.semantic)
        if factory is not None:
            return {ObjectKind(factory)}
        if SESSION_CLASS in self.semantic.qualified_names(call.func):
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

    def annotation_kinds(self, annotation: cst.BaseExpression, scope: Optional[Scope] = None) -> Set[ObjectKind]:
        """The kinds an annotation says a value is: ``boto3.Session``,
        ``Optional[boto3.Session]``, ``Union[...]``, ``boto3.Session | None``,
        and any of these written as a string. ``scope`` is where the annotation
        is evaluated (default: where it is)."""
        if isinstance(annotation, cst.SimpleString):
            parsed = self._string_annotation(annotation)
            return self.annotation_kinds(parsed, scope or self.semantic.scope_by_node.get(annotation)) if parsed is not None else set()
        if isinstance(annotation, cst.Subscript):
            generic = dotted_name(annotation.value) or ""
            if generic.rpartition(".")[2] not in _UNION_GENERICS:
                return set()
            kinds: Set[ObjectKind] = set()
            for element in annotation.slice:
                if isinstance(element.slice, cst.Index):
                    kinds |= self.annotation_kinds(element.slice.value, scope)
            return kinds
        if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
            return self.annotation_kinds(annotation.left, scope) | self.annotation_kinds(annotation.right, scope)
        kinds = set()
        for name in self.semantic.qualified_names(annotation, scope):
            kind = kind_of_class(name)
            if kind is not None:
                kinds.add(kind)
        return kinds

    def _string_annotation(self, annotation: cst.SimpleString) -> Optional[cst.BaseExpression]:
        if annotation not in self._string_annotations:
            parsed = None
            try:
                text = annotation.evaluated_value
                if isinstance(text, str):
                    parsed = cst.parse_expression(text.strip())
            except (cst.ParserSyntaxError, SyntaxError, ValueError, RecursionError):
                pass
            self._string_annotations[annotation] = parsed
        return self._string_annotations[annotation]


def module_values(ctx) -> Values:
    """The value analysis of the file a rule context is about, built once per file."""
    return ctx.memo(_module_values)


def _module_values(ctx) -> Values:
    return Values(ctx.semantic)


def is_staticmethod(function: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in function.decorators)


