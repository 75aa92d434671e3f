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

from typing import Dict, FrozenSet, Iterator, List, Optional, Set, Union

import libcst as cst

from botolint.kinds import (
    ASSUME_ROLE_METHODS,
    BOTO3_KINDS,
    BOTO3_MODULE,
    CLIENT_HOLDERS,
    DEFAULT_SESSION_FACTORIES,
    EXECUTOR_CLASSES,
    MAX_DEPTH,
    NO_ATOMS,
    REFRESHING_ASSUME_ROLE,
    SESSION_CLASS,
    STS_REQUIRED_KEYWORDS,
    Atom,
    Atoms,
    LocalResolver,
    ObjectKind,
    Ref,
    Resolver,
    attribute_result,
    call_result,
    item_atoms,
    kinds_of_class,
    method_atoms,
    split_kinds,
)
from botolint.semantic import Binding, BindingKind, Scope, SemanticModel, dotted_name

# Subscripted annotations that say "one of these": their arguments are the value's types.
_UNION_GENERICS = frozenset({"Optional", "Union"})

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
    if isinstance(func, cst.Name):  # make_client = session.client if session else client
        bindings = semantic.scope_of(func).lookup(func.value) if func in semantic.scope_by_node else []
        if len(bindings) == 1 and isinstance(bindings[0].value, cst.IfExp):
            func = bindings[0].value
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
    """Where the values of one module come from, and what objects they are."""

    def __init__(self, semantic: SemanticModel, resolver: Optional[Resolver] = None) -> None:
        self.semantic = semantic
        self.resolver: Resolver = resolver or LocalResolver()
        # class -> attribute -> [(assigned value or None, the assignment)]: what ``self.x`` may read.
        self.instance_attributes: Dict[cst.ClassDef, Dict[str, List[Assignment]]] = {}
        self._atoms_cache: Dict[cst.CSTNode, Atoms] = {}
        self._kinds_cache: Dict[cst.CSTNode, FrozenSet[ObjectKind]] = {}
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
                        if binding.kind is BindingKind.ASSIGNMENT and isinstance(
                            binding.node, (cst.Assign, cst.AnnAssign)
                        ):
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

    def values(
        self, expr: cst.BaseExpression, depth: int = 0, seen: Optional[Set[cst.CSTNode]] = None
    ) -> Iterator[Origin]:
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
                elif binding.kind in (BindingKind.PARAMETER, BindingKind.DEFINITION):
                    yield binding
                elif binding.kind is BindingKind.IMPORT:
                    yield expr
        elif isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and self.self_class(expr.value):
            owner = self.self_class(expr.value)
            assignments = self.instance_attributes.get(owner, {}).get(expr.attr.value, [])
            for value, _ in assignments:
                if value is not None:
                    yield from self.values(value, depth + 1, seen)
            if not assignments and owner.bases:
                yield expr  # what a base class assigns: the project layer finds it
        elif isinstance(expr, cst.BooleanOperation):
            yield from self.values(expr.left, depth + 1, seen)
            yield from self.values(expr.right, depth + 1, seen)
        elif isinstance(expr, cst.IfExp):
            yield from self.values(expr.body, depth + 1, seen)
            yield from self.values(expr.orelse, depth + 1, seen)
        elif not isinstance(expr, cst.Await):
            yield expr

    # -- what a value is -------------------------------------------------------

    def kinds_of(self, expr: cst.BaseExpression) -> FrozenSet[ObjectKind]:
        """The kinds of object ``expr`` may evaluate to, other functions and
        modules included as far as the resolver knows them."""
        kinds = self._kinds_cache.get(expr)
        if kinds is None:
            kinds = self._kinds_cache[expr] = self.resolver.kinds(self.atoms_of(expr))
        return kinds

    def resolved(self, expr: cst.BaseExpression) -> Atoms:
        """``expr``'s concrete atoms: kinds, instances and classes."""
        return self.resolver.resolve(self.atoms_of(expr))

    def is_session(self, expr: cst.BaseExpression) -> bool:
        return ObjectKind.SESSION in self.kinds_of(expr)

    def atoms_of(self, expr: cst.BaseExpression, depth: int = 0) -> Atoms:
        """``expr``'s atoms, symbolic ones included (memoised per node)."""
        cached = self._atoms_cache.get(expr)
        if cached is not None:
            return cached
        if depth > MAX_DEPTH:
            return NO_ATOMS
        self._atoms_cache[expr] = NO_ATOMS  # a value defined through itself has no known kind
        atoms: Set[Atom] = set()
        for value in self.values(expr):
            if isinstance(value, Binding):
                atoms |= self._binding_atoms(value)
            elif isinstance(value, cst.Call):
                atoms |= self._call_atoms(value, depth)
            elif isinstance(value, cst.Attribute):
                atoms |= self._attribute_atoms(value, depth)
            elif isinstance(value, cst.Subscript):
                atoms |= self._subscript_atoms(value, depth)
            elif isinstance(value, cst.Name):  # bound by an import
                atoms |= self._imported_atoms(value)
        result = self._atoms_cache[expr] = frozenset(atoms)
        return result

    def _binding_atoms(self, binding: Binding) -> Atoms:
        if binding.kind is BindingKind.DEFINITION:
            if isinstance(binding.node, cst.ClassDef):
                return frozenset({("class", None, self.semantic.definition_id(binding.node))})
            return NO_ATOMS
        # A parameter: what its annotation says, the instance ``self`` is, or
        # what the callers pass.
        atoms: Set[Atom] = set()
        if binding.annotation is not None:
            atoms |= self.annotation_kinds(binding.annotation)
            atoms |= self._annotated_instances(binding.annotation)
        method = binding.scope.node
        if isinstance(method, cst.FunctionDef):
            first = [*method.params.posonly_params, *method.params.params][:1]
            owner = binding.scope.parent
            if first and first[0] is binding.node and owner is not None and isinstance(owner.node, cst.ClassDef):
                if not is_staticmethod(method) and not _is_classmethod(method):
                    return frozenset({*atoms, ("instance", None, self.semantic.definition_id(owner.node))})
                if _is_classmethod(method):
                    return frozenset({*atoms, ("class", None, self.semantic.definition_id(owner.node))})
            index = _parameter_index(binding)
            if index is not None and binding.kind is BindingKind.PARAMETER:
                # What the project's callers pass, for the project layer to find.
                atoms.add(("arg", self.semantic.definition_id(method), index))
        return frozenset(atoms)

    def _annotated_instances(self, annotation: cst.BaseExpression) -> Atoms:
        """``job: Job``: an instance of a project class (what calling it makes)."""
        if not isinstance(annotation, (cst.Name, cst.Attribute)):
            return NO_ATOMS
        atoms: Set[Atom] = set()
        for found in self.classes_named(annotation):
            atoms.add(("instance", None, self.semantic.definition_id(found)))
        if not atoms:
            atoms |= {("ret", ref) for ref in self.callee_refs(annotation) if ref[0] == "name"}
        return frozenset(atoms)

    def _imported_atoms(self, name: cst.Name) -> Atoms:
        atoms: Set[Atom] = set()
        for qualified in self.semantic.qualified_names(name):
            atoms.add(ObjectKind.MODULE if qualified == BOTO3_MODULE else ("global", ("name", qualified)))
        return frozenset(atoms)

    def _call_atoms(self, call: cst.Call, depth: int) -> Atoms:
        factory = default_session_factory(call, self.semantic)
        if factory is not None:
            return call_result({ObjectKind.MODULE}, factory, _service_name(call))
        names = self.semantic.qualified_names(call.func)
        if SESSION_CLASS in names:
            return frozenset({ObjectKind.SESSION})
        for name in names:
            if name in EXECUTOR_CLASSES:
                return frozenset({EXECUTOR_CLASSES[name]})
            if name in CLIENT_HOLDERS:
                return frozenset({ObjectKind.CLIENT})
        func = call.func
        if isinstance(func, cst.Attribute):
            method = func.attr.value
            if method in ASSUME_ROLE_METHODS and self._passes_assume_role_keywords(call, names):
                return frozenset({ObjectKind.ROLE_RESPONSE})
            if names:  # a function of an imported module: pkg.aws.make_session()
                return frozenset(("ret", ("name", name)) for name in names)
            receiver = self.atoms_of(func.value, depth + 1)
            if method == "get":
                key = _first_string_argument(call)
                return item_atoms(receiver, key) if key is not None else NO_ATOMS
            return method_atoms(receiver, method, _service_name(call))
        atoms: Set[Atom] = set()
        for ref in self.callee_refs(func):
            atoms.add(("ret", ref))
        return frozenset(atoms)

    @staticmethod
    def _passes_assume_role_keywords(call: cst.Call, names: FrozenSet[str]) -> bool:
        if any(name.startswith(REFRESHING_ASSUME_ROLE) for name in names):
            return False
        keywords = {arg.keyword.value for arg in call.args if arg.keyword is not None}
        return STS_REQUIRED_KEYWORDS <= keywords

    def _attribute_atoms(self, attribute: cst.Attribute, depth: int) -> Atoms:
        inner = attribute.value
        if attribute.attr.value == "client" and isinstance(inner, cst.Attribute) and inner.attr.value == "meta":
            base = self.atoms_of(inner.value, depth + 1)
            kinds, symbolic = split_kinds(base)
            atoms: Set[Atom] = set(attribute_result(kinds, "meta.client"))
            if symbolic:
                atoms.add(("attr", symbolic, "meta.client"))
            return frozenset(atoms)
        if self.semantic.qualified_names(attribute):  # pkg.aws.SESSION
            return self._imported_atoms_of(attribute)
        # An attribute of a project object (``Cache.credentials``, ``job.session``):
        # what its class assigns to it, for the project layer to find.
        receiver = frozenset(atom for atom in self.atoms_of(inner, depth + 1) if not isinstance(atom, ObjectKind))
        return frozenset({("attr", receiver, attribute.attr.value)}) if receiver else NO_ATOMS

    def _imported_atoms_of(self, attribute: cst.Attribute) -> Atoms:
        return frozenset(("global", ("name", name)) for name in self.semantic.qualified_names(attribute))

    def _subscript_atoms(self, subscript: cst.Subscript, depth: int) -> Atoms:
        if len(subscript.slice) != 1 or not isinstance(subscript.slice[0].slice, cst.Index):
            return NO_ATOMS
        key = string_value(subscript.slice[0].slice.value)
        if key is None:
            return NO_ATOMS
        return item_atoms(self.atoms_of(subscript.value, depth + 1), key)

    def callee_refs(self, func: cst.BaseExpression, _following: Optional[Set[cst.CSTNode]] = None) -> List[Ref]:
        """What ``func`` names when called: local defs and classes, imported
        names, parameters, attributes of values. [] when unknown."""
        if isinstance(func, cst.Name):
            # ``a = b; b = a`` makes a cycle of aliases: each is followed once.
            following = set() if _following is None else _following
            if func in following:
                return []
            following.add(func)
            refs: List[Ref] = []
            for binding in self.lookup(func):
                if binding.kind is BindingKind.DEFINITION and isinstance(binding.node, (cst.FunctionDef, cst.ClassDef)):
                    refs.append(("local", self.semantic.definition_id(binding.node)))
                elif binding.kind is BindingKind.IMPORT and binding.qualified_name is not None:
                    refs += [("name", name) for name in self.semantic.qualified_names(func)]
                elif binding.kind is BindingKind.PARAMETER:
                    index = _parameter_index(binding)
                    if index is not None:
                        refs.append(("param", self.semantic.definition_id(binding.scope.node), index))
                elif binding.kind is BindingKind.ASSIGNMENT and isinstance(binding.value, (cst.Name, cst.Attribute)):
                    if binding.value is not func:
                        refs += self.callee_refs(binding.value, following)
            return list(dict.fromkeys(refs))
        if isinstance(func, cst.Attribute):
            names = self.semantic.qualified_names(func)
            if names:
                return [("name", name) for name in sorted(names)]
            receiver = self.atoms_of(func.value)
            if receiver - BOTO3_KINDS - {ObjectKind.MODULE}:
                return [("member", receiver, func.attr.value)]
        return []

    def annotation_kinds(self, annotation: cst.BaseExpression, scope: Optional[Scope] = None) -> FrozenSet[ObjectKind]:
        """The kinds an annotation says a value is: ``boto3.Session``,
        ``Optional[boto3.Session]``, ``Union[...]``, ``boto3.Session | None``,
        and any of these written as a string. ``scope`` is where the annotation
        is evaluated (default: where it is)."""
        if isinstance(annotation, cst.SimpleString):
            parsed = self._string_annotation(annotation)
            if parsed is None:
                return frozenset()
            return self.annotation_kinds(parsed, scope or self.semantic.scope_by_node.get(annotation))
        if isinstance(annotation, cst.Subscript):
            generic = dotted_name(annotation.value) or ""
            if generic.rpartition(".")[2] not in _UNION_GENERICS:
                return frozenset()
            kinds: Set[ObjectKind] = set()
            for element in annotation.slice:
                if isinstance(element.slice, cst.Index):
                    kinds |= self.annotation_kinds(element.slice.value, scope)
            return frozenset(kinds)
        if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
            return self.annotation_kinds(annotation.left, scope) | self.annotation_kinds(annotation.right, scope)
        kinds = set()
        for name in self.semantic.qualified_names(annotation, scope):
            kinds |= kinds_of_class(name)
        if not kinds and (dotted_name(annotation) or "").rpartition(".")[2] == "STSClient":
            kinds = {ObjectKind.CLIENT, ObjectKind.STS_CLIENT}  # boto3-stubs under TYPE_CHECKING, unresolved
        return frozenset(kinds)

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


