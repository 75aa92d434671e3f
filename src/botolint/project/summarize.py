"""Summarising a module: from its semantic model to its ``ModuleSummary``.

The summary's data types and their JSON form live in ``project.summary``,
which the project layer reads without LibCST; this is the part that walks a
tree.
"""

from __future__ import annotations

import sys
from typing import Callable, Dict, Iterable, List, Optional, Set, Tuple

import libcst as cst

from botolint.kinds import NO_ATOMS, Atoms, Ref
from botolint.objects import Values
from botolint.profile_options import declares_profile_option
from botolint.project.summary import (
    MODULE_BODY, CallSummary, ClassSummary, FunctionSummary, ModuleSummary, SpawnSummary,
)
from botolint.semantic import BindingKind, SemanticModel, dotted_name
from botolint.workers import Workers
from botolint.statements import is_docstring

# Top-level packages that are never a project's own code: the standard library,
# and boto3 and the test and HTTP libraries that boto3 code uses most. Calls
# into them are not recorded (the summary would only grow).
EXTERNAL_PACKAGES = frozenset(sys.stdlib_module_names) | {
    "boto3", "botocore", "s3transfer", "pytest", "_pytest", "mock", "requests", "urllib3", "six",
}

# Calls that read a function's signature: a parameter added to it changes what they find.
SIGNATURE_READERS = frozenset(
    {
        "inspect.signature", "inspect.getfullargspec", "inspect.getargspec", "inspect.getcallargs",
        "typing.get_type_hints",
    }
)

Lines = Callable[[Iterable[cst.CSTNode]], Dict[cst.CSTNode, int]]
RunsOnce = Callable[[cst.Call, Optional[cst.CSTNode]], bool]


def summarize(
    semantic: SemanticModel, values: Values, workers: Workers, handlers: Iterable[cst.FunctionDef], lines: Lines,
    runs_once: RunsOnce,
) -> ModuleSummary:
    summary = ModuleSummary()
    ids = semantic.definition_id
    owners: Dict[Optional[cst.CSTNode], FunctionSummary] = {None: FunctionSummary(MODULE_BODY)}
    for node, scope in semantic.scope_created_by.items():
        if isinstance(node, (cst.FunctionDef, cst.Lambda)):
            params = [param.name.value for param in (*node.params.posonly_params, *node.params.params)]
            name = node.name.value if isinstance(node, cst.FunctionDef) else "<lambda>"
            function = owners[node] = FunctionSummary(name, params)
            if isinstance(node, cst.FunctionDef):
                function.decorators = [ref for d in node.decorators for ref in workers.callables(d.decorator)[0]]
                function.abstract = _is_abstract(node, semantic)
            parent = scope.parent.owner if scope.parent is not None else None
            owners.setdefault(parent, FunctionSummary(MODULE_BODY))
            owners[parent].nested.append(ids(node))
        elif isinstance(node, cst.ClassDef):
            summary.classes[ids(node)] = _class(node, semantic, values)
    spawns = workers.spawns()
    passing = _calls(semantic, workers, owners, runs_once)
    spawn_lines = lines([spawn.site for spawn in spawns] + [call for _, call in passing])
    for call_summary, call in passing:
        call_summary.line = spawn_lines[call]
    for owner, returns in semantic.returns.items():
        if owner in owners:
            owners[owner].returns = _union(values.atoms_of(r.value) for r in returns if r.value is not None)
    for node in owners:
        if isinstance(node, cst.Lambda):
            owners[node].returns = values.atoms_of(node.body)
        elif isinstance(node, cst.FunctionDef) and node.returns is not None:
            # ``-> boto3.Session``: what the function says it returns, whatever its code shows.
            owners[node].returns |= values.annotation_kinds(node.returns.annotation)
    for spawn in spawns:
        line = spawn_lines[spawn.site]
        summary.spawns.append(
            SpawnSummary(
                ids(spawn.owner) if spawn.owner is not None else MODULE_BODY, line,
                spawn.worker.value if spawn.worker is not None else None,
                [ref for ref in spawn.entries if ref[0] != "param"], spawn.forked, spawn.passes_without_pickling,
                spawn.receiver, spawn.method,
            )
        )
    summary.functions = {ids(node) if node is not None else MODULE_BODY: function for node, function in owners.items()}
    for spawn in spawns:
        for ref in spawn.entries:
            if ref[0] == "param" and spawn.worker is not None and ref[1] in summary.functions:
                _, function_id, index = ref
                summary.functions[function_id].handoffs.setdefault(index, (spawn.worker.value, spawn_lines[spawn.site]))
    summary.exports = _exports(semantic, values)
    summary.handlers = [ids(handler) for handler in handlers]
    summary.imports = _module_imports(semantic)
    summary.value_uses, summary.signature_reads = _imported_name_uses(semantic)
    return summary


