"""How a user steers botolint: noqa, excludes, discovery, configuration, the
cache key, pipes, fix's report and the pre-commit hooks (issue 12's bugs)."""

from __future__ import annotations


import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from botolint.cli import main

ROOT = Path(__file__).resolve().parent.parent
DIRTY = 'import boto3\n\n\ndef f():\n    return boto3.client("s3")\n'
SECRET = (
    'import boto3\n\n\ndef f():\n'
    '    return boto3.client("s3", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")  # noqa: AWS101\n'
)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


FINDING_LINE = re.compile(r"^\S+:\d+:\d+: (AWS\d{3})\b")


def codes(out: str):
    """The codes of the finding lines (not the summary after them)."""
    return [match.group(1) for match in map(FINDING_LINE.match, out.splitlines()) if match]


# 1. noqa ----------------------------------------------------------------------


def test_noqa_with_a_code_silences_only_that_code_in_check(project, capsys):
    (project / "app.py").write_text(SECRET)
    code, out, _ = run(capsys, "check", "--no-cache", "app.py")
    assert codes(out) == ["AWS403"] and code == 1


def test_noqa_for_another_code_does_not_block_the_fix(project, capsys):
    (project / "app.py").write_text(DIRTY.replace('("s3")', '("s3")  # noqa: AWS403'))
    run(capsys, "fix", "app.py")
    assert "session" in (project / "app.py").read_text()


@pytest.mark.parametrize(
    "comment, silenced",
    [("# noqa: E501,AWS101", True), ("# noqa: E501 AWS101", True), ("# noqa:AWS1", True), ("# NOQA: aws101", False),
     ("# noqa: AWS102", False), ("# noqa", True), ("#noqa", False)],
)
def test_noqa_comment_forms_match_flake8(project, capsys, comment, silenced):
    (project / "app.py").write_text(DIRTY.replace('("s3")', f'("s3")  {comment}'))
    _, out, _ = run(capsys, "check", "--no-cache", "app.py")
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "AWS", "app.py"],
        cwd=project, capture_output=True, text=True, check=False,
    )
    assert (codes(out) == []) is silenced
    assert ("AWS101" not in flake8.stdout) is silenced


@pytest.mark.parametrize("line", ["# flake8: noqa", "# botolint: noqa", "# BOTOLINT: NOQA"])
def test_file_level_noqa(project, capsys, line):
    (project / "app.py").write_text(f"{line}\n{DIRTY}")
    assert run(capsys, "check", "--no-cache", "-q", "app.py")[:2] == (0, "")
    run(capsys, "fix", "app.py")
    assert "session" not in (project / "app.py").read_text()


# 2. excludes through parents, --force-exclude, the hooks -------------------------


def test_exclude_applies_to_a_file_named_inside_an_excluded_directory(project, capsys):
    (project / "pyproject.toml").write_text('[tool.botolint]\nexclude = ["legacy"]\n')
    (project / "legacy").mkdir()
    (project / "legacy" / "old.py").write_text(DIRTY)
    assert run(capsys, "check", "--no-cache", ".")[0] == 0
    assert run(capsys, "check", "--no-cache", "--force-exclude", "legacy/old.py")[0] == 0
    run(capsys, "fix", "--force-exclude", "legacy/old.py")
    assert (project / "legacy" / "old.py").read_text() == DIRTY
    # Named without --force-exclude, a file is checked (ruff's behaviour).
    assert run(capsys, "check", "--no-cache", "legacy/old.py")[0] == 1


def test_hooks_force_excludes_and_fix_runs_in_one_process():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert "--force-exclude" in hooks["botolint"]["entry"].split()
    assert "--force-exclude" in hooks["botolint-fix"]["entry"].split()
    assert hooks["botolint-fix"]["require_serial"] is True


# 3. discovery -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["env", ".env", "build", "dist"])
def test_a_package_is_checked_whatever_its_name(project, capsys, name):
    (project / "pkg" / name).mkdir(parents=True)
    (project / "pkg" / name / "__init__.py").write_text("")
    (project / "pkg" / name / "mod.py").write_text(DIRTY)
    _, out, _ = run(capsys, "check", "--no-cache", ".")
    assert codes(out) == ["AWS101"]


