"""``botolint fix`` measured on real packages' own test suites.

    python bench/fix_suites.py --download           # fetch the pinned sdists (PyPI), then run
    python bench/fix_suites.py                      # every package whose sdist is present
    python bench/fix_suites.py --only luigi --modes default,callers

For each pinned package (issue 14, "The fix goes where it helps"): unpack its
sdist under a scratch directory (``/tmp/botolint-suites`` unless
``--work``), install it and its test dependencies into a scratch venv there
(kept between runs), and run a small, offline subset of its own test suite
(moto-based or unit tests) on the unpacked tree as it is, then on a copy
rewritten by each of ``botolint fix``, ``fix --add-to-callers`` and
``fix --unsafe-fixes``. For every rewritten tree it records:

- the suite's pass/fail counts (pytest's summary line);
- whether a second ``fix`` run with the same options changes anything;
- violations of the package's own checkers on the files the fix changed,
  before and after (flake8 E501/F at the package's line length, black
  ``--check`` where the package uses black, ruff with the package's
  configuration, ``ruff format --check`` where ruff formats it, mypy or ty
  where the package configures one); ``new`` counts the (file, code) pairs
  the rewrite added, ignoring line numbers;
- changed modules that could be imported without boto3 before and no longer
  can (an optional dependency made mandatory).

Sdists live in ``bench/corpora/suites/`` (ignored by git); a package whose
sdist is absent is skipped with a message, and the script exits 0. A package
whose sdists ship no tests (smart_open, aws-sam-cli) is pinned by a commit of
its repository instead: its tree is ``git archive`` of that commit from a bare
clone in ``bench/corpora/mirrors/`` (``--mirrors``; ``--download`` runs
``git clone --mirror``), skipped the same way when no clone has the commit.
Files whose blobs the clone lacks (a snapshot without its largest binaries)
are left out of the tree and named; a clone lacking a Python file is refused.
The table goes to stdout and, with every figure, to ``bench/corpora/suites/results.json``.
This is a bench script: it needs the network once (``--download``, pip
installs) and minutes of CPU; CI runs only tests/test_fix_suites.py, which
tests the parsing and scoring below on synthetic inputs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

BENCH = Path(__file__).resolve().parent
SDISTS = BENCH / "corpora" / "suites"
MIRRORS = BENCH / "corpora" / "mirrors"  # bare git clones, for the suites taken from a repository
PYTHON = sys.executable  # botolint runs from the interpreter running this script

MODES: Dict[str, Tuple[str, ...]] = {
    "default": (),
    "callers": ("--add-to-callers",),
    "unsafe": ("--unsafe-fixes",),
}
CHECKERS = ("flake8", "black", "ruff", "ruff-format", "mypy", "ty")


@dataclass(frozen=True)
class Suite:
    name: str  # the PyPI name
    version: str
    sha256: str  # of the sdist ("" for a suite taken from a git mirror: ``commit`` pins it)
    package: str  # the directory inside the sdist that ``fix`` rewrites
    requirements: Tuple[str, ...]  # pip requirements besides the package itself
    tests: Tuple[str, ...]  # pytest arguments: the offline subset
    line_length: int  # the package's configured line length (flake8 E501)
    checkers: Tuple[str, ...]  # which of CHECKERS the package uses
    extras: str = ""  # "[aws]" etc. for the package itself
    ruff_args: Tuple[str, ...] = ()  # when the sdist's ruff configuration cannot be read alone
    test_path: Tuple[str, ...] = ()  # directories inside the tree added to PYTHONPATH
    # A package whose sdists ship no tests comes from a git mirror of its repository instead:
    repository: str = ""  # GitHub "owner/name"
    commit: str = ""  # the released commit (40 hex digits), the pin in place of ``sha256``

    @property
    def sdist_stem(self) -> str:
        return f"{normalized(self.name)}-{self.version}"

    @property
    def from_git(self) -> bool:
        return bool(self.commit)


SUITES: Tuple[Suite, ...] = (
    Suite(
        "luigi", "3.8.1", "2fa5eb5d3474e495de09bd964f502936c08f8b1eb6e0f3ca3c8a69116c38d0c3", "luigi",
        ("pytest", "mock<2.0", "moto[s3,sts,batch,ecs]>=4,<5", "boto3", "boto>=2.42,<3"),
        ("test/contrib/s3_test.py", "test/contrib/batch_test.py", "test/contrib/ecs_test.py"),
        160, ("flake8", "ruff"), test_path=("test",),
    ),
    Suite(
        "dagster-aws", "0.29.27", "fe48d938276a2e858e3e927ebaacde662881d8cf037c7be7aae1f5ee48384de5", "dagster_aws",
        ("pytest", "moto[s3,logs,secretsmanager,ssm,athena]>=5"),
        ("dagster_aws_tests/athena_tests", "dagster_aws_tests/s3_tests/test_s3_file_manager.py",
         "dagster_aws_tests/secretsmanager_tests", "dagster_aws_tests/ssm_tests"),
        100, ("flake8", "ruff"),
        # ruff.toml extends the monorepo's pyproject.toml, which the sdist lacks: dagster's settings
        ruff_args=("--isolated", "--line-length", "100", "--select", "E501,F,I"),
    ),
    Suite(
        "pydantic-settings", "2.16.3", "10e36f616623ebb586c05ca3d3cd22927146869db413d4f14c20c514442a1337",
        "pydantic_settings",
        ("pytest", "pytest-mock", "moto[secretsmanager,ssm]>=5", "mypy", "types-boto3[secretsmanager,ssm]"),
        ("tests/test_source_aws_secrets_manager.py", "tests/test_source_aws_systems_manager.py"),
        120, ("flake8", "ruff", "mypy"), extras="[aws-secrets-manager]",
    ),
    Suite(
        "s3-credentials", "0.17", "b0a10dbf2acc44bc7aaecc4176aa53838a402903909499347f38d3103fa8b71b",
        "s3_credentials",
        ("pytest", "pytest-mock", "moto[s3,iam,sts]>=5.0.4"),
        ("tests/test_s3_credentials.py", "tests/test_dry_run.py"),
        88, ("flake8", "black"),
    ),
    Suite(
        # No sdist from 5.2.1 to 9.0.4 ships the tests: the tree is tag v8.0.0 of the repository.
        "smart_open", "8.0.0", "", "smart_open",
        ("pytest", "pytest-timeout", "pytest-rerunfailures", "pytest-xdist", "responses", "moto[s3]>=5",
         "boto3-stubs[s3]", "typing_extensions", "ty==0.0.55"),
        ("tests/test_s3.py", "tests/test_s3_version.py", "tests/test_smart_open.py", "tests/test_utils.py"),
        # ruff (select = ALL, E501 ignored: ruff format's 110 columns) and ty, as its pre-commit runs them
        110, ("ruff", "ruff-format", "ty"), extras="[all]",
        repository="piskvorky/smart_open", commit="43e961e92b3bd6b9ec6818bf41375b3d174e55dc",
    ),
    Suite(
        # Its sdists prune tests/ (MANIFEST.in): the tree is tag v1.164.0 of the repository.
        "aws-sam-cli", "1.164.0", "", "samcli",
        # pytest and its plugins, and mypy with the stubs, at the pins of its [dev] extra
        ("pytest==9.0.3", "parameterized==0.9.0", "pytest-timeout==2.4.0", "mypy==2.1.0",
         "types-pywin32==311.0.0.20260508", "types-PyYAML==6.0.12.20260518", "types-chevron==0.14.2.20260408",
         "types-psutil==7.2.2.20260518", "types-setuptools==82.0.0.20260518", "types-Pygments==2.20.0.20260518",
         "types-colorama==0.4.15.20260508", "types-dateparser==1.4.1.20260617", "types-docutils==0.22.3.20260518",
         "types-jsonschema==4.26.0.20260508", "types-pyOpenSSL==24.1.0.20240722",
         "types-requests==2.33.0.20260518", "types-urllib3==1.26.25.14"),
        # the unit tests of the modules ``fix`` rewrites (sync/command.py: with --add-to-callers only)
        ("tests/unit/commands/deploy/test_deploy_context.py", "tests/unit/commands/package/test_package_context.py",
         "tests/unit/commands/local/lib/swagger/test_reader.py", "tests/unit/commands/traces/test_command.py",
         "tests/unit/commands/validate/test_cli.py",
         "tests/unit/lib/bootstrap/companion_stack/test_companion_stack_manager.py",
         "tests/unit/commands/sync/test_command.py"),
        # ruff (pyproject.toml) and mypy (mypy.ini) as its `make lint` runs them, black as its pre-commit does
        120, ("ruff", "black", "mypy"),
        repository="aws/aws-sam-cli", commit="70672fd2d30cde055bdee7e3b70082fff83c7734",
    ),
)

FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def normalized(name: str) -> str:
    """The file-name form of a PyPI name, as sdists spell it (PEP 625)."""
    return re.sub(r"[-_.]+", "_", name).lower()


# ---------------------------------------------------------------- parsing (tested offline)

_PYTEST_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|deselected)\b")


def parse_pytest_summary(output: str) -> Dict[str, int]:
    """Counts from pytest's last summary line: ``3 failed, 10 passed, 1 error in 2.1s``.
    ``error`` and ``errors`` are one key; a run that never reached a summary
    (a collection crash, an interpreter error) gives ``{"error": 1}``."""
    for line in reversed(output.strip().splitlines()):
        if re.search(r"\bin [\d.]+s\b", line) or "no tests ran" in line:
            counts: Dict[str, int] = {}
            for number, word in _PYTEST_COUNT.findall(line):
                key = "error" if word.startswith("error") else word
                counts[key] = counts.get(key, 0) + int(number)
            return counts
    return {"error": 1}


_LOCATED = re.compile(r"^(?P<path>[^:\s][^:]*):(?P<line>\d+):(?:(?P<col>\d+):)?\s*(?P<rest>.*)$")
_CODE = re.compile(r"^([A-Z]+[0-9]+)\b")
_MYPY_CODE = re.compile(r"\[([a-z0-9-]+)\]\s*$")
_TY_CODE = re.compile(r"^(error|warning)\[([a-z0-9-]+)\]")


def parse_located(output: str, root: str = "") -> List[Tuple[str, str]]:
    """(path, code) for each finding of flake8, ruff (``--output-format concise``),
    mypy or ty (``--output-format concise``): ``path:line[:col]: CODE message`` /
    ``path:line: error: message  [code]`` / ``path:line:col: error[code] message``.
    Notes (mypy's ``note:``) and summary lines are not findings; ty's warnings are."""
    findings = []
    for line in output.splitlines():
        match = _LOCATED.match(line.strip())
        if not match:
            continue
        rest = match.group("rest")
        path = _relative(match.group("path"), root)
        if rest.startswith("error:"):
            code = _MYPY_CODE.search(rest)
            findings.append((path, f"mypy:{code.group(1) if code else 'error'}"))
        elif rest.startswith(("note:", "warning:")):
            continue
        elif _TY_CODE.match(rest):
            findings.append((path, "ty:" + _TY_CODE.match(rest).group(2)))
        else:
            code = _CODE.match(rest)
            if code:
                findings.append((path, code.group(1)))
    return findings


def parse_black(output: str, root: str = "") -> List[Tuple[str, str]]:
    """(path, "black") for each file ``black --check`` would reformat."""
    found = []
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("would reformat "):
            found.append((_relative(line[len("would reformat "):], root), "black"))
    return found


def parse_ruff_format(output: str, root: str = "") -> List[Tuple[str, str]]:
    """(path, "ruff-format") for each file ``ruff format --check`` would reformat."""
    found = []
    for line in output.splitlines():
        line = line.strip()
        if line.startswith("Would reformat: "):
            found.append((_relative(line[len("Would reformat: "):], root), "ruff-format"))
    return found


def _relative(path: str, root: str) -> str:
    path = path.strip()
    if root and path.startswith(root.rstrip("/") + "/"):
        path = path[len(root.rstrip("/")) + 1:]
    return path[2:] if path.startswith("./") else path


def new_findings(before: Iterable[Tuple[str, str]], after: Iterable[Tuple[str, str]]) -> Counter:
    """What ``after`` has that ``before`` had not, as a multiset of (path, code):
    line numbers move when a fix adds lines, so they are not compared."""
    return Counter(after) - Counter(before)


def parse_fix_summary(output: str) -> Dict[str, int]:
    """The figures of ``botolint fix``'s last line: ``Fixed 2 files: 5 functions,
    3 call sites; left 3 findings.`` (or ``Would fix ...`` with ``--diff``)."""
    figures = {"files": 0, "functions": 0, "call sites": 0, "left": 0}
    for line in reversed(output.strip().splitlines()):
        if re.match(r"^(Fixed|Would fix|Nothing to fix|No changes)", line):
            for number, word in re.findall(r"(\d+) (files?|functions?|call sites?|findings?)", line):
                key = {"file": "files", "function": "functions", "call site": "call sites", "finding": "left"}[
                    word.rstrip("s") if word != "call sites" else "call site"
                ]
                figures[key] = int(number)
            break
    return figures


def tree_digest(root: Path) -> Dict[str, str]:
    """SHA-256 of every .py file under ``root``, by relative path."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*.py"))
    }


