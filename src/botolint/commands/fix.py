"""``botolint fix``: give functions that use the default session an optional
``session`` parameter, and pass sessions along to the functions they call."""

from __future__ import annotations

import argparse
import difflib
import keyword
import sys
from typing import TYPE_CHECKING, List, TextIO

from botolint.commands.common import UsageError, add_file_arguments, resolve_config, resolve_rules
from botolint.fix.options import FALLBACKS, FixOptions

if TYPE_CHECKING:
    from botolint.fix.run import FileResult

NAME = "fix"
HELP = "rewrite functions to take an optional boto3 session (AWS101/AWS102)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_file_arguments(parser)
    parser.add_argument("--diff", action="store_true", help="print a unified diff instead of writing files")
    parser.add_argument(
        "--param-name", help="name of the new parameter (default: [tool.botolint] param-name, else 'session')"
    )
    parser.add_argument(
        "--fallback",
        choices=FALLBACKS,
        default="default",
        help="what a function uses when no session is passed: 'default' keeps boto3's default "
        "session ((session or boto3).client), 'new-session' makes a boto3.Session()",
    )
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="also apply fixes that change behaviour: import-time clients (AWS103) from one module-level "
        "boto3.Session(), a boto3.Session() per call on worker threads (AWS203), a --profile option for "
        "argparse scripts (AWS105) (default: [tool.botolint] unsafe-fixes, else off)",
    )
    parser.add_argument(
        "--add-to-callers",
        action="store_true",
        help="also give functions that call a fixed function a session parameter, up their call "
        "chains (default: [tool.botolint] add-to-callers, else off)",
    )


def _options(args: argparse.Namespace, config) -> FixOptions:
    name = args.param_name if args.param_name is not None else config.option("param-name", "session")
    if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
        raise UsageError(f"param-name must be a Python identifier, not {name!r}")
    return FixOptions(
        param_name=name,
        fallback=args.fallback,
        add_to_callers=args.add_to_callers or _flag(config, "add-to-callers"),
        unsafe_fixes=args.unsafe_fixes or _flag(config, "unsafe-fixes"),
    )


def _flag(config, key: str) -> bool:
    value = config.option(key, False)
    if not isinstance(value, bool):
        raise UsageError(f"{key} must be true or false, not {value!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from botolint.fix.run import fix_paths, write_result  # the rewrite machinery: only when fixing

    config = resolve_config(args)
    rules = resolve_rules(config)
    options = _options(args, config)
    results = fix_paths(args.paths, config, rules, options)
    report = sys.stderr if args.diff else sys.stdout
    for result in results:
        if args.diff:
            sys.stdout.write(unified_diff(result))
        elif result.changed:
            write_result(result)
        _report_file(result, report)
    _summary(results, report, wrote=not args.diff)
    failed = any(result.error is not None for result in results)
    return 1 if failed or any(result.changed for result in results) else 0


def unified_diff(result: FileResult) -> str:
    if not result.changed:
        return ""
    before = result.original.decode(result.encoding, errors="replace").splitlines(keepends=True)
    after = result.new.decode(result.encoding, errors="replace").splitlines(keepends=True)
    lines = difflib.unified_diff(before, after, fromfile=f"a/{result.path}", tofile=f"b/{result.path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _report_file(result: FileResult, out: TextIO) -> None:
    if result.error is not None:
        suffix = "" if result.error.endswith("(file left unchanged)") else " (file left unchanged)"
        print(f"{result.path}: error: {result.error}{suffix}", file=sys.stderr)
    if result.changed:
        for function in result.functions:
            how = "new keyword-only parameter" if function.added else "existing parameter"
            calls = "call" if function.calls == 1 else "calls"
            if function.calls:
                print(f"{result.path}:{function.line}: {function.name}() uses `{function.param}` ({how}) in {function.calls} {calls}", file=out)
            else:
                print(f"{result.path}:{function.line}: {function.name}() gets `{function.param}` ({how}) to pass on", file=out)
        for line, text in result.notes:
            print(f"{result.path}:{line}: {text}", file=out)
        for passed in result.passes:
            print(f"{result.path}:{passed.line}: {passed.callee}() is passed `{passed.keyword}={passed.value}`", file=out)
    for left in result.left:
        print(f"{result.path}:{left.line}:{left.column}: {left.code} left: {left.reason}", file=out)


def _summary(results: List[FileResult], out: TextIO, wrote: bool) -> None:
    changed = [result for result in results if result.changed]
    functions = sum(len(result.functions) for result in changed)
    passes = sum(len(result.passes) for result in changed)
    left = sum(len(result.left) for result in results)
    errors = sum(result.error is not None for result in results)
    verb = "Fixed" if wrote else "Would fix"
    parts = [f"{verb} {len(changed)} file{'s' * (len(changed) != 1)}: {functions} function{'s' * (functions != 1)}, "
             f"{passes} call site{'s' * (passes != 1)}"]
    if left:
        parts.append(f"left {left} finding{'s' * (left != 1)}")
    if errors:
        parts.append(f"{errors} file{'s' * (errors != 1)} not rewritten")
    print("; ".join(parts) + ".", file=out)