def test_virtualenvs_and_default_excludes_skipped_unless_turned_off(project, capsys):
    (project / "anyname").mkdir()
    (project / "anyname" / "pyvenv.cfg").write_text("home = /usr\n")
    (project / "anyname" / "bad.py").write_text(DIRTY)
    (project / "node_modules").mkdir()
    (project / "node_modules" / "bad.py").write_text(DIRTY)
    assert run(capsys, "check", "--no-cache", ".")[0] == 0
    _, out, _ = run(capsys, "check", "--no-cache", "--no-default-excludes", ".")
    assert codes(out) == ["AWS101", "AWS101"]


def test_gitignore_is_honoured_unless_turned_off(project, capsys):
    (project / ".git").mkdir()
    (project / ".gitignore").write_text("generated/\n*_pb2.py\n")
    (project / "generated").mkdir()
    (project / "generated" / "a.py").write_text(DIRTY)
    (project / "x_pb2.py").write_text(DIRTY)
    assert run(capsys, "check", "--no-cache", ".")[0] == 0
    assert len(codes(run(capsys, "check", "--no-cache", "--no-respect-gitignore", ".")[1])) == 2
    (project / "pyproject.toml").write_text("[tool.botolint]\nrespect-gitignore = false\n")
    assert len(codes(run(capsys, "check", "--no-cache", ".")[1])) == 2


def test_a_directory_named_inside_an_ignored_tree_is_walked(project, capsys, monkeypatch):
    # A checkout kept in an ignored directory of the enclosing repository (a
    # vendored or benchmark copy): like ruff, naming it walks it, and patterns
    # that match its files themselves still apply.
    (project / ".git").mkdir()
    (project / ".gitignore").write_text("vendor/\n*_pb2.py\n")
    inner = project / "vendor" / "lib"
    inner.mkdir(parents=True)
    (inner / "a.py").write_text(DIRTY)
    (inner / "x_pb2.py").write_text(DIRTY)
    assert codes(run(capsys, "check", "--no-cache", "vendor/lib")[1]) == ["AWS101"]
    monkeypatch.chdir(inner)
    assert codes(run(capsys, "check", "--no-cache", ".")[1]) == ["AWS101"]


def test_an_ignored_tree_is_skipped_by_a_walk_from_above(project, capsys):
    # The twin: walking the repository does not enter the ignored directory.
    (project / ".git").mkdir()
    (project / ".gitignore").write_text("vendor/\n")
    (project / "vendor" / "lib").mkdir(parents=True)
    (project / "vendor" / "lib" / "a.py").write_text(DIRTY)
    (project / "b.py").write_text(DIRTY)
    _, out, _ = run(capsys, "check", "--no-cache", ".")
    assert codes(out) == ["AWS101"] and "b.py" in out


def test_a_path_given_twice_is_checked_once(project, capsys):
    (project / "a.py").write_text(DIRTY)
    _, out, _ = run(capsys, "check", "--no-cache", "a.py", "a.py", ".")
    assert codes(out) == ["AWS101"]


def test_an_explicit_non_python_file_is_skipped_with_a_warning(project, capsys):
    (project / "notes.txt").write_text("boto3.client('s3')\n")
    code, out, err = run(capsys, "check", "--no-cache", "notes.txt")
    assert code == 0 and out == ""
    assert "notes.txt: not a Python file, skipped" in err


def test_an_empty_run_says_so(project, capsys):
    (project / "empty").mkdir()
    for command in ("check", "fix"):
        code, _, err = run(capsys, command, "empty")
        assert code == 0 and "no Python files found" in err


# 4. configuration ------------------------------------------------------------------


def test_config_is_found_from_the_checked_path_not_the_cwd(project, capsys, monkeypatch):
    (project / "proj").mkdir()
    (project / "proj" / "pyproject.toml").write_text('[tool.botolint]\nignore = ["AWS101"]\n')
    (project / "proj" / "app.py").write_text(DIRTY)
    (project / "elsewhere").mkdir()
    monkeypatch.chdir(project / "elsewhere")
    assert run(capsys, "check", "--no-cache", str(project / "proj"))[0] == 0
    assert run(capsys, "check", "--no-cache", str(project / "proj" / "app.py"))[0] == 0


def test_a_pyproject_without_the_table_is_passed_over(project, capsys):
    (project / "pyproject.toml").write_text('[tool.botolint]\nignore = ["AWS101"]\n')
    (project / "sub").mkdir()
    (project / "sub" / "pyproject.toml").write_text('[project]\nname = "sub"\n')
    (project / "sub" / "app.py").write_text(DIRTY)
    assert run(capsys, "check", "--no-cache", "sub")[0] == 0


