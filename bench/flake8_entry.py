"""Run flake8, optionally with botolint's plugin removed from its plugin list.

flake8 runs every installed plugin whatever ``--select`` says (selection only
filters what is printed), so ``--select E,W,F`` alone would still pay for
botolint. The baseline therefore drops the plugin before flake8 loads it. Both
sides of the comparison start through this script, so they pay the same
start-up. On exit it says on stderr whether botolint's plugin was loaded,
which lets the benchmark check that the baseline really ran without it (the
plugin imports its engine only for a file that mentions boto3, so the engine
is no sign of it).

    python bench/flake8_entry.py [--without-botolint] FLAKE8_ARGS...
"""

from __future__ import annotations

import sys

MARKER = "botolint-plugin-loaded:"


def _drop_botolint_plugin() -> None:
    from flake8.plugins import finder

    find_plugins = finder.find_plugins

    def find_plugins_without_botolint(*args, **kwargs):
        return [plugin for plugin in find_plugins(*args, **kwargs) if plugin.package != "botolint"]

    finder.find_plugins = find_plugins_without_botolint


def main(argv: list) -> int:
    if argv[:1] == ["--without-botolint"]:
        argv = argv[1:]
        _drop_botolint_plugin()
    from flake8.main.cli import main as flake8_main

    try:
        status = flake8_main(argv)
    except SystemExit as exit_:
        status = exit_.code
    print(f"{MARKER} {'botolint.flake8_plugin' in sys.modules}", file=sys.stderr)
    return int(status or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
