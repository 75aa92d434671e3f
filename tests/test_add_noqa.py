"""`botolint check --add-noqa`: adopting botolint on a legacy codebase."""

from __future__ import annotations

import subprocess
import sys

import pytest
from flake8.defaults import NOQA_INLINE_REGEXP
from hypothesis import given, settings, strategies as st

import botolint.add_noqa as add_noqa
from botolint.add_noqa import with_noqa
from botolint.cli import main

LEGACY = (
    "import boto3\n"
    "\n"
    'archive = boto3.client("s3")  # the archive bucket\n'
    "\n"
    "\n"
    "def f():\n"
    '    return boto3.client("sqs"), boto3.resource("s3")\n'
    "\n"
    "\n"
    "def g():\n"
    '    return boto3.client("sts")  # noqa: E501\n'
)
EXPECTED = (
    "import boto3\n"
    "\n"
    'archive = boto3.client("s3")  # the archive bucket  # noqa: AWS103\n'
    "\n"
    "\n"
    "def f():\n"
    '    return boto3.client("sqs"), boto3.resource("s3")  # noqa: AWS101, AWS102\n'
    "\n"
    "\n"
    "def g():\n"
    '    return boto3.client("sts")  # noqa: E501, AWS101\n'
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv):
    code = main(["check", "--no-cache", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_adds_merges_and_keeps_other_comments(project, capsys):
    (project / "legacy.py").write_text(LEGACY)
    code, out, err = run(capsys, "--add-noqa", ".")
    assert (code, err) == (0, "")
    assert out == "Added 3 noqa comments to 1 file.\n"
    assert (project / "legacy.py").read_text() == EXPECTED


def test_a_second_run_changes_nothing(project, capsys):
    (project / "legacy.py").write_text(LEGACY)
    run(capsys, "--add-noqa", ".")
    once = (project / "legacy.py").read_bytes()
    code, out, _ = run(capsys, "--add-noqa", ".")
    assert (project / "legacy.py").read_bytes() == once
    assert code == 0


def test_check_is_clean_afterwards(project, capsys):
    # Without an existing noqa comment to merge into (see the flake8 test below for that).
    (project / "legacy.py").write_text(LEGACY.replace("  # noqa: E501", ""))
    assert run(capsys, "-q", ".")[0] == 1
    run(capsys, "--add-noqa", ".")
    assert run(capsys, "-q", ".") == (0, "", "")


def test_flake8_reads_every_comment_it_wrote(project, capsys):
    (project / "legacy.py").write_text(LEGACY.replace('("sts")', '("sts", region_name="' + "x" * 60 + '")'))
    flake8 = [sys.executable, "-m", "flake8", "--isolated", "--botolint-no-cache", "--select", "AWS,E501", "legacy.py"]
    before = subprocess.run(flake8, capture_output=True, text=True, check=False, timeout=120)
    assert "AWS101" in before.stdout and "E501" not in before.stdout
    run(capsys, "--add-noqa", ".")
    after = subprocess.run(flake8, capture_output=True, text=True, check=False, timeout=120)
    assert (after.returncode, after.stdout) == (0, ""), after.stderr


def test_keeps_encoding_bom_and_line_endings(project, capsys):
    latin = '# -*- coding: latin-1 -*-\nimport boto3\n\n\ndef f():\n    return boto3.client("s3", region_name="\xe9")\n'
    (project / "latin.py").write_bytes(latin.replace("\n", "\r\n").encode("latin-1"))
    (project / "bom.py").write_bytes(b"\xef\xbb\xbf" + LEGACY.replace("\n", "\r").encode())
    run(capsys, "--add-noqa", ".")
    assert (project / "latin.py").read_bytes() == latin.replace(
        '"\xe9")\n', '"\xe9")  # noqa: AWS101\n'
    ).replace("\n", "\r\n").encode("latin-1")
    assert (project / "bom.py").read_bytes() == b"\xef\xbb\xbf" + EXPECTED.replace("\n", "\r").encode()


def test_lines_that_cannot_take_a_comment_are_left_and_reported(project, capsys):
    source = (
        "import boto3\n"
        "\n"
        "\n"
        "def f():\n"
        '    text = """%s""" % boto3.client("s3").list_buckets(\n'
        "    )\n"
        "    return boto3.client(\\\n"
        '        "sqs")\n'
        "\n"
        "\n"
        "def g():\n"
        '    s = """\n'
        '""" + str(boto3.client("s3"))\n'
        "    return s\n"
    )
    (project / "odd.py").write_text(source)
    code, out, err = run(capsys, "--add-noqa", ".")
    assert code == 1
    assert err.splitlines() == ["odd.py:7: cannot add a noqa comment: the line ends with a backslash continuation"]
    text = (project / "odd.py").read_text()
    assert text == source.replace('list_buckets(\n', 'list_buckets(  # noqa: AWS101\n').replace(
        'str(boto3.client("s3"))\n', 'str(boto3.client("s3"))  # noqa: AWS101\n'
    )
    compile(text, "odd.py", "exec")


def test_a_line_inside_a_multiline_string_is_left(project, capsys):
    from botolint.add_noqa import edit_source

    source = 'x = """\nboto3\n"""\n'
    edit = edit_source("x.py", source.encode(), {2: {"AWS101"}})
    assert edit.added == 0 and edit.skipped == [(2, "the line ends inside a multi-line string")]


def test_a_failed_write_leaves_the_file_and_fails(project, capsys, monkeypatch):
    (project / "legacy.py").write_text(LEGACY)

    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(add_noqa, "write_atomic", refuse)
    code, _, err = run(capsys, "--add-noqa", ".")
    assert code == 1 and err.startswith("legacy.py: error: cannot add noqa comments: Permission denied")
    assert (project / "legacy.py").read_text() == LEGACY


def test_writes_through_the_atomic_writer(project, capsys, monkeypatch):
    (project / "legacy.py").write_text(LEGACY)
    written = []
    real = add_noqa.write_atomic
    monkeypatch.setattr(add_noqa, "write_atomic", lambda path, data: (written.append(path), real(path, data)))
    run(capsys, "--add-noqa", ".")
    assert [str(path) for path in written] == ["legacy.py"]


def test_quiet_and_clean_runs(project, capsys):
    (project / "clean.py").write_text("x = 1\n")
    assert run(capsys, "--add-noqa", ".") == (0, "Added 0 noqa comments to 0 files.\n", "")
    assert run(capsys, "--add-noqa", "-q", ".") == (0, "", "")


CODES = st.from_regex(r"\A[A-Z]{1,3}[0-9]{1,3}\Z")


@settings(database=None, max_examples=200, deadline=None)
@given(
    code=st.sampled_from(["x = f()", "    return g(a, b)", "y = 1;"]),
    existing=st.lists(CODES, max_size=3),
    separator=st.sampled_from([",", ", ", " ", ",  "]),
    trailer=st.sampled_from(["", "  ", " more words", "  # type: ignore"]),
    new=st.lists(st.sampled_from(["AWS101", "AWS102", "AWS403"]), min_size=1, unique=True),
)
def test_with_noqa_gives_flake8_every_code(code, existing, separator, trailer, new):
    comment = (
        f"  # noqa: {separator.join(existing)}{trailer}" if existing else (trailer if trailer.startswith("  #") else "")
    )
    body = code + comment
    column = body.index("#") if "#" in body else None
    result = with_noqa(body, column, sorted(new))
    assert result.startswith(code)
    matches = [m for m in NOQA_INLINE_REGEXP.finditer(result) if m.group("codes")]
    codes = {c for m in matches for c in m.group("codes").replace(",", " ").split()}
    assert set(new) <= codes and set(existing) <= codes
    column = result.index("#")
    assert with_noqa(result, column, sorted(new)) == result  # idempotent


def test_check_is_clean_after_merging_into_an_existing_noqa(project, capsys):
    (project / "legacy.py").write_text(LEGACY)
    run(capsys, "--add-noqa", ".")
    assert run(capsys, "-q", ".") == (0, "", "")