def test_config_flag_reads_any_file_and_a_missing_one_is_an_error(project, capsys):
    (project / "app.py").write_text(DIRTY)
    (project / "botolint.toml").write_text('[tool.botolint]\nignore = ["AWS1"]\n')
    assert run(capsys, "check", "--no-cache", "--config", "botolint.toml", ".")[0] == 0
    code, _, err = run(capsys, "check", "--no-cache", "--config", "missing.toml", ".")
    assert code == 2 and "missing.toml" in err


def test_unknown_key_names_the_closest_valid_one(project, capsys):
    (project / "app.py").write_text(DIRTY)
    (project / "pyproject.toml").write_text('[tool.botolint]\nselct = ["AWS"]\n')
    code, _, err = run(capsys, "check", "--no-cache", ".")
    assert code == 2 and "'selct'" in err and "did you mean 'select'" in err


def test_extend_select_extend_ignore_and_per_file_ignores(project, capsys):
    (project / "tests").mkdir()
    (project / "app.py").write_text(DIRTY)
    (project / "legacy.py").write_text(DIRTY)
    (project / "pyproject.toml").write_text(
        '[tool.botolint]\nselect = ["AWS2"]\nextend-select = ["AWS1"]\nextend-ignore = ["AWS104"]\n'
        '[tool.botolint.per-file-ignores]\n"legacy.py" = ["AWS101"]\n'
    )
    _, out, _ = run(capsys, "check", "--no-cache", ".")
    assert out.splitlines()[0].startswith("app.py:5:12: AWS101") and len(codes(out)) == 1
    assert run(capsys, "check", "--no-cache", "--per-file-ignores", "app.py:AWS1 legacy.py:AWS1", ".")[0] == 0
    assert run(capsys, "check", "--no-cache", "--extend-ignore", "AWS101", ".")[0] == 0
    run(capsys, "fix", ".")
    assert "session" in (project / "app.py").read_text() and (project / "legacy.py").read_text() == DIRTY


def test_selection_more_specific_wins_and_ignore_wins_a_tie():
    from botolint.settings import is_selected

    assert is_selected("AWS101", ["AWS1"], ["AWS"])
    assert not is_selected("AWS101", ["AWS"], ["AWS1"])
    assert not is_selected("AWS101", ["AWS1"], ["AWS1"])


WORKERS = """from concurrent.futures import ThreadPoolExecutor

import boto3


def head(key):
    return boto3.client("s3").head_object(Bucket="b", Key=key)


def head_all(keys):
    with ThreadPoolExecutor() as pool:
        return list(pool.map(head, keys))
"""


@pytest.mark.parametrize("select, expected", [("AWS", ["AWS203"]), ("AWS101", ["AWS101"])])
def test_which_rule_supersedes_which_is_the_same_in_check_and_flake8(project, capsys, select, expected):
    (project / "jobs.py").write_text(WORKERS)
    _, out, _ = run(capsys, "check", "--no-cache", "--select", select, "jobs.py")
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--botolint-no-cache", "--select", select, "jobs.py"],
        cwd=project, capture_output=True, text=True, check=False,
    )
    assert codes(out) == expected
    assert [line.split()[1] for line in flake8.stdout.splitlines()] == expected


def test_flake8_and_the_codemod_are_as_strict_as_check(project):
    (project / "app.py").write_text(DIRTY)
    (project / "pyproject.toml").write_text('[tool.botolint]\nselct = ["AWS"]\n')
    flake8 = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--botolint-no-cache", "app.py"],
        cwd=project, capture_output=True, text=True, check=False,
    )
    assert flake8.returncode != 0 and "did you mean 'select'" in flake8.stdout + flake8.stderr

    from libcst.codemod import CodemodContext, TransformFailure, transform_module

    from botolint.codemod import AddSessionParameterCommand
    from botolint.settings import forget

    forget()
    context = CodemodContext(filename=str(project / "app.py"))
    result = transform_module(AddSessionParameterCommand(context), DIRTY)
    assert isinstance(result, TransformFailure) and "did you mean 'select'" in str(result.error)