def changed_files(before: Dict[str, str], after: Dict[str, str]) -> List[str]:
    return sorted(name for name in set(before) | set(after) if before.get(name) != after.get(name))


def module_name(relative: str) -> str:
    parts = relative[:-3].split("/") if relative.endswith(".py") else relative.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


# ---------------------------------------------------------------- results and the table


@dataclass
class ModeResult:
    mode: str
    tests: Dict[str, int] = field(default_factory=dict)
    fix: Dict[str, int] = field(default_factory=dict)
    changed: List[str] = field(default_factory=list)
    second_run_changed: List[str] = field(default_factory=list)
    checkers: Dict[str, Dict[str, int]] = field(default_factory=dict)  # checker -> {"before", "after", "new"}
    new_examples: Dict[str, List[str]] = field(default_factory=dict)
    import_broken: List[str] = field(default_factory=list)  # importable without boto3 before, not after
    error: Optional[str] = None


@dataclass
class SuiteResult:
    name: str
    version: str
    skipped: Optional[str] = None
    baseline: Dict[str, int] = field(default_factory=dict)
    modes: List[ModeResult] = field(default_factory=list)


def tests_cell(counts: Dict[str, int]) -> str:
    if not counts:
        return "-"
    failed = counts.get("failed", 0) + counts.get("error", 0)
    return f"{counts.get('passed', 0)}/{failed}"


