"""The output options of ``botolint check`` and writing its report: where it
goes (standard output or ``--output-file``), colour, the summary, and
standard input as the file to check (``botolint check - --stdin-filename NAME``)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Type

from botolint.output import FORMATS, OutputOptions, RunResult, render_statistics, render_summary
from botolint.output.style import COLOR_CHOICES, Style, use_color
from botolint.rule import Rule

STDIN = "-"


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output")
    group.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings (2 still means an error)"
    )
    group.add_argument("-q", "--quiet", action="store_true", help="print the findings only: no summary line")
    group.add_argument(
        "-o", "--output-file", type=Path, metavar="FILE", help="write the report to FILE instead of standard output"
    )
    group.add_argument(
        "--show-source",
        action="store_true",
        help="print each finding's line with a caret under its column (text format)",
    )
    group.add_argument(
        "--color", choices=COLOR_CHOICES, default="auto",
        help="colour the text output: auto (default) on a terminal unless NO_COLOR is set, always, never",
    )
    group.add_argument(
        "--stdin-filename", metavar="NAME",
        help="with the path '-', the name to report standard input as (and to find its project by)",
    )
    group.add_argument(
        "--add-noqa", action="store_true",
        help="write '# noqa: CODE' on each finding's line instead of reporting (merged into an existing noqa comment)",
    )


@dataclass
class StdinRun:
    reports: List = field(default_factory=list)
    sources: Dict[str, bytes] = field(default_factory=dict)


def read_stdin(args: argparse.Namespace, config, rules: Tuple[Type[Rule], ...]) -> Optional[StdinRun]:
    """The report on standard input when the only path is ``-``, else None."""
    from botolint.commands.common import UsageError

    paths = [str(path) for path in args.paths]
    if STDIN not in paths:
        if args.stdin_filename is not None:
            raise UsageError("--stdin-filename needs the path '-' (standard input)")
        return None
    if paths != [STDIN]:
        raise UsageError("'-' (standard input) cannot be checked with other paths")
    if args.add_noqa:
        raise UsageError("--add-noqa cannot rewrite standard input")
    from botolint.engine import analyze_source
    from botolint.noqa import unsuppressed
    from botolint.project.projects import Projects
    from botolint.runner import FileReport

    name = args.stdin_filename or STDIN
    data = sys.stdin.buffer.read()
    project = Projects(config, None).of(Path(name).absolute())
    analysis = analyze_source(data, name, rules=rules, config=config, project=project)
    if analysis.error is not None:
        report = FileReport(name, error=analysis.error)
    else:
        report = FileReport(name, tuple(finding.detached() for finding in unsuppressed(analysis)))
    return StdinRun([report], {name: data})


def write_report(args: argparse.Namespace, result: RunResult, config, rules: Tuple[Type[Rule], ...]) -> None:
    text_format = args.format == "text"
    to_file = args.output_file is not None
    style = Style(text_format and not to_file and use_color(args.color, sys.stdout))
    options = OutputOptions(style=style, show_source=args.show_source and text_format, config=config, rules=rules)
    out = FORMATS[args.format](result, options)
    if args.statistics:
        if text_format:
            out += render_statistics(result.diagnostics)
        else:
            sys.stderr.write(render_statistics(result.diagnostics))
    if text_format and not args.quiet:
        out += render_summary(result, style)
    if to_file:
        from botolint.writer import write_atomic

        try:
            write_atomic(args.output_file, out.encode("utf-8"))
        except OSError as error:
            from botolint.commands.common import UsageError

            raise UsageError(f"cannot write {args.output_file}: {error.strerror or error}") from None
    else:
        sys.stdout.write(out)
