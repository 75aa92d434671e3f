"""bench/fix_suites.py's parsing and scoring, on small synthetic outputs (offline:
the real run needs sdists, venvs and minutes, and is a bench script)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from collections import Counter

import pytest

from fixture_support import ROOT

_spec = importlib.util.spec_from_file_location("fix_suites", ROOT / "bench" / "fix_suites.py")
suites = importlib.util.module_from_spec(_spec)
sys.modules["fix_suites"] = suites
_spec.loader.exec_module(suites)


@pytest.mark.parametrize(
    "output, expected",
    [
        ("....\n3 failed, 10 passed, 2 skipped in 2.10s\n", {"failed": 3, "passed": 10, "skipped": 2}),
        ("== 70 passed, 45 warnings, 33 errors in 4.20s ==", {"passed": 70, "error": 33}),
        ("1 passed, 1 error in 0.1s", {"passed": 1, "error": 1}),
        ("no tests ran in 0.01s", {}),
        ("Traceback (most recent call last):\nImportError: boto3", {"error": 1}),
        # a count in a test's output is not the summary: the last summary line is
        ("5 passed in 1s\nlater\n2 failed, 1 passed in 3.5s", {"failed": 2, "passed": 1}),
    ],
)
def test_pytest_summary(output, expected):
    assert suites.parse_pytest_summary(output) == expected


def test_located_findings_of_flake8_ruff_and_mypy():
    output = "\n".join(
        [
            "/t/tree/pkg/a.py:3:89: E501 line too long (93 > 88 characters)",
            "./pkg/b.py:1:1: I001 [*] Import block is un-sorted or un-formatted",
            "pkg/c.py:10: error: Incompatible types in assignment  [assignment]",
            "pkg/c.py:11: note: See https://mypy.rtfd.io",
            "pkg/c.py:12: error: Something without a code",
            "Found 2 errors in 1 file (checked 3 source files)",
            "Found 1 error.",
            "[*] 1 fixable with the `--fix` option.",
        ]
    )
    assert suites.parse_located(output, "/t/tree") == [
        ("pkg/a.py", "E501"),
        ("pkg/b.py", "I001"),
        ("pkg/c.py", "mypy:assignment"),
        ("pkg/c.py", "mypy:error"),
    ]


def test_black_would_reformat():
    output = "would reformat /t/tree/pkg/a.py\nOh no! 1 file would be reformatted, 2 files would be left unchanged."
    assert suites.parse_black(output, "/t/tree") == [("pkg/a.py", "black")]


def test_new_findings_ignore_lines_and_count_repeats():
    before = [("a.py", "E501"), ("a.py", "F401")]
    after = [("a.py", "E501"), ("a.py", "E501"), ("b.py", "I001")]
    assert suites.new_findings(before, after) == Counter({("a.py", "E501"): 1, ("b.py", "I001"): 1})
    assert suites.new_findings(after, before) == Counter({("a.py", "F401"): 1})


@pytest.mark.parametrize(
    "line, expected",
    [
        (
            "Fixed 2 files: 5 functions, 3 call sites; left 3 findings.",
            {"files": 2, "functions": 5, "call sites": 3, "left": 3},
        ),
        ("Would fix 1 file: 1 function, 0 call sites.", {"files": 1, "functions": 1, "call sites": 0, "left": 0}),
    ],
)
def test_fix_summary(line, expected):
    assert suites.parse_fix_summary("pkg/a.py:3: f() uses `session`\n" + line) == expected


def test_changed_files_and_digests(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "b.py").write_text("y = 1\n")
    before = suites.tree_digest(tmp_path)
    (tmp_path / "pkg" / "b.py").write_text("y = 2\n")
    (tmp_path / "pkg" / "c.py").write_text("")
    assert suites.changed_files(before, suites.tree_digest(tmp_path)) == ["pkg/b.py", "pkg/c.py"]
    assert suites.changed_files(before, before) == []


@pytest.mark.parametrize(
    "path, module", [("pkg/a.py", "pkg.a"), ("pkg/sub/__init__.py", "pkg.sub"), ("top.py", "top")]
)
def test_module_name(path, module):
    assert suites.module_name(path) == module


@pytest.mark.parametrize(
    "baseline, after, green",
    [
        ({"passed": 10}, {"passed": 10}, True),
        ({"passed": 10, "error": 3}, {"passed": 10, "error": 3}, True),
        ({"passed": 10}, {"passed": 9, "failed": 1}, False),
        ({"passed": 10}, {"error": 1}, False),  # a collection crash
        ({"passed": 10, "failed": 1}, {"passed": 10, "failed": 1, "error": 1}, False),
    ],
)
def test_suite_green(baseline, after, green):
    assert suites.suite_green(baseline, after) is green


def test_table_marks_red_suites_and_skips():
    ok = suites.ModeResult("default", tests={"passed": 5}, changed=["a.py"], fix={"functions": 2},
                           checkers={"flake8": {"before": 1, "after": 3, "new": 2}})
    red = suites.ModeResult("callers", tests={"passed": 4, "failed": 1}, second_run_changed=["a.py"],
                            import_broken=["pkg.a"])
    table = suites.render_table(
        [
            suites.SuiteResult("pkg", "1.0", baseline={"passed": 5}, modes=[ok, red]),
            suites.SuiteResult("gone", "2.0", skipped="sdist absent"),
        ]
    )
    lines = table.splitlines()
    assert all(line.count("|") == lines[0].count("|") for line in lines), table
    default, callers, skipped = lines[2:]
    assert "5/0 -> 5/0 |" in default and "| 2 (1->3) |" in default and "| n/a |" in default
    assert "**red**" in callers and callers.rstrip().endswith("| 1 |")
    assert "| 0 | 0 | 1 |" in callers  # no file changed, no function, one file the second run changes
    assert "skipped: sdist absent" in skipped


def test_skips_cleanly_without_sdists(tmp_path, capsys):
    assert suites.main(["--sdists", str(tmp_path), "--work", str(tmp_path / "work"), "--only", "luigi"]) == 0
    out = capsys.readouterr().out
    assert "skipped luigi" in out and "sdist absent" in out
    assert not (tmp_path / "work").exists()  # nothing unpacked, no venv made
    assert not (tmp_path / "results.json").exists()


def test_unknown_mode_is_an_error(tmp_path):
    with pytest.raises(SystemExit):
        suites.main(["--sdists", str(tmp_path), "--modes", "default,bogus"])


def test_unpack_checks_the_pinned_digest(tmp_path):
    sdist = tmp_path / "luigi-3.8.1.tar.gz"
    sdist.write_bytes(b"not the release")
    (suite,) = [suite for suite in suites.SUITES if suite.name == "luigi"]
    assert suites.find_sdist(suite, tmp_path) == sdist
    with pytest.raises(RuntimeError, match="sha256"):
        suites.unpack(sdist, suite, tmp_path)


def test_sdist_names_are_normalized():
    (suite,) = [suite for suite in suites.SUITES if suite.name == "dagster-aws"]
    assert suite.sdist_stem == "dagster_aws-0.29.27"


@pytest.mark.parametrize("code, failed", [(0, False), (1, False), (2, True), (123, True)])
def test_a_checker_that_did_not_run_is_not_a_clean_result(code, failed):
    assert suites.checker_failed("ruff", code) is failed


def test_table_says_when_a_checker_failed():
    mode = suites.ModeResult("default", tests={"passed": 1}, checkers={"ruff": {"error": 1}})
    table = suites.render_table([suites.SuiteResult("pkg", "1.0", baseline={"passed": 1}, modes=[mode])])
    assert "checker failed" in table.splitlines()[2]


def test_ty_findings_are_located_and_warnings_count():
    output = "\n".join(
        [
            "pkg/s3.py:2:10: error[invalid-assignment] Object of type `Literal[\"a\"]` is not assignable to `int`",
            "/t/tree/pkg/s3.py:6:12: warning[possibly-unresolved-reference] Name `x` may be undefined",
            "Found 2 diagnostics",
            "All checks passed!",
        ]
    )
    assert suites.parse_located(output, "/t/tree") == [
        ("pkg/s3.py", "ty:invalid-assignment"),
        ("pkg/s3.py", "ty:possibly-unresolved-reference"),
    ]


def test_ruff_format_would_reformat():
    output = "Would reformat: pkg/a.py\nWould reformat: /t/tree/pkg/b.py\n2 files would be reformatted\n"
    assert suites.parse_ruff_format(output, "/t/tree") == [("pkg/a.py", "ruff-format"), ("pkg/b.py", "ruff-format")]
    assert suites.parse_ruff_format("2 files already formatted\n") == []


def test_every_suite_is_pinned_once():
    for suite in suites.SUITES:
        if suite.from_git:
            assert re.fullmatch(r"[0-9a-f]{40}", suite.commit) and suite.repository.count("/") == 1, suite
            assert not suite.sha256, suite
        else:
            assert re.fullmatch(r"[0-9a-f]{64}", suite.sha256) and not suite.repository, suite


def test_a_git_tree_is_told_its_version():
    (git_suite,) = [suite for suite in suites.SUITES if suite.name == "smart_open"]
    assert suites.install_env(git_suite)["SETUPTOOLS_SCM_PRETEND_VERSION"] == "8.0.0"
    assert suites.install_env(suites.SUITES[0]) is None


def _git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def mirror(tmp_path):
    """A bare clone ``owner+proj/repo`` of a two-commit repository: (mirrors dir, first commit, second)."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    work = tmp_path / "src"
    (work / "pkg").mkdir(parents=True)
    (work / "pkg" / "a.py").write_text("x = 1\n")
    identity = ["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    _git("init", "-q", cwd=work)
    _git("add", ".", cwd=work)
    _git(*identity, "commit", "-q", "-m", "one", cwd=work)
    first = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, stdout=subprocess.PIPE, text=True).stdout.strip()
    (work / "pkg" / "a.py").write_text("x = 2\n")
    _git(*identity, "commit", "-q", "-am", "two", cwd=work)
    second = subprocess.run(["git", "rev-parse", "HEAD"], cwd=work, stdout=subprocess.PIPE, text=True).stdout.strip()
    mirrors = tmp_path / "mirrors"
    (mirrors / "owner+proj").mkdir(parents=True)
    _git("clone", "-q", "--bare", str(work), str(mirrors / "owner+proj" / "repo"), cwd=tmp_path)
    return mirrors, first, second


