"""`botolint check`'s output options, as ruff and flake8 users expect them:
the summary line, the fixable mark, --exit-zero, --quiet, --output-file,
--show-source, colour and standard input."""

from __future__ import annotations

import io
import json
import re
import sys

import pytest

from botolint.cli import main
from botolint.output.style import use_color

# AWS101 (a safe fix), AWS103 (an unsafe fix: import time), AWS104 (no fix).
MIXED = (
    "import boto3\n"
    "\n"
    'archive = boto3.client("s3")\n'
    "\n"
    "\n"
    "def f():\n"
    '    return boto3.client("sqs")\n'
    "\n"
    "\n"
    "def g():\n"
    "    boto3.setup_default_session()\n"
)
CLEAN = 'def f(session):\n    return session.client("s3")\n'
FINDING = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<code>AWS\d{3}) (?P<rest>.*)$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    (tmp_path / "mixed.py").write_text(MIXED)
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


def run(capsys, *argv):
    code = main(["check", "--no-cache", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys, *argv):
    return json.loads(run(capsys, "--format", "json", *argv)[1])


def test_summary_counts_fixes_by_their_applicability(project, capsys):
    findings = _json(capsys, ".")
    applicability = [f["fix"]["applicability"] if f["fix"] else None for f in findings]
    assert sorted(map(str, applicability)) == ["None", "safe", "unsafe"]
    code, out, err = run(capsys, ".")
    assert code == 1 and err == ""
    assert (
        out.splitlines()[-1] == "Found 3 findings in 1 file; 1 fixable with botolint fix, 1 more with --unsafe-fixes."
    )


def test_summary_counts_files_with_findings_and_files_not_analysed(project, capsys):
    (project / "other.py").write_text(MIXED)
    (project / "broken.py").write_text("import boto3\ndef f(:\n")
    code, out, _ = run(capsys, ".")
    assert code == 1
    assert out.splitlines()[-1] == (
        "Found 6 findings in 2 files; 2 fixable with botolint fix, 2 more with --unsafe-fixes; "
        "1 file could not be analysed."
    )


def test_summary_of_a_run_where_a_file_could_not_be_analysed_and_nothing_was_found(project, capsys):
    (project / "broken.py").write_text("import boto3\ndef f(:\n")
    code, out, _ = run(capsys, "clean.py", "broken.py")
    assert (code, out) == (1, "No findings; 1 file could not be analysed.\n")


def test_only_unsafe_fixes_are_said_so(project, capsys):
    assert run(capsys, "--select", "AWS103", ".")[1].splitlines()[-1] == (
        "Found 1 finding in 1 file; 1 fixable with botolint fix --unsafe-fixes."
    )


def test_clean_run_says_so(project, capsys):
    code, out, _ = run(capsys, "clean.py", "mixed.py", "--select", "AWS2")
    assert (code, out) == (0, "All checks passed: 2 files, no findings.\n")


def test_fixable_mark_is_on_safely_fixable_findings_only(project, capsys):
    by_place = {(f["line"], f["column"], f["code"]): f["fix"] for f in _json(capsys, ".")}
    _, out, _ = run(capsys, ".")
    lines = [FINDING.match(line) for line in out.splitlines()[:-1]]
    assert all(lines) and len(lines) == len(by_place)
    for match in lines:
        fix = by_place[(int(match["line"]), int(match["column"]), match["code"])]
        assert match["rest"].startswith("[*] ") == (fix is not None and fix["applicability"] == "safe")


def test_what_the_mark_promises_botolint_fix_fixes(project, capsys):
    _, out, _ = run(capsys, ".")
    marked = {(m["line"], m["code"]) for m in map(FINDING.match, out.splitlines()[:-1]) if m["rest"].startswith("[*]")}
    assert marked
    main(["fix", "mixed.py"])
    capsys.readouterr()
    after = {(str(f["line"]), f["code"]) for f in _json(capsys, ".")}
    assert not {code for _, code in marked} & {code for _, code in after}


def test_exit_zero(project, capsys):
    code, out, _ = run(capsys, "--exit-zero", ".")
    assert code == 0 and "AWS101" in out
    # A usage error is still one.
    assert run(capsys, "--exit-zero", "--select", "XYZ", ".")[0] == 2


def test_quiet_prints_the_findings_only(project, capsys):
    _, out, _ = run(capsys, "--quiet", ".")
    assert out and all(FINDING.match(line) for line in out.splitlines())
    assert run(capsys, "-q", "clean.py") == (0, "", "")


def test_output_file(project, capsys):
    code, out, _ = run(capsys, "--output-file", "report.txt", "--color", "always", ".")
    assert code == 1 and out == ""
    text = (project / "report.txt").read_text()
    assert "mixed.py:7:12: AWS101 [*] " in text and text.endswith("--unsafe-fixes.\n")
    assert not ANSI.search(text)  # colour is for terminals
    run(capsys, "-o", "report.json", "--format", "json", ".")
    assert len(json.loads((project / "report.json").read_text())) == 3


def test_output_file_that_cannot_be_written_is_a_usage_error(project, capsys):
    code, _, err = run(capsys, "--output-file", str(project / "missing" / "report.txt"), ".")
    assert code == 2 and "cannot write" in err


def test_show_source_prints_the_line_and_a_caret_under_the_column(project, capsys):
    (project / "tabs.py").write_text('import boto3\n\n\ndef f():\n\tx = 1; return boto3.client("s3")\n')
    _, out, _ = run(capsys, "--show-source", "tabs.py")
    lines = out.splitlines()
    assert FINDING.match(lines[0])["column"] == "16"
    assert lines[1] == '\tx = 1; return boto3.client("s3")'
    assert lines[2] == "\t" + " " * 14 + "^"
    assert lines[1][lines[2].index("^"):].startswith("boto3.client")


def test_show_source_reads_the_file_as_python_decodes_it(project, capsys):
    source = '# -*- coding: latin-1 -*-\nimport boto3\n\n\ndef f():\n    s = "\xe9"; return boto3.client("s3")\r\n'
    (project / "latin.py").write_bytes(source.encode("latin-1"))
    _, out, _ = run(capsys, "--show-source", "latin.py")
    lines = out.splitlines()
    assert lines[1] == '    s = "\xe9"; return boto3.client("s3")'
    assert lines[1][lines[2].index("^"):].startswith("boto3.client")


def test_color_always_and_never(project, capsys):
    coloured = run(capsys, "--color", "always", ".")[1]
    assert ANSI.search(coloured)
    plain = run(capsys, "--color", "never", ".")[1]
    assert not ANSI.search(plain)
    assert ANSI.sub("", coloured) == plain
    # Not a terminal (pytest captures): auto is plain.
    assert run(capsys, ".")[1] == plain


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_color_auto_follows_the_terminal_and_no_color():
    assert use_color("auto", _Terminal(), {}) is True
    assert use_color("auto", io.StringIO(), {}) is False
    assert use_color("auto", _Terminal(), {"NO_COLOR": "1"}) is False
    assert use_color("auto", _Terminal(), {"NO_COLOR": ""}) is True  # only a non-empty value counts
    assert use_color("always", io.StringIO(), {"NO_COLOR": "1"}) is True
    assert use_color("never", _Terminal(), {}) is False


def test_color_on_a_terminal_through_the_cli(project, capsys, monkeypatch):
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    main(["check", "--no-cache", "."])
    assert ANSI.search(terminal.getvalue())
    monkeypatch.setenv("NO_COLOR", "1")
    terminal.seek(0)
    terminal.truncate()
    main(["check", "--no-cache", "."])
    assert terminal.getvalue() and not ANSI.search(terminal.getvalue())


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_with_a_filename(project, capsys, monkeypatch):
    _stdin(monkeypatch, MIXED.encode())
    code, out, _ = run(capsys, "-", "--stdin-filename", "pkg/module.py", "--show-source")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("pkg/module.py:3:11: AWS103 ")
    assert lines[1] == 'archive = boto3.client("s3")'
    assert lines[-1].startswith("Found 3 findings in 1 file")


def test_stdin_gives_what_the_file_gives(project, capsys, monkeypatch):
    from_file = run(capsys, "--format", "json", "mixed.py")[1]
    _stdin(monkeypatch, MIXED.encode())
    assert run(capsys, "--format", "json", "-", "--stdin-filename", "mixed.py")[1] == from_file
    _stdin(monkeypatch, CLEAN.encode())
    assert run(capsys, "-q", "-")[:2] == (0, "")


def test_stdin_noqa_and_syntax_errors(project, capsys, monkeypatch):
    _stdin(monkeypatch, MIXED.replace('("sqs")', '("sqs")  # noqa: AWS101').encode())
    assert "AWS101" not in run(capsys, "-")[1]
    _stdin(monkeypatch, b"import boto3\ndef f(:\n")
    code, _, err = run(capsys, "-", "--stdin-filename", "bad.py")
    assert code == 1 and err.startswith("bad.py: error: syntax error")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["-", "mixed.py"], "cannot be checked with other paths"),
        (["--stdin-filename", "x.py", "mixed.py"], "needs the path '-'"),
        (["--add-noqa", "-"], "cannot rewrite standard input"),
    ],
)
def test_stdin_usage_errors(project, capsys, monkeypatch, argv, message):
    _stdin(monkeypatch, MIXED.encode())
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err


def test_github_format_reports_files_that_could_not_be_analysed(project, capsys):
    (project / "broken.py").write_text("import boto3\ndef f(:\n")
    (project / "secret.py").write_text(
        'import boto3\nc = boto3.client("s3", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")\n'
    )
    code, out, _ = run(capsys, "--format", "github", ".")
    assert code == 1
    lines = out.splitlines()
    assert (
        "::error file=broken.py,title=botolint::broken.py could not be analysed: syntax error at 2:7: invalid syntax"
        in lines
    )
    assert [line.split(" ")[0] for line in lines if "title=AWS403" in line] == ["::error"]
    assert all(line.startswith("::warning ") for line in lines if "title=AWS10" in line)
