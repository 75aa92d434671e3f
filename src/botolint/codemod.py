"""The fix as a LibCST codemod command:

    python -m libcst.tool codemod botolint.codemod.AddSessionParameterCommand PATH

It shares detection (the core's AWS101/AWS102 findings) and the rewrite with
``botolint fix``; each file is handled on its own, so sessions are passed along
only to functions of the same file (``botolint fix`` also resolves calls
across the files of a run).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext, SkipFile, VisitorBasedCodemodCommand

from botolint.config import Config
from botolint.engine import analyze_source
from botolint.fix.options import FALLBACKS
from botolint.fix.plan import plan_file
from botolint.fix.propagate import Project, propagate
from botolint.fix.rewrite import check_parses, rewrite_module
from botolint.noqa import unsuppressed
from botolint.settings import default_resolver, fix_options


class AddSessionParameterCommand(VisitorBasedCodemodCommand):
    DESCRIPTION = (
        "Give functions that call boto3.client()/boto3.resource() an optional keyword-only "
        "session parameter, use it for those calls, and pass it to functions that accept one."
    )

    def __init__(
        self,
        context: CodemodContext,
        param_name: str = "",
        fallback: str = "default",
        add_to_callers: bool = False,
        unsafe_fixes: bool = False,
    ) -> None:
        super().__init__(context)
        self.param_name = param_name
        self.fallback = fallback
        self.add_to_callers = add_to_callers
        self.unsafe_fixes = unsafe_fixes

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--param-name", dest="param_name", default="", help="name of the new parameter (default: session)"
        )
        arg_parser.add_argument(
            "--fallback", dest="fallback", choices=FALLBACKS, default="default", help="when no session is passed"
        )
        arg_parser.add_argument(
            "--add-to-callers",
            dest="add_to_callers",
            action="store_true",
            help="also give callers a session parameter to pass on",
        )
        arg_parser.add_argument(
            "--unsafe-fixes", dest="unsafe_fixes", action="store_true",
            help="also apply fixes that change behaviour (AWS103, AWS203, AWS105)",
        )

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        path = self.context.filename or "<string>"
        # The same resolver as `botolint fix`: a bad configuration is an error here too.
        resolver = default_resolver()
        config = resolver.config_for(Path(path)) if path != "<string>" else Config()
        options = fix_options(config, self.param_name or None, self.fallback, self.add_to_callers, self.unsafe_fixes)
        # LibCST parsed the file already: the analysis takes its tree.
        analysis = analyze_source(tree.bytes, path, rules=resolver.rules_for(config), config=config, module=tree)
        if analysis.error is not None:
            raise SkipFile(analysis.error)
        if analysis.module is None:
            return tree
        plan = plan_file(analysis, unsuppressed(analysis), options)
        propagate(Project([plan], [], options))
        for left in plan.left:
            self.warn(f"{left.line}:{left.column}: {left.code} left: {left.reason}")
        if not plan.has_changes:
            return tree
        module = rewrite_module(plan, self.context)
        check_parses(analysis.source, module.bytes)
        return module