def test_codemod_analyses_the_tree_libcst_parsed(project, monkeypatch):
    import libcst

    from botolint import parsing
    from botolint.codemod import AddSessionParameterCommand
    from libcst.codemod import CodemodContext, TransformSuccess, transform_module

    tree = libcst.parse_module(DIRTY)
    calls = []
    real = parsing.parse
    monkeypatch.setattr("botolint.engine.parse", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = transform_module(AddSessionParameterCommand(CodemodContext()), DIRTY)
    assert isinstance(result, TransformSuccess) and "session" in result.code
    assert calls == [] and tree.code == DIRTY


# 5. the cache key ---------------------------------------------------------------------


def test_output_is_the_same_with_and_without_cache_across_a_boto3_upgrade(project, capsys, monkeypatch):
    from botolint import cache as cache_module

    (project / "app.py").write_text(DIRTY)
    cache_dir = str(project / "cache")
    cold = run(capsys, "check", "--cache-dir", cache_dir, ".")
    real = cache_module.installed_version
    monkeypatch.setattr(cache_module, "installed_version", lambda name: "999.0" if name == "botocore" else real(name))
    entries_before = set((project / "cache").rglob("*"))
    warm = run(capsys, "check", "--cache-dir", cache_dir, ".")
    uncached = run(capsys, "check", "--no-cache", ".")
    assert cold == warm == uncached
    # The upgrade made new entries: the old ones were not reused.
    assert set((project / "cache").rglob("*")) > entries_before


def test_fingerprint_changes_with_boto3_and_botocore_versions(monkeypatch):
    from botolint import cache as cache_module
    from botolint.config import Config

    first = cache_module.settings_fingerprint(Config(), ())
    for name in ("boto3", "botocore"):
        monkeypatch.setattr(cache_module, "installed_version", lambda dist, name=name: "0.0" if dist == name else "1.0")
        assert cache_module.settings_fingerprint(Config(), ()) != first


def test_versions_are_read_without_importing_boto3():
    script = "import sys; from botolint.cache import dependency_versions; v = dependency_versions(); " \
             "print(v['boto3'] is not None, 'boto3' in sys.modules, 'botocore' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False", "False"]


# 6. broken pipe, fix's counts ------------------------------------------------------------


@pytest.mark.parametrize("argv", [["rule", "AWS101"], ["rule", "--all"]])
def test_rule_ends_quietly_when_the_reader_goes_away(argv):
    read, write = os.pipe()
    os.close(read)  # like `| head -1` once it has its line
    try:
        result = subprocess.run([sys.executable, "-m", "botolint", *argv], stdout=write, stderr=subprocess.PIPE,
                                text=True, timeout=120, check=False)
    finally:
        os.close(write)
    assert result.returncode == 0 and result.stderr == ""


MIXED = '''import threading

import boto3


def f():
    return boto3.client("s3", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")


def g():
    return boto3.client("s3", regoin_name="x")


def h():
    s = boto3.Session()
    threading.Thread(target=work, args=(s,)).start()


def work(s):
    s.client("s3")
'''


def test_fix_left_counts_every_finding_it_did_not_fix_and_agrees_on_a_rerun(project, capsys):
    (project / "app.py").write_text(MIXED)
    _, first, _ = run(capsys, "fix", ".")
    _, second, _ = run(capsys, "fix", ".")
    _, remaining, _ = run(capsys, "check", "--no-cache", "-q", ".")
    count = len(remaining.splitlines())
    assert count == 3  # AWS403, AWS401, AWS201
    for out in (first, second):
        assert out.splitlines()[-1].endswith(f"left {count} findings.")


# 7. require_serial, with more files than one process gets --------------------------------


def test_fix_passes_sessions_across_more_files_than_pre_commit_gives_one_process(project, capsys):
    """pre-commit splits a file list over processes by length; serial, one run sees them all."""
    files = []
    for index in range(40):
        name = f"caller_{index:02d}.py"
        (project / name).write_text(
            "import boto3\n\nfrom helper import make\n\n\n"
            f"def use_{index}(session=None):\n    return make(), (session or boto3)\n"
        )
        files.append(name)
    (project / "helper.py").write_text(DIRTY.replace("def f()", "def make()"))
    from pre_commit.xargs import partition

    # Without require_serial, pre-commit would hand these to several processes
    # (one per core): helper.py's process would not see the callers.
    assert len(partition(("botolint", "fix"), ("helper.py", *files), 4)) > 1
    assert len(partition(("botolint", "fix"), ("helper.py", *files), 1)) == 1  # require_serial: one process
    code = main(["fix", "--force-exclude", "helper.py", *files])
    capsys.readouterr()
    assert code == 1
    assert all("make(session=session)" in (project / name).read_text() for name in files)