def suite_green(baseline: Dict[str, int], after: Dict[str, int]) -> bool:
    """No test that passed before fails after: as many passes, no more failures or errors."""
    bad = lambda counts: counts.get("failed", 0) + counts.get("error", 0)  # noqa: E731
    return after.get("passed", 0) >= baseline.get("passed", 0) and bad(after) <= bad(baseline)


def render_table(results: Sequence[SuiteResult]) -> str:
    head = (
        "| package | mode | tests pass/fail before -> after | files changed | functions | "
        "2nd run changes | new flake8 | new black | new ruff | new ruff format | new mypy | new ty | "
        "broken without boto3 |"
    )
    columns = head.count("|") - 1
    rows = [head, "|" + "---|" * columns]
    for suite in results:
        label = f"{suite.name} {suite.version}"
        if suite.skipped:
            rows.append(f"| {label} | skipped: {suite.skipped} |" + " |" * (columns - 2))
            continue
        for mode in suite.modes:
            if mode.error:
                rows.append(f"| {label} | {mode.mode} | error: {mode.error} |" + " |" * (columns - 3))
                continue
            checks = []
            for checker in CHECKERS:
                figures = mode.checkers.get(checker)
                if figures is None:
                    checks.append("n/a")
                elif "error" in figures:
                    checks.append("checker failed")
                else:
                    checks.append(f"{figures['new']} ({figures['before']}->{figures['after']})")
            green = "" if suite_green(suite.baseline, mode.tests) else " **red**"
            rows.append(
                f"| {label} | {mode.mode} | {tests_cell(suite.baseline)} -> {tests_cell(mode.tests)}{green} | "
                f"{len(mode.changed)} | {mode.fix.get('functions', 0)} | {len(mode.second_run_changed)} | "
                + " | ".join(checks)
                + f" | {len(mode.import_broken)} |"
            )
    return "\n".join(rows)


