"""Bad input never crashes a run: each bad file gives one line ``path: error:
reason`` on stderr, the other files are still checked, and the run exits 1.
``fix`` leaves bad files byte-identical.

Runs are in this process (``botolint.cli.main`` and flake8's ``main``), except
for input nested deeply enough to overflow LibCST's native parser: that is a
segfault, not an exception, so were the guard that refuses it ever to regress,
an in-process run would end the test session. Those run in a real
``python -m botolint`` (or flake8) process each, where a crash fails one test.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, List, Tuple

import pytest
from flake8.main.cli import main as flake8_main

from botolint import flake8_plugin
from botolint.cli import main as botolint_main

GOOD = 'import boto3\n\n\ndef good():\n    return boto3.client("s3")\n'
GOOD_FINDING = "good.py:5:12: AWS101"
STEP_TIMEOUT = 120
FLAKE8_ARGS = ("--isolated", "--select", "AWS,E999")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


class InProcess:
    """``botolint`` and flake8 run in this process, in the test's tmp_path."""

    def __init__(self, capsys, monkeypatch) -> None:
        self.capsys = capsys
        # flake8 stores --botolint-no-cache on the checker class: put it back afterwards.
        monkeypatch.setattr(flake8_plugin.BotolintChecker, "use_cache", flake8_plugin.BotolintChecker.use_cache)

    def _run(self, main: Callable[[List[str]], int], argv: List[str]) -> Result:
        self.capsys.readouterr()
        returncode = main(argv)
        out, err = self.capsys.readouterr()
        assert "Traceback" not in err, err
        return Result(returncode, out, err)

    def check(self, *paths: str) -> Result:
        return self._run(botolint_main, ["check", "--no-cache", "-j1", *(paths or (".",))])

    def fix(self, *paths: str) -> Result:
        return self._run(botolint_main, ["fix", *(paths or (".",))])

    def flake8(self, *paths: str) -> Result:
        _forget_flake8_process_state()
        try:
            result = self._run(flake8_main, [*FLAKE8_ARGS, "--jobs=1", "--botolint-no-cache", *(paths or (".",))])
        finally:
            _forget_flake8_process_state()
        assert result.returncode in (0, 1), result.stderr
        return result


def _forget_flake8_process_state() -> None:
    # The plugin keeps its config, cache and projects for the process, found
    # from the cwd it first saw: another test's directory.
    for remembered in (flake8_plugin._config, flake8_plugin._cache, flake8_plugin._projects):
        remembered.cache_clear()


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys) -> InProcess:
    monkeypatch.chdir(tmp_path)
    return InProcess(capsys, monkeypatch)


def run_process(cwd: Path, *args: str) -> Result:
    result = subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=STEP_TIMEOUT, check=False
    )
    assert result.returncode >= 0, f"killed by signal {signal.Signals(-result.returncode).name}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    return Result(result.returncode, result.stdout, result.stderr)


def check_process(cwd: Path, *paths: str) -> Result:
    return run_process(cwd, "-m", "botolint", "check", "--no-cache", "-j1", *(paths or (".",)))


def fix_process(cwd: Path) -> Result:
    return run_process(cwd, "-m", "botolint", "fix", ".")


def flake8_process(cwd: Path, *paths: str) -> Result:
    result = run_process(cwd, "-m", "flake8", *FLAKE8_ARGS, "--botolint-no-cache", *(paths or (".",)))
    assert result.returncode in (0, 1), result.stderr
    return result


def project(tmp_path: Path, name: str, data: bytes) -> Path:
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / name).write_bytes(data)
    return tmp_path / name


