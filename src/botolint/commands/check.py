"""``botolint check``: report findings."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List

from botolint.commands.common import NO_FILES, add_file_arguments, add_performance_arguments, check_reports, resolver
from botolint.output import FORMATS, Diagnostic, Failure, RunResult
from botolint.output.report import add_output_arguments, read_stdin, write_report

NAME = "check"
HELP = "report boto3 default-session problems"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_file_arguments(parser)
    add_performance_arguments(parser)
    parser.add_argument("--format", choices=sorted(FORMATS), default="text", help="output format (default: text)")
    parser.add_argument("--statistics", action="store_true", help="print the number of findings per rule")
    add_output_arguments(parser)


def run(args: argparse.Namespace) -> int:
    # The core is imported here, not at the top: `botolint --version` and
    # `botolint rule` build this command's parser and need none of it.
    from botolint.add_noqa import add_noqa_comments
    from botolint.engine import INTERNAL_ERROR

    settings = resolver(args)
    # Standard input, and the output's own needs (SARIF's fixes), use the
    # configuration of the named file, else of the first path checked.
    first = Path(args.stdin_filename) if args.stdin_filename else (args.paths[0] if args.paths else Path("."))
    config = settings.config_for(first.absolute())
    rules = settings.rules_for(config)
    diagnostics: List[Diagnostic] = []
    failed = internal = 0
    stdin = read_stdin(args, config, rules)
    reports = stdin.reports if stdin is not None else check_reports(args, settings)
    result = RunResult(sources=stdin.sources if stdin is not None else {})
    for report in reports:
        result.files += 1
        if report.error is not None:
            failed += 1
            internal += report.error.startswith(INTERNAL_ERROR)
            print(f"{report.path}: error: {report.error}", file=sys.stderr)
            result.failures.append(Failure(report.path, report.error))
            continue
        diagnostics += [
            Diagnostic(
                report.path, f.line, f.column, f.code, f.message, f.applicability.value if f.applicability else None
            )
            for f in report.findings
        ]
    result.diagnostics = diagnostics
    if not result.files:
        print(NO_FILES, file=sys.stderr)
    if args.add_noqa:
        edited = add_noqa_comments(result, quiet=args.quiet)
        return 2 if internal else 1 if failed or edited else 0
    write_report(args, result, config, rules)
    if internal:
        print(f"botolint: {internal} file(s) hit an internal error: please report it", file=sys.stderr)
        return 2
    return 0 if args.exit_zero else 1 if diagnostics or failed else 0
