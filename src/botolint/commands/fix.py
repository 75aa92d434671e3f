"""``botolint fix``: give functions that use the default session an optional
``session`` parameter, and pass sessions along to the functions they call."""

from __future__ import annotations

import argparse
import difflib
import sys
from typing import TYPE_CHECKING, List, TextIO

from botolint.commands.common import NO_FILES, add_file_arguments, resolve_runs
from botolint.discovery import iter_python_files
from botolint.fix.options import FALLBACKS
from botolint.settings import fix_options

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


def run(args: argparse.Namespace) -> int:
    from botolint.fix.run import fix_paths, write_result  # the rewrite machinery: only when fixing

    results: List[FileResult] = []
    found = False
    for run_ in resolve_runs(args):
        options = fix_options(run_.config, args.param_name, args.fallback, args.add_to_callers, args.unsafe_fixes)
        found = found or any(True for _ in iter_python_files(run_.paths, run_.config.exclude, warn=lambda _: None))
        results += fix_paths(list(run_.paths), run_.config, run_.rules, options)
    if not found:
        print(NO_FILES, file=sys.stderr)
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
                print(
                    f"{result.path}:{function.line}: {function.name}() uses `{function.param}` ({how}) "
                    f"in {function.calls} {calls}",
                    file=out,
                )
            else:
                print(
                    f"{result.path}:{function.line}: {function.name}() gets `{function.param}` ({how}) to pass on",
                    file=out,
                )
        for line, text in result.notes:
            print(f"{result.path}:{line}: {text}", file=out)
        for passed in result.passes:
            print(
                f"{result.path}:{passed.line}: {passed.callee}() is passed `{passed.keyword}={passed.value}`", file=out
            )
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