def test_a_mirror_is_found_by_its_pinned_commit_and_archived_at_it(mirror, tmp_path):
    mirrors, first, second = mirror
    suite = suites.Suite("proj", "1.0", "", "pkg", (), (), 88, (), repository="owner/proj", commit=first)
    found = suites.find_mirror(suite, mirrors)
    assert found == mirrors / "owner+proj" / "repo"
    tree = suites.unpack_git(found, suite, tmp_path / "work")
    assert (tree / "pkg" / "a.py").read_text() == "x = 1\n"  # the pinned commit, not the branch's head
    assert not list((tmp_path / "work").glob("*.tar"))  # the archive is not left behind
    unknown = suites.Suite("proj", "1.0", "", "pkg", (), (), 88, (), repository="owner/proj", commit="0" * 40)
    assert suites.find_mirror(unknown, mirrors) is None
    with pytest.raises(RuntimeError, match="no commit"):
        suites.unpack_git(found, unknown, tmp_path / "other")
    short = suites.Suite("proj", "1.0", "", "pkg", (), (), 88, (), repository="owner/proj", commit=second[:12])
    assert suites.find_mirror(short, mirrors) is None  # a pin is the full hash


def test_skips_a_git_suite_without_its_mirror(tmp_path, capsys):
    argv = ["--sdists", str(tmp_path), "--mirrors", str(tmp_path / "none"), "--work", str(tmp_path / "work"),
            "--only", "smart_open"]
    assert suites.main(argv) == 0
    out = capsys.readouterr().out
    assert "skipped smart_open" in out and "no mirror of piskvorky/smart_open with commit 43e961e92b3b" in out
    assert not (tmp_path / "work").exists()
