"""What the installed boto3 and botocore say of themselves, read from their
files without importing them.

Importing boto3 (and botocore under it) costs a fifth of a second, more than
checking a file: an editor that runs flake8 on save would pay it each time.
The signatures of ``Session``, ``Session.client`` and ``Session.resource``
come from ``boto3/session.py`` parsed with ``ast``; the service names from
the model directories, searched the way botocore's loader searches them
(``AWS_DATA_PATH``, then ``~/.aws/models``, then botocore's own data, and
boto3's for resources). Where a file is not what is expected, the answer
comes from importing boto3 after all, and where boto3 is not installed, it is
empty (the rules that need it then say nothing).
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
from functools import lru_cache
from typing import FrozenSet, List, Optional, Tuple

# boto3.Session's method (or constructor) behind each kind of call.
_SESSION_METHODS = {"session": "__init__", "client": "client", "resource": "resource"}
_MODEL_SUFFIXES = (".json", ".json.gz")


def _package_directory(package: str) -> Optional[str]:
    try:
        spec = importlib.util.find_spec(package)  # a top-level package: found, not imported
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return locations[0] if locations else None


@lru_cache(maxsize=None)
def parameter_names(kind: str) -> Tuple[str, ...]:
    """Parameter names, in positional order, of ``boto3.Session(...)`` (kind
    "session") or ``Session.client``/``Session.resource``; () if boto3 cannot
    be inspected. ``boto3.client`` forwards ``*args, **kwargs`` to
    ``Session.client``, so the method's signature is the one that counts."""
    names = _names_from_source(_SESSION_METHODS[kind])
    return names if names is not None else _names_from_import(kind)


@lru_cache(maxsize=None)
def _session_class() -> Optional[ast.ClassDef]:
    directory = _package_directory("boto3")
    if directory is None:
        return None
    try:
        with open(os.path.join(directory, "session.py"), "rb") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return None
    return next((node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "Session"), None)


def _names_from_source(method: str) -> Optional[Tuple[str, ...]]:
    session = _session_class()
    if session is None:
        return None
    for node in session.body:
        if isinstance(node, ast.FunctionDef) and node.name == method:
            arguments = node.args
            # Positional-or-keyword (after self), then keyword-only: what a call can name.
            names = [arg.arg for arg in arguments.args[1:]] + [arg.arg for arg in arguments.kwonlyargs]
            return tuple(names) if names else None
    return None


def _names_from_import(kind: str) -> Tuple[str, ...]:
    try:
        from boto3.session import Session
    except ImportError:
        return ()
    function = getattr(Session, _SESSION_METHODS[kind])
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return ()
    named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    return tuple(p.name for p in parameters[1:] if p.kind in named)


@lru_cache(maxsize=None)
def available_services() -> FrozenSet[str]:
    """Service names ``client()`` accepts, from botocore's installed models."""
    return _services("service-2", with_boto3_data=False)


@lru_cache(maxsize=None)
def available_resources() -> FrozenSet[str]:
    """Service names ``resource()`` accepts, from boto3's resource models."""
    return _services("resources-1", with_boto3_data=True)


def _search_paths(with_boto3_data: bool) -> List[str]:
    paths = [
        os.path.expanduser(os.path.expandvars(entry))
        for entry in os.environ.get("AWS_DATA_PATH", "").split(os.pathsep)
        if entry
    ]
    paths.append(os.path.expanduser(os.path.join("~", ".aws", "models")))
    for package, wanted in (("botocore", True), ("boto3", with_boto3_data)):
        directory = _package_directory(package) if wanted else None
        if directory is not None:
            paths.append(os.path.join(directory, "data"))
    return paths


def _services(type_name: str, *, with_boto3_data: bool) -> FrozenSet[str]:
    """The directories of the search path that hold a ``type_name`` model in
    some API version's directory. Empty when none can be read."""
    services = set()
    for path in _search_paths(with_boto3_data):
        try:
            candidates = [entry for entry in os.scandir(path) if entry.is_dir()]
        except OSError:
            continue
        for service in candidates:
            if service.name not in services and _has_model(service.path, type_name):
                services.add(service.name)
    return frozenset(services)


def _has_model(service_directory: str, type_name: str) -> bool:
    try:
        versions = os.listdir(service_directory)
    except OSError:
        return False
    return any(
        os.path.isfile(os.path.join(service_directory, version, type_name + suffix))
        for version in versions
        for suffix in _MODEL_SUFFIXES
    )