# ---------------------------------------------------------------- running (needs the sdists)


def _run(command: Sequence[str], cwd: Path, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(command), cwd=str(cwd), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def find_sdist(suite: Suite, directory: Path = SDISTS) -> Optional[Path]:
    for candidate in (directory / f"{suite.sdist_stem}.tar.gz", directory / f"{suite.name}-{suite.version}.tar.gz"):
        if candidate.is_file():
            return candidate
    return None


def download(suite: Suite, directory: Path = SDISTS) -> Optional[Path]:
    """The sdist from PyPI into ``directory``. pip prepares its metadata to
    check the name and version, in an isolated build environment: the
    interpreter running this script need not have hatchling or wheel."""
    directory.mkdir(parents=True, exist_ok=True)
    _run(
        [PYTHON, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps",
         "-d", str(directory), f"{suite.name}=={suite.version}"],
        directory,
    )
    return find_sdist(suite, directory)


def mirror_candidates(suite: Suite, directory: Path) -> List[Path]:
    """Where a bare clone of ``suite.repository`` may be: ``git clone --mirror``'s
    ``name.git``, or ``owner+name`` (with the git directory in it or under ``repo/``)."""
    owner, name = suite.repository.split("/")
    return [directory / f"{name}.git", directory / f"{owner}+{name}" / "repo", directory / f"{owner}+{name}",
            directory / name]


def has_commit(git_dir: Path, commit: str) -> bool:
    """Whether ``git_dir`` is a git repository holding the commit ``commit`` (full hash)."""
    done = subprocess.run(
        ["git", f"--git-dir={git_dir}", "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    return done.returncode == 0 and done.stdout.strip() == commit


def find_mirror(suite: Suite, directory: Path = MIRRORS) -> Optional[Path]:
    """The first mirror of the suite's repository that has its pinned commit."""
    for candidate in mirror_candidates(suite, directory):
        if candidate.is_dir() and has_commit(candidate, suite.commit):
            return candidate
    return None


def download_mirror(suite: Suite, directory: Path) -> Optional[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    target = mirror_candidates(suite, directory)[0]
    if not target.exists():
        _run(["git", "clone", "--mirror", f"https://github.com/{suite.repository}.git", str(target)], directory)
    return find_mirror(suite, directory)


def _extract(archive_path: Path, destination: Path) -> Path:
    """The top directory of a tar archive, extracted once as ``destination/original``."""
    target = destination / "original"
    if not target.is_dir():
        staging = destination / "unpacking"
        shutil.rmtree(staging, ignore_errors=True)
        with tarfile.open(archive_path) as archive:
            archive.extractall(staging, filter="data")
        (top,) = list(staging.iterdir())
        top.rename(target)
        shutil.rmtree(staging)
    return target


def unpack(sdist: Path, suite: Suite, destination: Path) -> Path:
    """The sdist's top directory, unpacked once into ``destination``."""
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != suite.sha256:
        raise RuntimeError(f"{sdist.name}: sha256 {digest}, pinned {suite.sha256}")
    return _extract(sdist, destination)


def absent_blobs(mirror: Path, commit: str) -> List[str]:
    """The paths of the commit's files whose contents the clone lacks (a snapshot
    that left out its largest blobs: aws-sam-cli's Lambda emulator binaries)."""
    listing = subprocess.run(
        ["git", f"--git-dir={mirror}", "ls-tree", "-r", "-z", commit],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True,
    )
    paths: Dict[str, List[str]] = {}
    for entry in listing.stdout.split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        _mode, kind, sha = meta.split()
        if kind == "blob":
            paths.setdefault(sha, []).append(path)
    if not paths:
        return []
    check = subprocess.run(
        ["git", f"--git-dir={mirror}", "cat-file", "--batch-check"],
        input="\n".join(paths) + "\n", stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    missing = [line.split()[0] for line in check.stdout.splitlines() if line.endswith(" missing")]
    return sorted(path for sha in missing for path in paths[sha])


def unpack_git(mirror: Path, suite: Suite, destination: Path) -> Path:
    """The tree of the pinned commit (``git archive``), extracted once into
    ``destination``. Files whose blobs the clone lacks are left out, and named;
    a missing Python file is refused: the tree would not be the release's."""
    if not has_commit(mirror, suite.commit):
        raise RuntimeError(f"{mirror}: no commit {suite.commit}")
    if (destination / "original").is_dir():  # extracted by an earlier run
        return destination / "original"
    destination.mkdir(parents=True, exist_ok=True)
    archive_path = destination / f"{suite.sdist_stem}-{suite.commit[:12]}.tar"
    pathspecs: List[str] = []
    absent = absent_blobs(mirror, suite.commit)
    python = [path for path in absent if path.endswith((".py", ".pyi"))]
    if python:
        raise RuntimeError(f"{mirror}: the clone lacks {len(python)} Python file(s) of {suite.commit[:12]}, "
                           f"such as {python[0]}")
    if absent:
        print(f"  left out of the tree ({len(absent)} blobs absent from the clone): {', '.join(absent)}", flush=True)
        pathspecs = ["--", ".", *(f":(exclude,literal){path}" for path in absent)]
    done = subprocess.run(
        ["git", f"--git-dir={mirror}", "archive", "--format=tar", f"--prefix={suite.sdist_stem}/",
         f"--output={archive_path}", suite.commit, *pathspecs],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    if done.returncode:
        raise RuntimeError(f"git archive failed: {done.stdout.strip()[-300:]}")
    try:
        return _extract(archive_path, destination)
    finally:
        archive_path.unlink()


def install_env(suite: Suite) -> Optional[Dict[str, str]]:
    """pip's environment: a git tree has no ``.git``, so setuptools-scm is told the version."""
    if not suite.from_git:
        return None
    return {**os.environ, "SETUPTOOLS_SCM_PRETEND_VERSION": suite.version}


def scratch_venv(suite: Suite, original: Path, work: Path) -> Path:
    """A venv with the package (not editable: the tree under test is put first
    on PYTHONPATH) and its test requirements; rebuilt when the list changes."""
    venv = work / f"venv-{suite.name}"
    spec = json.dumps([suite.extras, list(suite.requirements)])
    marker = venv / "botolint-suite.json"
    if not (marker.is_file() and marker.read_text() == spec):
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)], work).check_returncode()
        done = _run(
            [str(venv / "bin" / "pip"), "install", "-q", f"{original}{suite.extras}", *suite.requirements], work,
            install_env(suite),
        )
        if done.returncode:
            raise RuntimeError(f"pip install failed:\n{done.stdout[-2000:]}")
        marker.write_text(spec)
    return venv


def tools_venv(work: Path) -> Path:
    venv = work / "venv-tools"
    spec = "ruff==0.14.14 black>=24 flake8>=7"
    marker = venv / "botolint-suite.json"
    if not (marker.is_file() and marker.read_text() == spec):
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)], work).check_returncode()
        _run([str(venv / "bin" / "pip"), "install", "-q", *spec.split()], work).check_returncode()
        marker.write_text(spec)
    return venv