def _service_name(call: cst.Call) -> Optional[str]:
    for position, arg in enumerate(call.args):
        if (arg.keyword is None and not arg.star and position == 0) or (
            arg.keyword is not None and arg.keyword.value == "service_name"
        ):
            return string_value(arg.value)
    return None


def _first_string_argument(call: cst.Call) -> Optional[str]:
    if call.args and not call.args[0].star and call.args[0].keyword is None:
        return string_value(call.args[0].value)
    return None


def string_value(expr: cst.BaseExpression) -> Optional[str]:
    """The text of a plain string literal (implicit concatenation included)."""
    if isinstance(expr, cst.SimpleString):
        text = expr.value
        quote = expr.quote
        if text[0] in "'\"" and "\\" not in text:  # no prefix, no escapes: the text between the quotes
            return text[len(quote) : -len(quote)]
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = expr.evaluated_value
        except (SyntaxError, ValueError):  # the parser accepts escapes Python rejects
            return None
        return value if isinstance(value, str) else None
    return None


def _parameter_index(binding: Binding) -> Optional[int]:
    function = binding.scope.node
    if not isinstance(function, (cst.FunctionDef, cst.Lambda)):
        return None
    positional = [*function.params.posonly_params, *function.params.params]
    for index, param in enumerate(positional):
        if param is binding.node:
            return index
    return None


def _is_classmethod(function: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == "classmethod" for d in function.decorators)


def module_values(ctx) -> Values:
    """The value analysis of the file a rule context is about, built once per file."""
    return ctx.memo(_module_values)


def _module_values(ctx) -> Values:
    return Values(ctx.semantic)


def is_staticmethod(function: cst.FunctionDef) -> bool:
    return any(isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod" for d in function.decorators)


