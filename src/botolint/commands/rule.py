"""``botolint rule``: print a rule's documentation, or list every rule."""

from __future__ import annotations

import argparse
import sys

from botolint.catalog import entries_by_code, rule_entries
from botolint.commands.common import UsageError, stdout_closed

NAME = "rule"
HELP = "show a rule's documentation, or list all rules"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("code", nargs="?", help="a rule code, e.g. AWS101")
    target.add_argument("--all", action="store_true", help="list every rule")
    parser.add_argument("--markdown-table", action="store_true", help="with --all: print the README's rule table")


def rule_table() -> str:
    rows = ["| Code | Name | What it flags |", "|---|---|---|"]
    rows += [f"| {rule.code} | {rule.name} | {rule.summary()} |" for rule in rule_entries()]
    return "\n".join(rows) + "\n"


def facts(rule) -> str:
    """The lines that say how a rule behaves beyond its page."""
    fix = rule.fix_applicability.value if rule.fix_applicability is not None else "none"
    tests = "yes" if rule.in_test_code else 'no (test-code = "report" turns it on)'
    scripts = "yes" if rule.in_scripts else "no (script-paths says which files are scripts)"
    return f"Fix: {fix}\nReported in test code: {tests}\nReported in scripts: {scripts}"


def run(args: argparse.Namespace) -> int:
    try:
        code = _run(args)
        sys.stdout.flush()
    except BrokenPipeError:
        stdout_closed()
        return 0
    return code


def _run(args: argparse.Namespace) -> int:
    if args.all:
        if args.markdown_table:
            print(rule_table(), end="")
        else:
            for rule in rule_entries():
                print(f"{rule.code}  {rule.name:<32} {rule.summary()}")
        return 0
    rule = entries_by_code().get(args.code.upper())
    if rule is None:
        raise UsageError(f"unknown rule {args.code!r} (see `botolint rule --all`)")
    print(f"# {rule.code} {rule.name}\n\nMessage: {rule.message}\n\n{facts(rule)}\n\n{rule.doc}")
    return 0