def _test_env(suite: Suite, tree: Path) -> Dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "PYTHON"))}
    env.update(FAKE_AWS)
    env["PYTHONPATH"] = os.pathsep.join([str(tree), *(str(tree / sub) for sub in suite.test_path)])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_tests(suite: Suite, tree: Path, venv: Path) -> Dict[str, int]:
    env = _test_env(suite, tree)
    where = _run(
        [str(venv / "bin" / "python"), "-c", f"import {suite.package}; print({suite.package}.__file__)"], tree, env
    )
    if str(tree) not in where.stdout:
        raise RuntimeError(f"{suite.package} is not imported from {tree}: {where.stdout.strip()}")
    done = _run([str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", *suite.tests], tree, env)
    return parse_pytest_summary(done.stdout)


class CheckerError(RuntimeError):
    """The checker itself failed (its configuration did not load, it crashed)."""


def checker_failed(checker: str, returncode: int) -> bool:
    """Exit codes 0 (clean) and 1 (findings) are results; anything else (ruff's
    and mypy's 2, black's 123) means the checker did not run."""
    return returncode not in (0, 1)


def run_checker(checker: str, suite: Suite, tree: Path, files: Sequence[str], venv: Path, tools: Path):
    if not files:
        return []
    if checker == "flake8":
        command = [str(tools / "bin" / "flake8"), "--isolated", "--select", "E501,F",
                   f"--max-line-length={suite.line_length}", *files]
        parse, env = parse_located, None
    elif checker == "ruff":
        command = [str(tools / "bin" / "ruff"), "check", "--no-cache", "--output-format", "concise",
                   *suite.ruff_args, *files]
        parse, env = parse_located, None
    elif checker == "black":
        command = [str(tools / "bin" / "black"), "--check", f"--line-length={suite.line_length}", *files]
        parse, env = parse_black, None
    elif checker == "ruff-format":
        command = [str(tools / "bin" / "ruff"), "format", "--no-cache", "--check", *files]
        parse, env = parse_ruff_format, None
    elif checker == "mypy":
        command = [str(venv / "bin" / "mypy"), "--no-incremental", "--follow-imports=silent", *files]
        parse, env = parse_located, _test_env(suite, tree)
    elif checker == "ty":  # installed with the package: it resolves imports in the package's venv
        command = [str(venv / "bin" / "ty"), "check", "--output-format", "concise", "--python", str(venv), *files]
        parse, env = parse_located, _test_env(suite, tree)
    else:
        raise ValueError(checker)
    done = _run(command, tree, env)
    if checker_failed(checker, done.returncode):
        raise CheckerError(f"{checker} exited {done.returncode}: {done.stdout.strip()[-300:]}")
    return parse(done.stdout, str(tree))


def imports_without_boto3(suite: Suite, tree: Path, files: Sequence[str], venv: Path) -> List[str]:
    """The modules among ``files`` that import with boto3 made unimportable."""
    modules = [module_name(name) for name in files if name.endswith(".py")]
    probe = (
        "import importlib, sys\n"
        "sys.modules['boto3'] = None\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        continue\n"
        "    print('OK', name)\n"
    )
    done = _run([str(venv / "bin" / "python"), "-c", probe, *modules], tree, _test_env(suite, tree))
    return [line[3:] for line in done.stdout.splitlines() if line.startswith("OK ")]


def measure(suite: Suite, work: Path, modes: Sequence[str], source: Path) -> SuiteResult:
    """``source`` is the sdist, or for a suite taken from git the mirror's git directory."""
    result = SuiteResult(suite.name, suite.version)
    home = work / suite.name
    home.mkdir(parents=True, exist_ok=True)
    original = unpack_git(source, suite, home) if suite.from_git else unpack(source, suite, home)
    venv = scratch_venv(suite, original, work)
    tools = tools_venv(work)
    baseline_tree = home / "baseline"
    shutil.rmtree(baseline_tree, ignore_errors=True)
    shutil.copytree(original, baseline_tree)
    result.baseline = run_tests(suite, baseline_tree, venv)
    print(f"  {suite.name} as released: {result.baseline}", flush=True)
    for mode in modes:
        outcome = ModeResult(mode)
        result.modes.append(outcome)
        tree = home / mode
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(original, tree)
        before = tree_digest(tree)
        command = [PYTHON, "-m", "botolint", "fix", *MODES[mode], suite.package]
        first = _run(command, tree)
        if first.returncode not in (0, 1):
            outcome.error = f"fix exited {first.returncode}: {first.stdout.strip()[-300:]}"
            continue
        outcome.fix = parse_fix_summary(first.stdout)
        after = tree_digest(tree)
        outcome.changed = changed_files(before, after)
        again = home / f"{mode}-again"  # the second run on a copy: the first run's tree is measured
        shutil.rmtree(again, ignore_errors=True)
        shutil.copytree(tree, again)
        _run(command, again)
        outcome.second_run_changed = changed_files(after, tree_digest(again))
        outcome.tests = run_tests(suite, tree, venv)
        for checker in suite.checkers:
            try:
                old = run_checker(checker, suite, baseline_tree, outcome.changed, venv, tools)
                new = run_checker(checker, suite, tree, outcome.changed, venv, tools)
            except CheckerError as error:
                outcome.checkers[checker] = {"error": 1}
                outcome.new_examples[checker] = [str(error)]
                continue
            added = new_findings(old, new)
            outcome.checkers[checker] = {"before": len(old), "after": len(new), "new": sum(added.values())}
            outcome.new_examples[checker] = [f"{path}: {code}" for (path, code) in sorted(added)]
        was = set(imports_without_boto3(suite, baseline_tree, outcome.changed, venv))
        now = set(imports_without_boto3(suite, tree, outcome.changed, venv))
        outcome.import_broken = sorted(was - now)
        print(f"  {suite.name} {mode}: tests {outcome.tests}, changed {len(outcome.changed)}, "
              f"second run {outcome.second_run_changed}, checkers {outcome.checkers}", flush=True)
    return result


def locate(suite: Suite, options: argparse.Namespace) -> Tuple[Optional[Path], str]:
    """The suite's sdist or git mirror (fetched first with ``--download``), or why it is absent."""
    if suite.from_git:
        mirror = find_mirror(suite, Path(options.mirrors))
        if mirror is None and options.download:
            mirror = download_mirror(suite, Path(options.mirrors))
        return mirror, f"no mirror of {suite.repository} with commit {suite.commit[:12]} in {options.mirrors}"
    sdist = find_sdist(suite, Path(options.sdists))
    if sdist is None and options.download:
        sdist = download(suite, Path(options.sdists))
    return sdist, f"sdist absent from {options.sdists}"


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--download", action="store_true", help="fetch absent sdists from PyPI first")
    parser.add_argument("--only", help="comma-separated package names")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES))
    parser.add_argument("--work", default="/tmp/botolint-suites", help="scratch directory (venvs, trees)")
    parser.add_argument("--sdists", default=str(SDISTS), help="where the sdists are (and results.json goes)")
    parser.add_argument("--mirrors", default=str(MIRRORS),
                        help="where bare git clones are, for suites taken from a repository")
    options = parser.parse_args(argv)
    modes = [mode for mode in options.modes.split(",") if mode]
    unknown = [mode for mode in modes if mode not in MODES]
    if unknown:
        parser.error(f"unknown mode(s): {', '.join(unknown)}")
    wanted = set(options.only.split(",")) if options.only else None
    work = Path(options.work)
    results: List[SuiteResult] = []
    for suite in SUITES:
        if wanted is not None and suite.name not in wanted:
            continue
        source, absent = locate(suite, options)
        if source is None:
            results.append(SuiteResult(suite.name, suite.version, skipped=absent))
            print(f"skipped {suite.name} {suite.version}: {absent} (--download fetches it)")
            continue
        work.mkdir(parents=True, exist_ok=True)
        print(f"{suite.name} {suite.version} from {source}", flush=True)
        results.append(measure(suite, work, modes, source))
    print(render_table(results))
    if any(not result.skipped for result in results):
        out = Path(options.sdists) / "results.json"
        out.parent.mkdir(parents=True, exist_ok=True)  # a run of git suites only needs no sdist there
        out.write_text(json.dumps([asdict(result) for result in results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