def _is_abstract(node: cst.FunctionDef, semantic: SemanticModel) -> bool:
    """``@abstractmethod``, or a body that only raises ``NotImplementedError`` (after a docstring)."""
    if any("abc.abstractmethod" in semantic.qualified_names(d.decorator) for d in node.decorators):
        return True
    body = list(node.body.body) if isinstance(node.body, cst.IndentedBlock) else []
    if body and is_docstring(body[0]):
        body = body[1:]
    if len(body) != 1 or not isinstance(body[0], cst.SimpleStatementLine) or len(body[0].body) != 1:
        return False
    statement = body[0].body[0]
    if not isinstance(statement, cst.Raise) or statement.exc is None:
        return False
    raised = statement.exc.func if isinstance(statement.exc, cst.Call) else statement.exc
    return isinstance(raised, cst.Name) and raised.value == "NotImplementedError"



def _calls(
    semantic: SemanticModel, workers: Workers, owners: Dict, runs_once: RunsOnce
) -> List[Tuple[CallSummary, cst.Call]]:
    """Record each function's calls of things that may be project code, and
    whether one declares a profile option; return the calls that pass
    callables along (their lines are wanted)."""
    passing: List[Tuple[CallSummary, cst.Call]] = []
    for owner, calls in semantic.calls.items():
        function = owners.setdefault(owner, FunctionSummary(MODULE_BODY))
        function.declares_profile_option = any(declares_profile_option(call, semantic) for call in calls)
        owner_id = semantic.definition_id(owner) if owner is not None else None
        for call in calls:
            for callee in workers.values.callee_refs(call.func):
                if callee[0] == "param" or _external(callee):
                    continue
                summary = CallSummary(callee, once=runs_once(call, owner))
                # After ``*args`` the positions of the arguments are not known.
                unpacks = any(a.star == "*" for a in call.args)
                for position, arg in enumerate(a for a in call.args if a.keyword is None and not a.star):
                    refs = _callable_refs(workers, arg.value, owner_id)
                    if refs:
                        summary.positional[position] = refs
                    atoms = workers.values.atoms_of(arg.value) if not unpacks else NO_ATOMS
                    if atoms:
                        summary.arguments[position] = atoms
                for arg in call.args:
                    if arg.keyword is not None:
                        refs = _callable_refs(workers, arg.value, owner_id)
                        if refs:
                            summary.keywords[arg.keyword.value] = refs
                        atoms = workers.values.atoms_of(arg.value)
                        if atoms:
                            summary.keyword_arguments[arg.keyword.value] = atoms
                function.calls.append(summary)
                passed = [ref for refs in (*summary.positional.values(), *summary.keywords.values()) for ref in refs]
                if any(ref[0] != "param" for ref in passed):  # a parameter passed on needs no line
                    passing.append((summary, call))
    return passing


def _callable_refs(workers: Workers, expr: cst.BaseExpression, owner_id: Optional[str]) -> List[Ref]:
    """Refs of what an argument would run if called, for the arguments that
    look like functions (a name, an attribute, a lambda, a partial). A
    parameter of the calling function itself is kept: a wrapper that passes
    its own argument on to another wrapper hands it to workers too."""
    if not isinstance(expr, (cst.Name, cst.Attribute, cst.Lambda, cst.Call)):
        return []
    if isinstance(expr, cst.Call) and not workers.resolves_to(expr.func, "functools.partial"):
        return []
    return [
        ref for ref in workers.callables(expr)[0]
        if (ref[0] != "param" or ref[1] == owner_id) and not _external(ref)
    ]


def _external(ref: Ref) -> bool:
    return ref[0] == "name" and ref[1].partition(".")[0] in EXTERNAL_PACKAGES


def _class(node: cst.ClassDef, semantic: SemanticModel, values: Values) -> ClassSummary:
    summary = ClassSummary()
    for base in node.bases:
        summary.bases += values.callee_refs(base.value) or _class_ref(base.value, semantic, values)
    for statement in node.body.body:
        if isinstance(statement, cst.FunctionDef):
            summary.methods.setdefault(statement.name.value, semantic.definition_id(statement))
    for attribute, assignments in values.instance_attributes.get(node, {}).items():
        summary.attributes[attribute] = _union(values.atoms_of(value) for value, _ in assignments if value is not None)
    return summary


