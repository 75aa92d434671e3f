"""Options shared by the subcommands that read files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Optional, Tuple, Type

from botolint.cache import Cache, default_cache_directory
from botolint.config import Config, load_config
from botolint.rule import Rule, all_rules, select_rules


class UsageError(Exception):
    pass


def comma_list(text: str) -> Tuple[str, ...]:
    return tuple(item.strip().upper() for item in text.split(",") if item.strip())


def glob_list(text: str) -> Tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())


def add_file_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, default=[Path(".")], help="files or directories (default: .)")
    parser.add_argument("--select", type=comma_list, help="rule code prefixes to enable, e.g. AWS1,AWS203")
    parser.add_argument("--ignore", type=comma_list, help="rule code prefixes to disable (replaces the configured list)")
    parser.add_argument("--extend-ignore", type=comma_list, default=(), help="rule code prefixes to disable as well")
    parser.add_argument("--exclude", type=glob_list, help="globs of paths to skip (replaces the configured list)")
    parser.add_argument("--extend-exclude", type=glob_list, default=(), help="globs of paths to skip as well")
    parser.add_argument("--config", type=Path, help="pyproject.toml to read [tool.botolint] from")


def resolve_config(args: argparse.Namespace) -> Config:
    start = args.config if args.config is not None else Path.cwd()
    config = load_config(start.parent if start.is_file() else start)
    config = config.with_overrides(select=args.select, ignore=args.ignore, exclude=args.exclude)
    return config.with_overrides(
        ignore=config.ignore + args.extend_ignore, exclude=config.exclude + args.extend_exclude
    )


def resolve_rules(config: Config) -> Tuple[Type[Rule], ...]:
    codes = [rule.code for rule in all_rules()]
    for selector in config.select + config.ignore:
        if not any(code.startswith(selector) or selector.startswith(code) for code in codes):
            raise UsageError(f"unknown rule selector {selector!r} (see `botolint rule --all`)")
    return select_rules(config.select, config.ignore)


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
    return Cache.for_run(directory, config, rules)
