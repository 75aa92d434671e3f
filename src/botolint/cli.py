"""The ``botolint`` command. Exit codes: 0 clean, 1 findings (or files that
could not be analyzed, or changes made by ``fix``), 2 usage or internal error."""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from typing import List, Optional

from botolint import __version__
from botolint.commands.common import UsageError
from botolint.config import ConfigError

COMMANDS = ("check", "rule", "fix")
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="botolint", description="Find and fix boto3 code that relies on the hidden default session."
    )
    parser.add_argument("--version", action="version", version=f"botolint {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"botolint.commands.{name}")
        subparser = subparsers.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(subparser)
        subparser.set_defaults(run=module.run)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (UsageError, ConfigError) as error:
        print(f"botolint: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception:
        traceback.print_exc()
        print("botolint: internal error (please report it with the traceback above)", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
