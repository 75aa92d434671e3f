"""The configured names of Lambda handlers (``lambda-handlers``): read by the
rules and by the project layer, which must not import LibCST to know them."""

from __future__ import annotations

from typing import Any, FrozenSet

OPTION = "lambda-handlers"
DEFAULT_HANDLER_NAMES = ("lambda_handler", "handler")


def handler_names(config: Any) -> FrozenSet[str]:
    """The configured handler names. Lambda's own `module.function` spelling
    is accepted: only the function part is compared. Entries that are not
    strings are ignored rather than failing the run."""
    value: Any = config.option(OPTION, list(DEFAULT_HANDLER_NAMES))
    entries = [value] if isinstance(value, str) else value if isinstance(value, (list, tuple)) else []
    return frozenset(entry.rsplit(".", 1)[-1] for entry in entries if isinstance(entry, str))
