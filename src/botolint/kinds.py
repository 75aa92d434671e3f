"""What boto3 and concurrency objects are, as plain data.

The kinds of object a value may be (a Session, a client, an executor...), the
symbolic atoms that stand for what another function or module returns, the
rules that say what a method call, an item or an attribute of a known kind
is, and where a pool's work runs. Nothing here needs a syntax tree: the
project layer's summaries and facts are made of these, and a warm run that
answers from the cache loads them without LibCST.
"""

from __future__ import annotations

import enum
from typing import AbstractSet, FrozenSet, Iterable, List, Optional, Protocol, Set, Tuple, Union

SESSION_CLASS = "boto3.Session"
BOTO3_MODULE = "boto3"
DEFAULT_SESSION_FACTORIES = {"boto3.client": "client", "boto3.resource": "resource"}
# How far values are followed through assignments before giving up.
MAX_DEPTH = 8


class ObjectKind(enum.Enum):
    SESSION = "Session"
    RESOURCE = "resource"
    CLIENT = "client"
    MODULE = "boto3"  # the boto3 module itself, as in ``(session or boto3).client(...)``
    STS_CLIENT = "STS client"
    ROLE_RESPONSE = "assume-role response"  # sts.assume_role(...)
    ROLE_CREDENTIALS = "assume-role credentials"  # its ["Credentials"]
    ROLE_FIELD = "assume-role credential"  # one of their keys
    THREAD_EXECUTOR = "thread pool executor"
    PROCESS_EXECUTOR = "process pool executor"
    EXECUTOR = "executor"  # concurrent.futures.Executor: threads or processes
    THREAD_POOL = "thread pool"  # multiprocessing.pool.ThreadPool
    PROCESS_POOL = "process pool"  # multiprocessing.Pool


BOTO3_KINDS = frozenset({ObjectKind.SESSION, ObjectKind.RESOURCE, ObjectKind.CLIENT})

# Objects that hold a client and use its connections (an S3 transfer manager).
CLIENT_HOLDERS = frozenset({"boto3.s3.transfer.S3Transfer", "s3transfer.manager.TransferManager"})
# Constructors of executors and pools, by canonical name.
EXECUTOR_CLASSES = {
    "concurrent.futures.ThreadPoolExecutor": ObjectKind.THREAD_EXECUTOR,
    "concurrent.futures.thread.ThreadPoolExecutor": ObjectKind.THREAD_EXECUTOR,
    "concurrent.futures.ProcessPoolExecutor": ObjectKind.PROCESS_EXECUTOR,
    "concurrent.futures.process.ProcessPoolExecutor": ObjectKind.PROCESS_EXECUTOR,
    "concurrent.futures.Executor": ObjectKind.EXECUTOR,
    "multiprocessing.Pool": ObjectKind.PROCESS_POOL,
    "multiprocessing.pool.Pool": ObjectKind.PROCESS_POOL,
    "multiprocessing.pool.ThreadPool": ObjectKind.THREAD_POOL,
    "multiprocessing.dummy.Pool": ObjectKind.THREAD_POOL,
}
ASSUME_ROLE_METHODS = frozenset({"assume_role", "assume_role_with_web_identity", "assume_role_with_saml"})
# The two parameters STS's AssumeRole requires: a call passing both is STS's.
STS_REQUIRED_KEYWORDS = frozenset({"RoleArn", "RoleSessionName"})
# Returns a refreshing Session, not a response.
REFRESHING_ASSUME_ROLE = "aws_assume_role_lib."

# Annotations naming a client or resource class (boto3's own bases and the
# boto3-stubs packages, whose classes end in ``Client`` / ``ServiceResource``).
_CLIENT_CLASSES = frozenset({"botocore.client.BaseClient"})
_RESOURCE_CLASSES = frozenset({"boto3.resources.base.ServiceResource"})


def kinds_of_class(qualified_name: str) -> FrozenSet[ObjectKind]:
    """The kinds of object an annotation's class name stands for."""
    if qualified_name == SESSION_CLASS:
        return frozenset({ObjectKind.SESSION})
    if qualified_name in _CLIENT_CLASSES:
        return frozenset({ObjectKind.CLIENT})
    if qualified_name in _RESOURCE_CLASSES:
        return frozenset({ObjectKind.RESOURCE})
    if qualified_name in EXECUTOR_CLASSES:
        return frozenset({EXECUTOR_CLASSES[qualified_name]})
    if qualified_name.startswith("mypy_boto3_"):
        if qualified_name.endswith("STSClient"):
            return frozenset({ObjectKind.CLIENT, ObjectKind.STS_CLIENT})
        if qualified_name.endswith("Client"):
            return frozenset({ObjectKind.CLIENT})
        if ".service_resource." in qualified_name or qualified_name.endswith("ServiceResource"):
            return frozenset({ObjectKind.RESOURCE})
    return frozenset()


# -- the kind rules, over kinds already known ------------------------------------
# Symbolic values (below) are resolved by the project layer with these same rules.


def call_result(receiver: AbstractSet[ObjectKind], method: str, service: Optional[str]) -> FrozenSet[ObjectKind]:
    """What ``receiver.method(service, ...)`` returns."""
    found = set()
    if method in ("client", "resource") and receiver & {ObjectKind.SESSION, ObjectKind.MODULE}:
        found.add(ObjectKind(method))
    if method == "client" and service == "sts":
        found.add(ObjectKind.STS_CLIENT)  # whatever made it: the service says what it is
    # Sub-resources and references are CamelCase (s3.Bucket, bucket.Object);
    # actions are snake_case and return plain data.
    if method[:1].isupper() and ObjectKind.RESOURCE in receiver:
        found.add(ObjectKind.RESOURCE)
    if method in ASSUME_ROLE_METHODS and ObjectKind.STS_CLIENT in receiver:
        found.add(ObjectKind.ROLE_RESPONSE)
    return frozenset(found)


