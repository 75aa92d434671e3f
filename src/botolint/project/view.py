"""What the rules of one file may ask the project layer, and what they asked.

Every question and its answer is recorded: a file's findings depend on exactly
those answers, so a cached result (or one computed before every module of a
run was summarised) stays valid as long as asking again gives the same
answers. Questions are plain data: ``("resolve", atoms)``, ``("kinds", atoms)``,
``("workers", function_id)``, ``("invocations", function_id)``,
``("outside", region, function_id or None)``, ``("constructed_outside", region,
class_id)``, ``("assigned_by_subclasses", class_id, attribute)``, ``("lambda_module",)``,
``("profile_option", ref)``.
"""

from __future__ import annotations

from dataclasses import astuple
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, List, Optional, Tuple

from botolint.kinds import Atoms, ObjectKind, Ref, Worker, is_concrete, kinds_in
from botolint.project.facts import ARGUMENT_HOPS, Facts, Invocation, Origin, RegionKey
from botolint.project.summary import decode, encode

if TYPE_CHECKING:
    import libcst as cst

    from botolint.semantic import SemanticModel

Question = tuple
Dependencies = List[Tuple[Any, Any]]  # JSON-ready [(question, answer)]


class ProjectView:
    def __init__(self, facts: Facts, module: str, semantic: Optional[SemanticModel]) -> None:
        self.facts = facts
        self.module = module
        self.semantic = semantic
        self._answers: Dict[Question, Any] = {}

    # -- what rules ask ------------------------------------------------------------------

    def resolve(self, atoms: Atoms) -> Atoms:
        if all(is_concrete(atom) for atom in atoms):
            return atoms  # needs nobody else
        return self._ask(("resolve", atoms))

    def kinds(self, atoms: Atoms) -> FrozenSet[ObjectKind]:
        if all(is_concrete(atom) for atom in atoms):
            return kinds_in(atoms)
        return self._ask(("kinds", atoms))

    def workers(self, function: cst.CSTNode) -> Tuple[Origin, ...]:
        """Where the function's code is run on other threads or processes."""
        return tuple(_origin(item) for item in self._ask(("workers", self._id(function))))

    def invocations(self, function: cst.CSTNode) -> Tuple[Invocation, ...]:
        """The Lambda handlers whose every invocation runs the function's code:
        none for a test module's (the test runner runs it, as it is never a
        Lambda module), and nobody else is asked."""
        if self._in_test_module():
            return ()
        return tuple(Invocation(*item) for item in self._ask(("invocations", self._id(function))))

    def worker_functions(self) -> List[cst.CSTNode]:
        """This module's functions whose code runs on other threads or processes."""
        return [self.semantic.definition(i) for i in self._ask(("worker_functions",)) if self.semantic.definition(i)]

    def outside(self, origin: Origin, function: Optional[cst.CSTNode]) -> bool:
        """True when ``function``'s code (None: import time) is not part of the
        region ``origin`` belongs to: what it makes is made elsewhere."""
        return self._ask(("outside", origin.region, self._id(function) if function is not None else None))

    def constructed_outside(self, origin: Origin, cls: cst.ClassDef) -> bool:
        """True when no constructor that instances of ``cls`` run (its own
        ``__init__`` or a base class's, in any module) is part of ``origin``'s region."""
        return self._ask(("constructed_outside", origin.region, self._id(cls)))

    def assigned_by_subclasses(self, cls: cst.ClassDef, attribute: str) -> Atoms:
        """What the project's subclasses of ``cls`` assign to ``self.<attribute>``."""
        return self._ask(("assigned_by_subclasses", self._id(cls), attribute))

    def lambda_module(self) -> bool:
        """Whether the module is Lambda code (a test module never is: nobody else is asked)."""
        return not self._in_test_module() and self._ask(("lambda_module",))

    def may_declare_profile_option(self, ref: Ref) -> bool:
        """Whether calling ``ref`` (a decorator, a helper given the parser) may
        declare a command-line option choosing the AWS profile."""
        return self._ask(("profile_option", ref))

    def is_project_name(self, dotted: str) -> bool:
        """Whether ``dotted`` (an imported name) is in one of the project's own modules."""
        return self.facts.is_project_name(self.module, dotted)

    def where(self, origin: Origin) -> str:
        """``started at pkg/jobs.py:8 (upload_all -> upload)``, for messages."""
        chain = f" ({' -> '.join(origin.chain)})" if len(origin.chain) > 1 else ""
        return f"started at {self.facts.project.display_path(origin.module)}:{origin.line}{chain}"

    # -- recording -------------------------------------------------------------------------

    def dependencies(self) -> Dependencies:
        return [(encode(question), encode(answer)) for question, answer in self._answers.items()]

    def answers_still(self, dependencies: Dependencies) -> bool:
        """Whether every recorded question gets the same answer from these facts.
        A question that cannot be asked (a damaged cache entry's) does not."""
        try:
            return all(encode(self._answer(decode(question))) == answer for question, answer in dependencies)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            return False

    def _ask(self, question: Question) -> Any:
        if question not in self._answers:
            self._answers[question] = self._answer(question)
        return self._answers[question]

    def _answer(self, question: Question) -> Any:
        kind = question[0]
        facts = self.facts
        if kind == "resolve":
            return facts.resolve(self.module, question[1], hops=ARGUMENT_HOPS)
        if kind == "kinds":
            return facts.kinds(self.module, question[1], hops=ARGUMENT_HOPS)
        if kind == "workers":
            return tuple(sorted(_plain(origin) for origin in facts.origins.get((self.module, question[1]), ())))
        if kind == "invocations":
            return tuple(sorted(astuple(item) for item in facts.invocations.get((self.module, question[1]), ())))
        if kind == "outside":
            region: RegionKey = tuple(question[1])
            if question[2] is None:
                return True
            return (self.module, question[2]) not in facts.regions.get(region, set())
        if kind == "constructed_outside":
            region = facts.regions.get(tuple(question[1]), set())
            return not any(key in region for key in facts.call_targets(self.module, ("local", question[2])))
        if kind == "assigned_by_subclasses":
            return facts.assigned_by_subclasses(self.module, question[1], question[2])
        if kind == "worker_functions":
            return tuple(sorted(function for module, function in facts.origins if module == self.module))
        if kind == "lambda_module":
            return facts.lambda_module(self.module)
        if kind == "profile_option":
            return facts.may_declare_profile_option(self.module, tuple(question[1]))
        raise ValueError(f"unknown question {question!r}")

    def _in_test_module(self) -> bool:
        """A test module's code is never Lambda code (the test runner runs it):
        what would depend on that needs no question (``Facts.lambda_module``
        answers the same, for answers recorded before)."""
        return self.facts.project.is_test_module(self.module)

    def _id(self, function: cst.CSTNode) -> str:
        return self.semantic.definition_id(function)


def _plain(origin: Origin) -> tuple:
    return (
        origin.region,
        origin.worker.value,
        origin.module,
        origin.line,
        origin.chain,
        origin.forked,
        origin.without_pickling,
    )


def _origin(item: tuple) -> Origin:
    region, worker, module, line, chain, forked, without_pickling = item
    return Origin(tuple(region), Worker(worker), module, line, tuple(chain), forked, without_pickling)