def _class_ref(expr: cst.BaseExpression, semantic: SemanticModel, values: Values) -> List[Ref]:
    return [("local", semantic.definition_id(found)) for found in values.classes_named(expr)]


def _exports(semantic: SemanticModel, values: Values) -> Dict[str, List[tuple]]:
    exports: Dict[str, List[tuple]] = {}
    for name, bindings in semantic.module_scope.bindings.items():
        entries: List[tuple] = []
        for binding in bindings:
            if binding.kind is BindingKind.DEFINITION and isinstance(binding.node, cst.FunctionDef):
                entries.append(("def", semantic.definition_id(binding.node)))
            elif binding.kind is BindingKind.DEFINITION and isinstance(binding.node, cst.ClassDef):
                entries.append(("class", semantic.definition_id(binding.node)))
            elif binding.kind is BindingKind.IMPORT and binding.qualified_name is not None:
                entries.append(("import", binding.qualified_name))
            elif binding.kind is BindingKind.ASSIGNMENT and binding.value is not None:
                atoms = values.atoms_of(binding.value)
                if atoms:
                    entries.append(("value", atoms))
        if entries:
            exports[name] = entries
    return exports


def _imported_name_uses(semantic: SemanticModel) -> Tuple[List[str], List[str]]:
    """The imported names (``pkg.s3.open`` for ``s3.open`` after ``from pkg
    import s3``) that are read other than as the function of a call, and those
    given to a signature reader. Another module's fix asks: a function used so
    here is a callback, or has its signature read, and takes no new parameter."""
    values: Set[str] = set()
    signatures: Set[str] = set()
    scopes = list(semantic.module_scope.walk())
    # Only a name some scope imports from the project can give one: most loads are not looked up.
    project_imports = {
        name
        for scope in scopes
        for name, bindings in scope.bindings.items()
        if any(b.kind is BindingKind.IMPORT and b.qualified_name and not _external(("name", b.qualified_name))
               for b in bindings)
    }
    for scope in scopes:
        for load in scope.loads:
            if load.value not in project_imports:
                continue
            imports = [b for b in scope.lookup(load.value) if b.kind is BindingKind.IMPORT and b.qualified_name]
            if not imports:
                continue
            chain, parent = _outermost_attribute(semantic, load)
            if isinstance(parent, cst.Call) and parent.func is chain:
                continue  # called: what the call graph records
            rest = (dotted_name(chain) or load.value).partition(".")[2]
            grandparent = semantic.parent_of(parent) if isinstance(parent, cst.Arg) else None
            reads_signature = isinstance(grandparent, cst.Call) and not semantic.qualified_names(
                grandparent.func
            ).isdisjoint(SIGNATURE_READERS)
            for binding in imports:
                name = f"{binding.qualified_name}.{rest}" if rest else binding.qualified_name
                if not _external(("name", name)):
                    (signatures if reads_signature else values).add(name)
    return sorted(values), sorted(signatures)


def _outermost_attribute(semantic: SemanticModel, name: cst.Name) -> Tuple[cst.BaseExpression, Optional[cst.CSTNode]]:
    """The longest ``name.attr.attr`` chain that starts at ``name``, and its parent."""
    node: cst.BaseExpression = name
    parent = semantic.parent_of(node)
    while isinstance(parent, cst.Attribute) and parent.value is node:
        node = parent
        parent = semantic.parent_of(node)
    return node, parent


def _module_imports(semantic: SemanticModel) -> List[str]:
    """The modules the module body imports (``from x import y`` may import
    module ``x.y``: both are listed)."""
    found: List[str] = []
    for bindings in semantic.module_scope.bindings.values():
        for binding in bindings:
            if binding.kind is not BindingKind.IMPORT or binding.qualified_name is None:
                continue
            node = binding.node
            if isinstance(node, cst.Import):
                found += [dotted_name(alias.name) or "" for alias in node.names]
            else:
                found.append(binding.qualified_name)
                found.append(binding.qualified_name.rpartition(".")[0] or binding.qualified_name)
    return sorted(set(name for name in found if name))


def _union(sets: Iterable[Atoms]) -> Atoms:
    found: set = set()
    for atoms in sets:
        found |= atoms
    return frozenset(found)
