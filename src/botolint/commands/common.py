"""Options shared by the subcommands that read files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Tuple, Type

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
