"""Which functions of a module are AWS Lambda handlers.

Shared by AWS301 (clients made per invocation), AWS103 (which stays quiet in
a Lambda module, where import-time creation is the recommended pattern) and
the project layer, which follows what handlers call.
"""

from __future__ import annotations

from typing import FrozenSet, Tuple

import libcst as cst

from botolint.config import Config
from botolint.lambda_names import handler_names

EVENT_NAMES = frozenset({"event", "_event"})
CONTEXT_NAMES = frozenset({"context", "_context", "ctx"})
# The second parameter of Python's signal handlers, ``handler(signum, frame)``.
SIGNAL_FRAME_NAMES = frozenset({"frame", "_frame"})


def _two_positional_parameters(params: cst.Parameters) -> Tuple[str, ...]:
    """The names of exactly two positional parameters and nothing else, or ().
    Keyword-only parameters with defaults are allowed: the runtime never
    passes them (``botolint fix`` adds ``*, session=None`` to handlers)."""
    positional = (*params.posonly_params, *params.params)
    required_kwonly = any(param.default is None for param in params.kwonly_params)
    extra = required_kwonly or isinstance(params.star_arg, cst.Param) or params.star_kwarg
    if len(positional) != 2 or extra:
        return ()
    return tuple(param.name.value for param in positional)


def is_lambda_handler(function: cst.FunctionDef, names: FrozenSet[str]) -> bool:
    parameters = _two_positional_parameters(function.params)
    if not parameters or parameters[1] in SIGNAL_FRAME_NAMES:
        return False  # ``def handler(signum, frame)``: a ``signal`` handler
    if function.name.value in names:
        return True
    return parameters[0] in EVENT_NAMES and parameters[1] in CONTEXT_NAMES


def lambda_handlers(module: cst.Module, config: Config) -> FrozenSet[cst.FunctionDef]:
    """The module's handlers: ``def`` statements directly in the module body
    (not under ``if`` or ``try``) that ``is_lambda_handler`` accepts."""
    names = handler_names(config)
    return frozenset(
        statement
        for statement in module.body
        if isinstance(statement, cst.FunctionDef) and is_lambda_handler(statement, names)
    )