def item_result(base: AbstractSet[ObjectKind], key: str) -> FrozenSet[ObjectKind]:
    """What ``base[key]`` (or ``base.get(key)``) is."""
    if ObjectKind.ROLE_RESPONSE in base and key == "Credentials":
        return frozenset({ObjectKind.ROLE_CREDENTIALS})
    if ObjectKind.ROLE_CREDENTIALS in base:
        return frozenset({ObjectKind.ROLE_FIELD})
    return frozenset()


def attribute_result(base: AbstractSet[ObjectKind], path: str) -> FrozenSet[ObjectKind]:
    """What ``base.<path>`` is: ``resource.meta.client`` is the client it was built on."""
    if path == "meta.client" and ObjectKind.RESOURCE in base:
        return frozenset({ObjectKind.CLIENT})
    return frozenset()


# -- symbolic values ---------------------------------------------------------------
# A value's *atoms* are the kinds it is known to have, and, for what depends on
# other functions or modules, symbolic atoms the project layer resolves:
#   ("ret", ref)                    what calling ``ref`` returns
#   ("global", ref)                 the module-level value ``ref`` names
#   ("method", atoms, name, service)  what ``value.name(service, ...)`` returns
#   ("item", atoms, key)            ``value[key]``
#   ("attr", atoms, path)           ``value.<path>``
#   ("instance", module, class_id)  an instance of a project class (module None: this one)
#   ("class", module, class_id)     the class object itself
#   ("arg", definition_id, index)   what the project's callers pass for a parameter of this module's function
# and *refs* name what a call reaches:
#   ("local", definition_id)        a def, class or lambda of this module
#   ("name", dotted)                an imported name (relative ones keep their dots)
#   ("member", atoms, name)         attribute ``name`` of a value (a method of an instance or class)
#   ("param", definition_id, index) a parameter of a function of this module
Atom = Union[ObjectKind, tuple]
Atoms = FrozenSet[Atom]
Ref = tuple
NO_ATOMS: Atoms = frozenset()


class Resolver(Protocol):
    """The project layer, as the value analysis sees it."""

    def resolve(self, atoms: Atoms) -> Atoms:
        """Concrete atoms: ObjectKinds, instances and classes."""

    def kinds(self, atoms: Atoms) -> FrozenSet["ObjectKind"]:
        """The ObjectKinds alone (which can need fewer modules read)."""


class LocalResolver:
    """Resolves what one module knows of itself: nothing that needs another function."""

    def resolve(self, atoms: Atoms) -> Atoms:
        return frozenset(atom for atom in atoms if is_concrete(atom))

    def kinds(self, atoms: Atoms) -> FrozenSet["ObjectKind"]:
        return kinds_in(atoms)


def is_concrete(atom: Atom) -> bool:
    return isinstance(atom, ObjectKind) or atom[0] in ("instance", "class")


def kinds_in(atoms: Iterable[Atom]) -> FrozenSet[ObjectKind]:
    return frozenset(atom for atom in atoms if isinstance(atom, ObjectKind))


def split_kinds(atoms: Atoms) -> Tuple[FrozenSet[ObjectKind], Atoms]:
    kinds = kinds_in(atoms)
    return kinds, frozenset(atom for atom in atoms if not isinstance(atom, ObjectKind))


def method_atoms(receiver: Atoms, method: str, service: Optional[str]) -> Atoms:
    kinds, symbolic = split_kinds(receiver)
    atoms: Set[Atom] = set(call_result(kinds, method, service))
    if symbolic:
        atoms.add(("method", symbolic, method, service))
    return frozenset(atoms)


def item_atoms(base: Atoms, key: str) -> Atoms:
    kinds, symbolic = split_kinds(base)
    atoms: Set[Atom] = set(item_result(kinds, key))
    if symbolic:
        atoms.add(("item", symbolic, key))
    return frozenset(atoms)


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
# What an executor or pool kind says of its API ("executor": concurrent.futures,
# "pool": multiprocessing) and of where its work runs.
POOL_KINDS = {
    ObjectKind.THREAD_EXECUTOR: ("executor", Worker.THREAD),
    ObjectKind.PROCESS_EXECUTOR: ("executor", Worker.PROCESS),
    ObjectKind.EXECUTOR: ("executor", Worker.EITHER),
    ObjectKind.THREAD_POOL: ("pool", Worker.THREAD),
    ObjectKind.PROCESS_POOL: ("pool", Worker.PROCESS),
}
EXECUTOR_METHODS = frozenset({"submit", "map"})
POOL_METHODS = frozenset(
    {"map", "imap", "imap_unordered", "starmap", "apply", "apply_async", "map_async", "starmap_async"}
)


def pool_worker(kinds, method: str) -> List[Worker]:
    """Where ``pool.method(...)`` runs its work, for a receiver of ``kinds``."""
    found = []
    for kind in kinds:
        family, worker = POOL_KINDS.get(kind, (None, None))
        if family is not None and method in (EXECUTOR_METHODS if family == "executor" else POOL_METHODS):
            found.append(worker)
    return found