def assert_one_error(result: Result, name: str, reason: str) -> None:
    """Exactly one stderr line, about ``name``; the good file is still reported."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert re.fullmatch(rf"(\./)?{re.escape(name)}: error: {reason}", lines[0]), lines[0]
    assert GOOD_FINDING in result.stdout
    assert result.returncode == 1


def assert_fix_leaves_alone(tmp_path: Path, fix: Callable[[], Result], name: str, reason: str) -> None:
    bad = tmp_path / name
    before = bad.read_bytes() if bad.is_file() else None
    result = fix()
    assert re.search(rf"^(\./)?{re.escape(name)}: error: {reason}", result.stdout + result.stderr, re.MULTILINE), (
        result.stdout + result.stderr
    )
    assert result.returncode == 1
    if before is not None:
        assert bad.read_bytes() == before
    assert "session or boto3" in (tmp_path / "good.py").read_text()  # the run went on


def position_of(text: str, needle: str, occurrence: int = 0) -> Tuple[int, int]:
    """1-based line and column (in characters) where ``needle`` starts."""
    lines = re.split(r"\r\n|\r|\n", text)  # Python's line ends (str.splitlines also splits at \f)
    seen = 0
    for number, line in enumerate(lines, start=1):
        column = line.find(needle)
        while column >= 0:
            if seen == occurrence:
                return number, column + 1
            seen += 1
            column = line.find(needle, column + 1)
    raise AssertionError(f"{needle!r} not in the text")


def reported(output: str, name: str) -> List[Tuple[int, int, str]]:
    found = []
    for line in output.splitlines():
        match = re.match(rf"(?:\./)?{re.escape(name)}:(\d+):(\d+): (AWS\d+|E999)", line)
        if match:
            found.append((int(match.group(1)), int(match.group(2)), match.group(3)))
    return found


# -- files that cannot be analyzed ------------------------------------------------


def test_syntax_error(tmp_path, cli):
    project(tmp_path, "bad.py", b'import boto3\n\ndef f(:\n    return boto3.client("s3")\n')
    assert_one_error(cli.check(), "bad.py", r"syntax error at 3:7: invalid syntax")
    assert ("bad.py", "E999") in [(name, code) for name, (_, _, code) in _flake8_codes(cli)]
    assert_fix_leaves_alone(tmp_path, cli.fix, "bad.py", "syntax error")


def _flake8_codes(cli: InProcess):
    result = cli.flake8()
    assert GOOD_FINDING in result.stdout
    return [(name, finding) for name in ("bad.py", "good.py") for finding in reported(result.stdout, name)]


def test_python2_code(tmp_path, cli):
    source = b'import boto3\nprint "listing"\n\ndef f():\n    return boto3.client("s3")\n'
    project(tmp_path, "bad.py", source)
    assert_one_error(cli.check(), "bad.py", r"syntax error at 2:1: Missing parentheses in call to 'print'.*")
    assert ("bad.py", "E999") in [(name, code) for name, (_, _, code) in _flake8_codes(cli)]
    assert_fix_leaves_alone(tmp_path, cli.fix, "bad.py", "syntax error")


def test_invalid_utf8_without_cookie(tmp_path, cli):
    project(tmp_path, "bad.py", b'import boto3\nname = "\xff\xfe"\n')
    assert_one_error(cli.check(), "bad.py", r"cannot decode: 'utf-8' codec can't decode byte 0xff.*")
    cli.flake8()  # flake8 decodes it its own way; it must simply not crash
    assert_fix_leaves_alone(tmp_path, cli.fix, "bad.py", "cannot decode")


def test_bytes_that_contradict_their_cookie(tmp_path, cli):
    project(tmp_path, "bad.py", b'# -*- coding: utf-8 -*-\nimport boto3\nname = "caf\xe9"\n')
    assert_one_error(cli.check(), "bad.py", r"cannot decode: .*0xe9.*")
    assert_fix_leaves_alone(tmp_path, cli.fix, "bad.py", "cannot decode")


def test_unknown_encoding_cookie(tmp_path, cli):
    project(tmp_path, "bad.py", b"# -*- coding: klingon -*-\nimport boto3\n")
    assert_one_error(cli.check(), "bad.py", r"cannot decode: unknown encoding: klingon")
    cli.flake8()
    assert_fix_leaves_alone(tmp_path, cli.fix, "bad.py", "cannot decode")


def test_nul_bytes(tmp_path, cli):
    project(tmp_path, "bad.py", b'import boto3\nx = "a\0b"\n\ndef f():\n    return boto3.client("s3")\n')
    assert_one_error(cli.check(), "bad.py", r"contains NUL bytes")
    assert ("bad.py", "E999") in [(name, code) for name, (_, _, code) in _flake8_codes(cli)]
    assert_fix_leaves_alone(tmp_path, cli.fix, "bad.py", "contains NUL bytes")


def test_file_over_the_size_limit(tmp_path, cli):
    padding = ("# " + "x" * 77 + "\n") * 62_500  # 5 MB of comment lines
    source = GOOD.replace("good", "big") + padding
    project(tmp_path, "big.py", source.encode())
    assert len(source) > 5_000_000
    assert_one_error(
        cli.check(), "big.py", r"file is too large \(\d+ bytes, limit 4194304; see max-file-size\)"
    )
    assert_fix_leaves_alone(tmp_path, cli.fix, "big.py", "file is too large")


def test_large_file_under_a_raised_limit_is_analyzed(tmp_path, cli):
    padding = ("# " + "x" * 77 + "\n") * 62_500
    project(tmp_path, "big.py", (GOOD.replace("good", "big") + padding).encode())
    (tmp_path / "pyproject.toml").write_text("[tool.botolint]\nmax-file-size = 8000000\n")
    result = cli.check()
    assert result.stderr == ""
    assert "big.py:5:12: AWS101" in result.stdout and GOOD_FINDING in result.stdout


def test_directory_named_like_a_python_file(tmp_path, cli):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "pkg.py").mkdir()
    assert_one_error(cli.check("pkg.py", "good.py"), "pkg.py", "is a directory")
    result = cli.fix("pkg.py", "good.py")
    assert re.search(r"^pkg.py: error: is a directory", result.stdout + result.stderr, re.MULTILINE)
    assert "session or boto3" in (tmp_path / "good.py").read_text()


def test_directory_named_like_a_python_file_is_walked_when_found_in_a_tree(tmp_path, cli):
    (tmp_path / "pkg.py").mkdir()
    (tmp_path / "pkg.py" / "good.py").write_text(GOOD)
    result = cli.check()
    assert result.stderr == "" and "pkg.py/good.py:5:12: AWS101" in result.stdout


def test_dangling_symlink(tmp_path, cli):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "bad.py").symlink_to(tmp_path / "missing.py")
    assert_one_error(cli.check(), "bad.py", "broken symbolic link")
    assert_fix_leaves_alone(tmp_path, cli.fix, "bad.py", "broken symbolic link")
    assert (tmp_path / "bad.py").is_symlink() and not (tmp_path / "missing.py").exists()


def test_symlink_to_a_file_is_checked(tmp_path, cli):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "target.txt").write_text(GOOD)
    (tmp_path / "link.py").symlink_to(tmp_path / "real" / "target.txt")
    result = cli.check("link.py")
    assert result.stderr == "" and "link.py:5:12: AWS101" in result.stdout
    result = cli.flake8("link.py")
    assert "link.py:5:12: AWS101" in result.stdout


def test_symlink_loop(tmp_path, cli):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "loop.py").symlink_to(tmp_path / "loop.py")
    assert_one_error(cli.check(), "loop.py", "Too many levels of symbolic links")


def test_fix_survives_a_symlink_loop(tmp_path, cli):
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "loop.py").symlink_to(tmp_path / "loop.py")
    assert_fix_leaves_alone(tmp_path, cli.fix, "loop.py", "Too many levels of symbolic links")


def test_fifo_named_like_a_python_file_is_not_read(tmp_path, cli):
    """Reading a FIFO would block forever (flake8, which reads it itself, does)."""
    (tmp_path / "good.py").write_text(GOOD)
    os.mkfifo(tmp_path / "pipe.py")
    assert_one_error(cli.check(), "pipe.py", "not a regular file")
    assert_fix_leaves_alone(tmp_path, cli.fix, "pipe.py", "not a regular file")


def test_unlistable_directory_is_reported_not_skipped(tmp_path, cli, monkeypatch):
    """A directory the walk cannot enter (chmod 000 for a non-root user) is
    one error line: its files are not silently left out."""
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "hidden.py").write_text(GOOD)
    real_scandir, real_listdir = os.scandir, os.listdir

    def refuse(real):
        def listing(path="."):
            if Path(path).name == "secret":
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        return listing

    monkeypatch.setattr(os, "scandir", refuse(real_scandir))
    monkeypatch.setattr(os, "listdir", refuse(real_listdir))
    result = cli.check()
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["secret: error: permission denied"]
    assert GOOD_FINDING in result.stdout and "hidden.py" not in result.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a chmod 000 file anyway; the next test simulates it")
def test_unreadable_file(tmp_path, cli):
    bad = project(tmp_path, "bad.py", GOOD.encode())
    bad.chmod(0)
    try:
        assert_one_error(cli.check(), "bad.py", "permission denied")
        assert_fix_leaves_alone(tmp_path, cli.fix, "bad.py", "permission denied")
    finally:
        bad.chmod(0o644)


def test_unreadable_file_simulated(tmp_path, cli, monkeypatch):
    """A PermissionError from reading, as chmod 000 gives a non-root user."""
    project(tmp_path, "bad.py", GOOD.encode())
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "bad.py":
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert_one_error(cli.check(), "bad.py", "permission denied")
    result = cli.fix()
    assert result.returncode == 1
    assert "bad.py: error: permission denied" in result.stdout + result.stderr
    assert real_read_bytes(tmp_path / "bad.py") == GOOD.encode()


def test_nesting_that_python_accepts_is_still_analyzed(tmp_path, cli):
    call = "(" * 150 + 'boto3.client("s3")' + ")" * 150
    chain = " + ".join(["a"] * 300)  # LibCST's code generator recurses twice per level
    source = f"import boto3\n\n\ndef deep(a):\n    x = {chain}\n    return {call}\n"
    project(tmp_path, "deep.py", source.encode())
    result = cli.check()
    assert result.stderr == ""
    line, column = position_of(source, "((")  # the call's own parentheses are part of it
    assert f"deep.py:{line}:{column}: AWS101" in result.stdout


# -- odd but valid files: analyzed, with the right positions ------------------------

ODD = {
    "empty": b"",
    "only-a-comment": b"# boto3\n",
    "crlf": b'import boto3\r\n\r\ndef f():\r\n    return boto3.client("s3")\r\n',
    "mixed-line-endings": b'import boto3\r\n\ndef f():\r\n    x = 1\n    y = 2\r\n    return boto3.resource("s3")\n',
    "old-mac-cr": b'import boto3\r\rdef f():\r    return boto3.client("s3")\r',
    "tabs": b'import boto3\n\ndef f():\n\tif True:\n\t\treturn boto3.client("s3")\n',
    "form-feeds": b'import boto3\n\x0c\n\x0cdef f():\n\x0c    return boto3.client("s3")\n',
    "bom": b'\xef\xbb\xbfimport boto3\n\ndef f():\n    return boto3.client("s3")\n',
    "latin-1-cookie": (
        '# -*- coding: latin-1 -*-\nimport boto3\n\n'
        'def f():\n    caf\u00e9 = "\u00e9t\u00e9"; return boto3.client("s3")\n'
    ).encode("latin-1"),
    "no-final-newline": b'import boto3\n\ndef f():\n    return boto3.client("s3")',
}


def _expected(data: bytes) -> List[Tuple[int, int, str]]:
    text = data.decode("latin-1" if b"latin-1" in data else "utf-8-sig")
    expected = []
    for needle, code in (("boto3.client", "AWS101"), ("boto3.resource", "AWS102")):
        if needle + "(" in text:
            expected.append((*position_of(text, needle), code))
    return sorted(expected)


@pytest.mark.parametrize("kind", sorted(ODD))
def test_odd_but_valid_files_are_analyzed_with_right_positions(tmp_path, cli, kind):
    project(tmp_path, "odd.py", ODD[kind])
    result = cli.check()
    assert result.stderr == ""
    assert GOOD_FINDING in result.stdout
    assert sorted(reported(result.stdout, "odd.py")) == _expected(ODD[kind])


@pytest.mark.parametrize("kind", sorted(ODD))
def test_flake8_positions_agree_on_odd_files(tmp_path, cli, kind):
    project(tmp_path, "odd.py", ODD[kind])
    result = cli.flake8("odd.py")
    assert sorted(reported(result.stdout, "odd.py")) == _expected(ODD[kind])


def test_noqa_on_a_line_after_form_feeds_applies_to_that_line(tmp_path, cli):
    source = (
        b'import boto3\n\x0c\n\x0cdef f():\n    return boto3.client("s3")  # noqa: AWS101\n'
        b'\n\ndef g():\n    return boto3.client("s3")\n'
    )
    project(tmp_path, "odd.py", source)
    result = cli.check()
    assert reported(result.stdout, "odd.py") == [(8, 12, "AWS101")]


def test_python_warnings_about_the_analyzed_code_are_not_printed(tmp_path, cli):
    project(tmp_path, "odd.py", b'import boto3\npattern = "\\d+"\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # as `python -W always` would
        result = cli.check()
    assert result.stderr == ""
    assert not [warning for warning in caught if "escape sequence" in str(warning.message)]


def test_escapes_python_rejects_under_warnings_as_errors_are_no_value(tmp_path, cli):
    """Under ``python -W error`` an invalid escape in a literal the rules read
    (a service name, a Lambda variable's name, an executor method) is a
    SyntaxError when evaluated: the literal has no value, the rest is checked."""
    source = (
        b"import os\nfrom concurrent.futures import ThreadPoolExecutor\n\nimport boto3\n\n\n"
        b"def f(pool: ThreadPoolExecutor):\n"
        b'    if os.environ.get("AWS_\\q"):\n'
        b'        pool.submit(print, "\\d")\n'
        b'    return boto3.client("\\d", region_name="eu\\q")\n'
    )
    project(tmp_path, "odd.py", source)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = cli.check()
    assert result.stderr == ""
    assert reported(result.stdout, "odd.py") == [(10, 12, "AWS101")]


def test_unparsable_file_that_never_mentions_boto3_is_not_read_as_python(tmp_path, cli):
    """Files without "boto3" are skipped before parsing: no error for them."""
    project(tmp_path, "other.py", b"def f(:\n")
    result = cli.check()
    assert result.stderr == "" and GOOD_FINDING in result.stdout


# -- fix and files it must not or cannot write ------------------------------------


def test_fix_keeps_line_endings_encoding_and_bom(tmp_path, cli):
    for kind in ("crlf", "latin-1-cookie", "bom", "tabs", "form-feeds", "old-mac-cr"):
        (tmp_path / f"{kind}.py").write_bytes(ODD[kind])
    cli.fix()
    for kind in ("crlf", "latin-1-cookie", "bom", "tabs", "form-feeds", "old-mac-cr"):
        original, new = ODD[kind], (tmp_path / f"{kind}.py").read_bytes()
        assert new != original, kind
        encoding = "latin-1" if kind == "latin-1-cookie" else "utf-8"
        assert new.decode(encoding)  # still in the file's own encoding
        assert new.startswith(b"\xef\xbb\xbf") == original.startswith(b"\xef\xbb\xbf"), kind
        if kind == "crlf":
            assert new.count(b"\r\n") == new.count(b"\n"), new
        if kind == "old-mac-cr":
            assert b"\n" not in new, new
    assert "\u00e9t\u00e9" in (tmp_path / "latin-1-cookie.py").read_bytes().decode("latin-1")


def test_fix_leaves_a_read_only_file_untouched(tmp_path, cli):
    bad = project(tmp_path, "readonly.py", GOOD.replace("good", "readonly").encode())
    bad.chmod(0o444)
    assert_fix_leaves_alone(tmp_path, cli.fix, "readonly.py", r".*read-only.*")
    assert bad.stat().st_mode & 0o777 == 0o444


def test_fix_reports_a_file_it_cannot_write_and_goes_on(tmp_path, cli, monkeypatch):
    """A write that fails (a read-only directory, a full disk) costs that file
    only: one line about it, the other files are still written."""
    project(tmp_path, "a_unwritable.py", GOOD.replace("good", "unwritable").encode())
    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        if "a_unwritable" in kwargs.get("prefix", ""):
            raise PermissionError(13, "Permission denied")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    assert_fix_leaves_alone(tmp_path, cli.fix, "a_unwritable.py", ".*[Pp]ermission denied")


# -- runs in processes of their own (see the module's docstring) ------------------


def test_bad_files_in_worker_processes(tmp_path):
    """With -j2 and enough files, analysis runs in worker processes: every bad
    file is still one line, every good file still reported, in order."""
    bad = {
        "syntax": b"import boto3\ndef f(:\n",
        "nul": b"import boto3\0\n",
        "latin": b'import boto3\nx = "\xe9"\n',
        "deep": ("import boto3\nx = " + "(" * 5000 + ")" * 5000 + "\n").encode(),
    }
    for index in range(12):
        (tmp_path / f"good_{index:02d}.py").write_text(GOOD)
    for name, data in bad.items():
        (tmp_path / f"bad_{name}.py").write_bytes(data)
    result = run_process(tmp_path, "-m", "botolint", "check", "--no-cache", "--quiet", "-j2", ".")
    assert sorted(line.split(":")[0] for line in result.stderr.splitlines()) == sorted(f"bad_{n}.py" for n in bad)
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [f"good_{i:02d}.py" for i in range(12)]
    assert result.returncode == 1


# Nesting deep enough to exhaust a parser or the recursion limit.

DEEP = {
    "parentheses": "x = " + "(" * 100_000 + "1" + ")" * 100_000,
    "lists": "x = " + "[" * 100_000 + "]" * 100_000,
    "calls": "x = " + "f(" * 50_000 + ")" * 50_000,
    "additions": "x = " + "+".join(["a"] * 200_000),
    "attributes": "x = a" + ".b" * 100_000,
    "unary-minus": "x = " + "-" * 100_000 + "a",
    "not": "x = " + "not " * 100_000 + "a",
    "lambdas": "x = " + "lambda: " * 100_000 + "a",
    "conditional": "x = " + "a if b else " * 50_000 + "c",
    "and-chain": "x = " + " and ".join(["a"] * 100_000),
    "or-chain-6k": "x = " + " or ".join(["a"] * 6_000),
}


@pytest.mark.parametrize("kind", sorted(DEEP))
def test_deeply_nested_code_is_refused_without_crashing(tmp_path, kind):
    project(tmp_path, "bad.py", f"import boto3\n{DEEP[kind]}\n".encode())
    assert_one_error(check_process(tmp_path), "bad.py", r"nested too deeply to parse.*")


# Not "additions": flake8 itself dies of a RecursionError in its own ast.parse there.
@pytest.mark.parametrize("kind", ["parentheses", "and-chain"])
def test_flake8_survives_deeply_nested_code(tmp_path, kind):
    project(tmp_path, "bad.py", f"import boto3\n{DEEP[kind]}\n".encode())
    result = flake8_process(tmp_path)
    assert GOOD_FINDING in result.stdout
    assert not [finding for finding in reported(result.stdout, "bad.py") if finding[2].startswith("AWS")]


def test_fix_survives_deeply_nested_code(tmp_path):
    project(tmp_path, "bad.py", f"import boto3\n{DEEP['parentheses']}\n".encode())
    assert_fix_leaves_alone(tmp_path, lambda: fix_process(tmp_path), "bad.py", "nested too deeply")
