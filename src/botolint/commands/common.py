"""Options shared by the subcommands that read files."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, List, Optional, Tuple, Type

from botolint.cache import Cache, default_cache_directory
from botolint.config import Config, ConfigError
from botolint.rule import Rule
from botolint.settings import Overrides, Resolver, Run, parse_per_file_ignores

if TYPE_CHECKING:
    from botolint.runner import FileReport


class UsageError(Exception):
    pass


def stdout_closed() -> None:
    """The reader of stdout went away (``botolint rule AWS101 | head -1``):
    point stdout at the null device, so that nothing more fails, quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture it)
        pass


def comma_list(text: str) -> Tuple[str, ...]:
    return tuple(item.strip().upper() for item in text.split(",") if item.strip())


def glob_list(text: str) -> Tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def add_file_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, default=[Path(".")], help="files or directories (default: .)")
    parser.add_argument(
        "--select",
        type=comma_list,
        help="rule code prefixes to enable, e.g. AWS1,AWS203 (replaces the configured list)",
    )
    parser.add_argument("--extend-select", type=comma_list, default=(), help="rule code prefixes to enable as well")
    parser.add_argument(
        "--ignore", type=comma_list, help="rule code prefixes to disable (replaces the configured list)"
    )
    parser.add_argument("--extend-ignore", type=comma_list, default=(), help="rule code prefixes to disable as well")
    parser.add_argument(
        "--per-file-ignores", type=per_file_list,
        help="findings to drop per file, e.g. 'tests/*:AWS1 legacy/*.py:AWS' (replaces the configured table)",
    )
    parser.add_argument("--exclude", type=glob_list, help="globs of paths to skip (replaces the configured list)")
    parser.add_argument("--extend-exclude", type=glob_list, default=(), help="globs of paths to skip as well")
    parser.add_argument(
        "--force-exclude", action=argparse.BooleanOptionalAction, default=None,
        help="apply excludes to files named on the command line too (the pre-commit hooks do)",
    )
    parser.add_argument(
        "--respect-gitignore", action=argparse.BooleanOptionalAction, default=None,
        help="skip files .gitignore ignores (default: on)",
    )
    parser.add_argument(
        "--default-excludes", action=argparse.BooleanOptionalAction, default=None,
        help="skip virtualenvs and ruff's default excludes (.git, .venv, node_modules, ...) (default: on)",
    )
    parser.add_argument(
        "--config", type=Path,
        help="the file to read [tool.botolint] from, for every path (default: the nearest pyproject.toml "
        "with [tool.botolint] above each path)",
    )


def per_file_list(text: str):
    try:
        return parse_per_file_ignores(text)
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def resolver(args: argparse.Namespace) -> Resolver:
    overrides = Overrides(
        select=args.select, extend_select=args.extend_select, ignore=args.ignore, extend_ignore=args.extend_ignore,
        exclude=args.exclude, extend_exclude=args.extend_exclude, per_file_ignores=args.per_file_ignores,
        force_exclude=args.force_exclude, respect_gitignore=args.respect_gitignore,
        default_excludes=args.default_excludes,
    )
    return Resolver(overrides, args.config)


def resolve_runs(args: argparse.Namespace) -> List[Run]:
    """The paths of the command line grouped by the configuration they use."""
    return resolver(args).runs(args.paths)


def check_reports(args: argparse.Namespace, settings: Optional[Resolver] = None) -> Iterator["FileReport"]:
    """What ``check`` reports, file by file, each run with its own configuration and cache."""
    from botolint.runner import check_paths

    for run in (settings or resolver(args)).runs(args.paths):
        cache = resolve_cache(args, run.config, run.rules)
        yield from check_paths(run.paths, run.config, run.rules, cache=cache, jobs=args.jobs)


NO_FILES = "botolint: no Python files found"


def job_count(text: str) -> int:
    """``-j N`` takes a positive number, or ``auto`` (0) for every core."""
    if text.strip().lower() == "auto":
        return 0
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes or 'auto', got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the number of processes must be at least 1")
    return value


def add_performance_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j", "--jobs", type=job_count, default=0, metavar="N",
        help="processes to analyze files in (default: auto, one per core; small runs stay in one process)",
    )
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    parser.add_argument(
        "--cache-dir", type=Path,
        help="where to keep the result cache (default: .botolint_cache next to pyproject.toml, else in the cwd)",
    )


def resolve_cache(args: argparse.Namespace, config: Config, rules: Tuple[Type[Rule], ...]) -> Optional[Cache]:
    if args.no_cache:
        return None
    directory = args.cache_dir if args.cache_dir is not None else default_cache_directory(config)
    return Cache.for_run(directory, config, [rule.code for rule in rules])
