"""Every before/after pair in fixtures/fix: the fix turns ``before`` into
``after`` exactly, the result parses, a second run changes nothing, no
AWS101/AWS102 (nor, with the options that fix them, AWS103/AWS105/AWS203)
is left in it except on lines that say why, CRLF files stay
CRLF, and the LibCST codemod command gives the same result for single files.

A single-file case is ``name.before.py`` / ``name.after.py``; a cross-file case
is a directory ``case/before/`` / ``case/after/`` fixed in one run. Options go
in a first-lines comment: ``# botolint-fix: {"param-name": "aws_session"}``.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path
from typing import Dict, List

import libcst as cst
import pytest
from libcst.codemod import CodemodContext

from botolint.codemod import AddSessionParameterCommand
from botolint.config import Config
from botolint.engine import analyze_source
from botolint.fix.options import FixOptions
from botolint.fix.run import fix_paths, write_result
from botolint.noqa import unsuppressed
from botolint.fixes import Applicability
from botolint.rule import all_rules, fixable_codes
from fixture_support import ROOT

FIX_FIXTURES = ROOT / "fixtures" / "fix"
_OPTIONS = re.compile(r"^#\s*botolint-fix:\s*(\{.*\})\s*$", re.MULTILINE)
# A finding may stay in an ``after`` file only on a line saying why.
_LEFT_ON_PURPOSE = re.compile(r"#\s*(noqa|not fixable)")


def _cases() -> List[Path]:
    single = sorted(FIX_FIXTURES.glob("*.before.py"))
    multi = sorted(path for path in FIX_FIXTURES.iterdir() if (path / "before").is_dir())
    return single + multi


def _case_id(path: Path) -> str:
    return path.name.replace(".before.py", "")


def _files(root: Path) -> Dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*.py"))}


def _options(texts) -> FixOptions:
    for text in texts:
        match = _OPTIONS.search(text.decode("utf-8"))
        if match:
            settings = json.loads(match.group(1))
            return FixOptions(
                param_name=settings.get("param-name", "session"),
                fallback=settings.get("fallback", "default"),
                add_to_callers=settings.get("add-to-callers", False),
                unsafe_fixes=settings.get("unsafe-fixes", False),
            )
    return FixOptions()


def _layout(case: Path, tmp_path: Path):
    """Copy the case's ``before`` files into ``tmp_path/work``; return the
    work directory and the expected files."""
    work = tmp_path / "work"
    if case.is_dir():
        shutil.copytree(case / "before", work)
        return work, _files(case / "after")
    work.mkdir()
    name = case.name.replace(".before.py", ".py")
    shutil.copy(case, work / name)
    return work, {name: case.with_name(case.name.replace(".before.", ".after.")).read_bytes()}


def _run(work: Path, options: FixOptions):
    results = fix_paths([work], Config(), all_rules(), options)
    for result in results:
        assert result.error is None, f"{result.path}: {result.error}"
        write_result(result)
    return results


def _assert_no_fixable_findings_left(name: str, data: bytes, options: FixOptions) -> None:
    analysis = analyze_source(data, name)
    lines = data.decode("utf-8").splitlines()
    # The lists come from the rules: a rule says how safe its fix is.
    fixable = set(fixable_codes(Applicability.SAFE))
    if options.unsafe_fixes:
        fixable |= set(fixable_codes(Applicability.UNSAFE))
    if options.fallback == "new-session":
        fixable.add("AWS203")  # --fallback new-session asks for what makes its fix unsafe
    for finding in unsuppressed(analysis):
        if finding.code in fixable:
            assert _LEFT_ON_PURPOSE.search(lines[finding.line - 1]), f"{name}:{finding.line}: {finding.code} left"


@pytest.mark.parametrize("case", _cases(), ids=_case_id)
def test_fix_fixture(case: Path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    work, expected = _layout(case, tmp_path)
    options = _options(_files(work).values())

    _run(work, options)
    assert _files(work) == expected
    for name, data in expected.items():
        cst.parse_module(data)
        ast.parse(data)
        _assert_no_fixable_findings_left(name, data, options)

    again = _run(work, options)
    assert not any(result.changed for result in again), "a second run changed something"
    assert _files(work) == expected


def _single_cases() -> List[Path]:
    return [case for case in _cases() if case.is_file()]


@pytest.mark.parametrize("case", _single_cases(), ids=_case_id)
def test_fix_keeps_crlf_line_endings(case: Path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    work, expected = _layout(case, tmp_path)
    [(name, after)] = expected.items()
    before = (work / name).read_bytes()
    (work / name).write_bytes(before.replace(b"\n", b"\r\n"))
    _run(work, _options([before]))
    assert (work / name).read_bytes() == after.replace(b"\n", b"\r\n")


@pytest.mark.parametrize("case", _single_cases(), ids=_case_id)
def test_libcst_codemod_command_matches(case: Path, tmp_path):
    before = case.read_bytes()
    after = case.with_name(case.name.replace(".before.", ".after.")).read_bytes()
    options = _options([before])
    path = tmp_path / case.name  # no pyproject.toml above: options come from the arguments
    command = AddSessionParameterCommand(
        CodemodContext(filename=str(path)),
        param_name=options.param_name,
        fallback=options.fallback,
        add_to_callers=options.add_to_callers,
        unsafe_fixes=options.unsafe_fixes,
    )
    assert command.transform_module(cst.parse_module(before)).bytes == after


def test_every_kind_of_case_is_covered():
    names = {_case_id(case) for case in _cases()}
    session_parameter = {
        "signatures",
        "names",
        "imports",
        "propagation",
        "callers",
        "comments_docstrings",
        "leftovers",
        "crossfile",
    }
    other_rules = {"unsafe_module_session", "worker_threads", "lambda_handler", "click_command"}
    profile_option = {
        "cli_profile_argparse",
        "cli_profile_module_level",
        "cli_profile_session_param",
        "cli_profile_builder",
        "cli_profile_left",
    }
    assert session_parameter | other_rules | profile_option <= names
