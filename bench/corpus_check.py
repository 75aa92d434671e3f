"""Robustness run over real code: ``check``, ``fix``, ``fix`` again, ``check``.

    python bench/corpus_check.py                    # every pinned corpus
    python bench/corpus_check.py --corpus moto      # one of them
    python bench/corpus_check.py --keep             # keep the work copy (its path is printed)

It downloads pinned source distributions from PyPI into ``bench/corpora/downloads``
(``pip download --no-deps --no-binary :all:``, once; each archive is checked
against its pinned SHA-256), unpacks each into a temporary directory, and runs
the real command line over the copy, in separate processes (a crash of the
interpreter is a failure too, not the end of the script). It asserts, for every
file:

- no run prints ``internal error`` or exits with anything but 0 or 1;
- every file ``fix`` rewrote still parses (with LibCST, and with Python's own
  parser when the original did);
- a second ``fix`` changes nothing;
- ``check`` after ``fix`` reports no AWS101/AWS102 inside a function ``fix`` rewrote;
- files without findings, and every non-Python file, are byte-identical, and
  no file appears or disappears (no temporary file left behind).

It prints the corpus sizes, the findings per code, the files rewritten and the
files that could not be analyzed (grouped by reason), and exits 1 on any
violation. Nothing here imports the analyzed code: it is only read and parsed.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst

from botolint.engine import analyze_path
from botolint.fix.names import qualified_function_name

BENCH = Path(__file__).resolve().parent
DOWNLOADS = BENCH / "corpora" / "downloads"
PYTHON = sys.executable
# One run over the largest corpus takes a few minutes on two cores; a hang must
# not block forever.
STEP_TIMEOUT = 1800

# (version, sha256 of the sdist); the first three are bench/run.py's pins too.
PINNED: Dict[str, Tuple[str, str]] = {
    "moto": ("5.2.5", "391857257d5dac144334013c2c10e599def5f0562f553e979160140bd7bd9cf6"),
    "botocore": ("1.44.5", "a988f39e3a4484def0b8010f41128f71157da0515a4804fccce4739aa8f216da"),
    "boto3": ("1.44.5", "667b344e25d2bcbb7c42fcf6b92a07bb1d73ee9d6d12c3a7873ec4c490b6fb64"),
    "awswrangler": ("3.9.1", "93b42a7dedc34da16236e63f6454ccc06b89a95186e216eaf25d19e1667b665a"),
}

# "path:LINE: NAME() uses `session` ..." in fix's report: a function it rewrote.
_REWRITTEN = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<name>\S+)\(\) (uses|gets) `")
_ERROR = re.compile(r"^(?P<path>.+?): error: (?P<reason>.*)$")
_POSITIONS = re.compile(r"\d+:\d+")


# -- corpora -------------------------------------------------------------------


def sdist(project: str) -> Path:
    version, digest = PINNED[project]
    archive = DOWNLOADS / f"{project}-{version}.tar.gz"
    if not archive.exists():
        DOWNLOADS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [PYTHON, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--dest", str(DOWNLOADS),
             f"{project}=={version}"],
            check=True,
        )
    actual = hashlib.sha256(archive.read_bytes()).hexdigest()
    if actual != digest:
        raise SystemExit(f"{archive}: sha256 {actual} is not the pinned {digest}")
    return archive


def unpack(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    (root,) = [path for path in into.iterdir() if path.is_dir()]
    return root


def snapshot(root: Path) -> Dict[Path, bytes]:
    return {path: path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file() and not path.is_symlink()}


# -- runs ----------------------------------------------------------------------


@dataclass
class Step:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def botolint(*args: str, cwd: Path) -> Step:
    start = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-m", "botolint", *args], cwd=cwd, capture_output=True, text=True, timeout=STEP_TIMEOUT, check=False
    )
    return Step(done.returncode, done.stdout, done.stderr, time.perf_counter() - start)


def check(root: Path) -> Tuple[Step, List[dict]]:
    step = botolint("check", "--no-cache", "--format", "json", ".", cwd=root)
    findings = json.loads(step.stdout) if step.stdout.strip().startswith("[") else []
    return step, findings


def fix(root: Path) -> Step:
    return botolint("fix", ".", cwd=root)


@dataclass
class Report:
    name: str
    files: int = 0
    python_files: int = 0
    megabytes: float = 0.0
    findings: Counter = field(default_factory=Counter)
    files_with_findings: int = 0
    rewritten: int = 0
    functions_rewritten: int = 0
    errors: Counter = field(default_factory=Counter)
    seconds: Dict[str, float] = field(default_factory=dict)
    violations: List[str] = field(default_factory=list)

    def violate(self, message: str) -> None:
        self.violations.append(message)


def _step_ok(report: Report, label: str, step: Step) -> None:
    report.seconds[label] = round(step.seconds, 1)
    if step.returncode not in (0, 1):
        report.violate(f"{label}: exit code {step.returncode}\n{step.stderr[-2000:]}")
    if "internal error" in step.stderr or "Traceback" in step.stderr:
        report.violate(f"{label}: an exception escaped\n{step.stderr[-2000:]}")


def _error_reasons(stderr: str) -> Counter:
    reasons: Counter = Counter()
    for line in stderr.splitlines():
        match = _ERROR.match(line)
        if match:
            reasons[_POSITIONS.sub("L:C", match.group("reason"))[:100]] += 1
    return reasons


def run_corpus(project: str, workdir: Path) -> Report:
    report = Report(f"{project}-{PINNED[project][0]}")
    root = unpack(sdist(project), workdir / project)
    before = snapshot(root)
    report.files = len(before)
    report.python_files = sum(path.suffix in (".py", ".pyi") for path in before)
    report.megabytes = round(sum(len(data) for path, data in before.items() if path.suffix in (".py", ".pyi")) / 1e6, 1)

    first_check, first_findings = check(root)
    _step_ok(report, "check", first_check)
    report.findings = Counter(finding["code"] for finding in first_findings)
    report.errors = _error_reasons(first_check.stderr)
    files_with_findings = {(root / finding["path"]).resolve() for finding in first_findings}
    report.files_with_findings = len(files_with_findings)

    first_fix = fix(root)
    _step_ok(report, "fix", first_fix)
    after = snapshot(root)
    changed = _compare_trees(report, before, after, files_with_findings)
    report.rewritten = len(changed)
    rewritten = _rewritten_functions(first_fix.stdout, root)
    report.functions_rewritten = sum(len(names) for names in rewritten.values())
    for path in changed:
        _still_parses(report, path, before[path], after[path])

    second_fix = fix(root)
    _step_ok(report, "fix again", second_fix)
    again = snapshot(root)
    for path in sorted(set(after) | set(again)):
        if after.get(path) != again.get(path):
            report.violate(f"{path}: the second fix changed it")

    last_check, _ = check(root)
    _step_ok(report, "check after fix", last_check)
    for path in changed:
        _no_findings_left_in(report, path, rewritten.get(path.resolve(), set()))
    return report


def _compare_trees(
    report: Report, before: Dict[Path, bytes], after: Dict[Path, bytes], with_findings: Set[Path]
) -> List[Path]:
    for path in sorted(set(before) ^ set(after)):
        report.violate(f"{path}: {'appeared' if path in after else 'disappeared'} during fix")
    changed = [path for path in before if path in after and before[path] != after[path]]
    for path in changed:
        if path.suffix not in (".py", ".pyi"):
            report.violate(f"{path}: not a Python file, but fix changed it")
        elif path.resolve() not in with_findings:
            report.violate(f"{path}: check found nothing in it, but fix changed it")
    return changed


def _still_parses(report: Report, path: Path, original: bytes, new: bytes) -> None:
    try:
        cst.parse_module(new)
    except Exception as error:  # noqa: BLE001 - any failure is the finding
        report.violate(f"{path}: LibCST cannot parse the rewritten file: {error}")
        return
    try:
        ast.parse(original)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return  # Python's parser never read the original: nothing to compare
    try:
        ast.parse(new)
    except (SyntaxError, ValueError) as error:
        report.violate(f"{path}: Python cannot parse the rewritten file: {error}")


def _rewritten_functions(fix_output: str, root: Path) -> Dict[Path, Set[str]]:
    rewritten: Dict[Path, Set[str]] = defaultdict(set)
    for line in fix_output.splitlines():
        match = _REWRITTEN.match(line)
        if match:
            rewritten[(root / match.group("path")).resolve()].add(match.group("name"))
    return rewritten


def _no_findings_left_in(report: Report, path: Path, functions: Set[str]) -> None:
    analysis = analyze_path(path)
    if analysis.error is not None:
        report.violate(f"{path}: after fix it cannot be analyzed: {analysis.error}")
        return
    for finding in analysis.findings:
        if finding.code not in ("AWS101", "AWS102"):
            continue
        function = finding.fix.get("function")
        if isinstance(function, cst.FunctionDef) and qualified_function_name(function, analysis.semantic) in functions:
            report.violate(f"{path}:{finding.line}:{finding.column}: {finding.code} still inside a rewritten function")


# -- main ----------------------------------------------------------------------


def print_report(report: Report) -> None:
    print(
        f"\n== {report.name}: {report.files} files, {report.python_files} Python files, {report.megabytes} MB of Python"
    )
    print(f"   findings: {dict(sorted(report.findings.items())) or 'none'} in {report.files_with_findings} files")
    print(f"   fix rewrote {report.rewritten} files ({report.functions_rewritten} functions)")
    errors = sum(report.errors.values())
    print(f"   files check could not analyze: {errors}")
    for reason, count in report.errors.most_common():
        print(f"     {count:4d}  {reason}")
    print(f"   seconds: {report.seconds}")
    print(f"   violations: {len(report.violations)}")
    for violation in report.violations[:50]:
        print(f"     - {violation}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus", action="append", choices=sorted(PINNED), help="corpus to run (repeatable; default: all)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="botolint-corpus-"))
    reports = []
    try:
        for project in args.corpus or sorted(PINNED):
            reports.append(run_corpus(project, workdir))
            print_report(reports[-1])
    finally:
        if args.keep:
            print(f"\nwork copy kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    failed = sum(len(report.violations) for report in reports)
    print(f"\n{len(reports)} corpora, {sum(r.python_files for r in reports)} Python files, "
          f"{sum(r.megabytes for r in reports):.1f} MB: {failed} violations")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
