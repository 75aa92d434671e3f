"""``botolint check``: report findings."""

from __future__ import annotations

import argparse
import sys
from typing import List

from botolint.commands.common import (
    add_file_arguments,
    add_performance_arguments,
    check_reports,
    NO_FILES,
)
from botolint.engine import INTERNAL_ERROR
from botolint.output import FORMATS, Diagnostic, render_statistics

NAME = "check"
HELP = "report boto3 default-session problems"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_file_arguments(parser)
    add_performance_arguments(parser)
    parser.add_argument("--format", choices=sorted(FORMATS), default="text", help="output format (default: text)")
    parser.add_argument("--statistics", action="store_true", help="print the number of findings per rule")


def run(args: argparse.Namespace) -> int:
    diagnostics: List[Diagnostic] = []
    failed = internal = files = 0
    for report in check_reports(args):
        files += 1
        if report.error is not None:
            failed += 1
            internal += report.error.startswith(INTERNAL_ERROR)
            print(f"{report.path}: error: {report.error}", file=sys.stderr)
            continue
        diagnostics += [Diagnostic(report.path, f.line, f.column, f.code, f.message) for f in report.findings]
    if not files:
        print(NO_FILES, file=sys.stderr)
    sys.stdout.write(FORMATS[args.format](diagnostics))
    if args.statistics:
        stream = sys.stdout if args.format == "text" else sys.stderr
        stream.write(render_statistics(diagnostics))
    if internal:
        print(f"botolint: {internal} file(s) hit an internal error: please report it", file=sys.stderr)
        return 2
    return 1 if diagnostics or failed else 0
