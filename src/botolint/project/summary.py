"""A module's summary: what the project layer needs of it, without its tree.

Computed once from the module's semantic model (and kept in the result cache
under its content hash), a summary says, per function and method: which
project functions it calls (and which callables it passes them), the
functions nested in it, what it returns (as value atoms, see
``botolint.kinds``), its decorators, and which of its parameters it hands to
threads or processes, and whether it declares a command-line option choosing
the AWS profile; per class: its bases, methods and attributes; for the
module: the names it defines or imports, where it hands work to threads or
processes, its Lambda handlers, and the modules it imports at init.

Refs and atoms keep imported names as written (relative ones with their
dots): the summary depends on the file's text only, not on where it sits.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, FrozenSet, List, Optional, Tuple

from botolint.kinds import Atoms, ObjectKind, Ref

MODULE_BODY = "<module>"  # the id under which a module's own code is summarised
# Summaries of an older shape are never read back.
FORMAT = 7


@dataclass
class CallSummary:
    callee: Ref
    # Callables passed as arguments, by position and by keyword; a parameter
    # of the calling function passed on is a ("param", its id, index) ref.
    positional: Dict[int, List[Ref]] = field(default_factory=dict)
    keywords: Dict[str, List[Ref]] = field(default_factory=dict)
    line: int = 0  # given when callables are passed (a wrapper may run them on threads)
    # What the arguments are, where anything is known of them (by position, by keyword).
    arguments: Dict[int, Atoms] = field(default_factory=dict)
    keyword_arguments: Dict[str, Atoms] = field(default_factory=dict)
    # The call runs once and its result is kept (``if _cache is None: _cache = Cache()``,
    # in a memoized function): what it runs does not run on each Lambda invocation.
    once: bool = False


@dataclass
class FunctionSummary:
    name: str
    params: List[str] = field(default_factory=list)  # positional parameters, in order
    calls: List[CallSummary] = field(default_factory=list)
    nested: List[str] = field(default_factory=list)
    returns: Atoms = frozenset()
    decorators: List[Ref] = field(default_factory=list)
    # Parameter index -> (worker, line of the spawn): the function itself hands
    # that argument to workers (``Facts.handoffs`` adds what it passes to wrappers).
    handoffs: Dict[int, Tuple[str, int]] = field(default_factory=dict)
    # A method with no code of its own (``@abstractmethod``, or only ``raise
    # NotImplementedError``): calling it runs a subclass's override.
    abstract: bool = False
    # It declares a command-line option choosing the AWS profile (``click.option("--profile")``).
    declares_profile_option: bool = False


@dataclass
class ClassSummary:
    bases: List[Ref] = field(default_factory=list)
    methods: Dict[str, str] = field(default_factory=dict)
    attributes: Dict[str, Atoms] = field(default_factory=dict)


@dataclass
class SpawnSummary:
    owner: str
    line: int
    worker: Optional[str]  # None: decided by ``receiver``
    entries: List[Ref]
    forked: bool
    without_pickling: bool
    receiver: Atoms = frozenset()
    method: str = ""


@dataclass
class ModuleSummary:
    # Module-level names: [("def", id) | ("class", id) | ("import", dotted) | ("value", atoms)].
    exports: Dict[str, List[tuple]] = field(default_factory=dict)
    functions: Dict[str, FunctionSummary] = field(default_factory=dict)
    classes: Dict[str, ClassSummary] = field(default_factory=dict)
    spawns: List[SpawnSummary] = field(default_factory=list)
    handlers: List[str] = field(default_factory=list)
    imports: List[str] = field(default_factory=list)  # modules imported at init, as written
    # Imported names read other than to call them (passed, stored, registered),
    # and those given to ``inspect.signature`` and friends: as written, sorted.
    value_uses: List[str] = field(default_factory=list)
    signature_reads: List[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "summary": encode(asdict(self))}, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "ModuleSummary":
        """The summary ``to_json`` wrote; ValueError for any text that is not one
        (another format, damaged, of another shape)."""
        try:
            data = loads(text)
        except (TypeError, KeyError, RecursionError) as error:  # a tag holding what no encoded value does
            raise ValueError(f"not a summary: {error!r}") from error
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("a summary of another format")
        try:
            raw = data["summary"]
            return cls(
                exports={name: [tuple(entry) for entry in entries] for name, entries in raw["exports"].items()},
                functions={key: _function(value) for key, value in raw["functions"].items()},
                classes={key: ClassSummary(**value) for key, value in raw["classes"].items()},
                spawns=[SpawnSummary(**value) for value in raw["spawns"]],
                handlers=list(raw["handlers"]),
                imports=list(raw["imports"]),
                value_uses=list(raw["value_uses"]),
                signature_reads=list(raw["signature_reads"]),
            )
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError(f"not a summary: {error!r}") from error


def _function(value: Dict[str, Any]) -> FunctionSummary:
    value = dict(value)
    value["calls"] = [
        CallSummary(
            **{
                **call,
                "positional": {int(index): refs for index, refs in call["positional"].items()},
                "arguments": {int(index): atoms for index, atoms in call["arguments"].items()},
            }
        )
        for call in value["calls"]
    ]
    value["handoffs"] = {int(index): tuple(handoff) for index, handoff in value["handoffs"].items()}
    return FunctionSummary(**value)


def defined_names(summary: ModuleSummary) -> FrozenSet[str]:
    """The names another module's code can run the module's functions by: its
    module-level functions and classes, and every class and method (a def
    inside a def runs only as part of the outer one). Imported names are not
    among them: they name what another module defines."""
    names = {class_id.rpartition(".")[2].partition("#")[0] for class_id in summary.classes}
    names |= {method for cls in summary.classes.values() for method in cls.methods}
    names |= {name for name, entries in summary.exports.items() if any(e[0] in ("def", "class") for e in entries)}
    return frozenset(names)


def import_aliases(summary: ModuleSummary) -> Dict[str, str]:
    """The module-level names that import something under another name, and
    what they import, as written (``g`` for ``from .jobs import run as g``)."""
    return {
        name: entry[1]
        for name, entries in summary.exports.items()
        for entry in entries
        if entry[0] == "import" and entry[1].rpartition(".")[2] != name
    }


# -- JSON: frozensets, tuples and ObjectKinds have no JSON form of their own -----
# Each is an object with one tagged key. "$" is in no Python name, so no data
# dict (of function ids, names, keywords) is ever read back as one of them.
_KIND, _SET, _TUPLE = "$k", "$s", "$t"


def encode(value: Any) -> Any:
    if isinstance(value, ObjectKind):
        return {_KIND: value.name}
    if isinstance(value, frozenset):
        return {_SET: sorted((encode(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True))}
    if isinstance(value, tuple):
        return {_TUPLE: [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    return value


def decode(value: Any) -> Any:
    """The value ``encode`` gave the JSON form of (see ``loads`` for text)."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, dict):
        return _tagged({key: decode(item) for key, item in value.items()})
    return value


def loads(text: str) -> Any:
    """``decode(json.loads(text))`` in one pass: the parser hands over each
    object with its contents decoded already."""
    return json.loads(text, object_hook=_tagged)


def _tagged(value: Dict[str, Any]) -> Any:
    if len(value) == 1:
        if _KIND in value:
            return ObjectKind[value[_KIND]]
        if _SET in value:
            return frozenset(value[_SET])
        if _TUPLE in value:
            return tuple(value[_TUPLE])
    return value
