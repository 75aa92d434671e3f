"""`botolint fix` as a user runs it: exit codes, output, --diff, safety."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

import pytest

from botolint.cli import main
from botolint.writer import write_atomic
from fixture_support import ROOT

DIRTY = 'import boto3\n\n\ndef f():\n    return boto3.client("s3")\n'
FIXED = 'import boto3\n\n\ndef f(*, session=None):\n    return (session or boto3).client("s3")\n'
CALLER = 'from app import f\n\nimport boto3\n\n\ndef g(session=None):\n    return f(), (session or boto3)\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(DIRTY)
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fix_rewrites_reports_and_exits_1(project, capsys):
    code, out, err = run(capsys, "fix", ".")
    assert code == 1
    assert (project / "app.py").read_text() == FIXED
    assert "app.py:4: f() uses `session` (new keyword-only parameter) in 1 call" in out
    assert out.splitlines()[-1] == "Fixed 1 file: 1 function, 0 call sites."
    assert err == ""


def test_second_run_has_nothing_to_do(project, capsys):
    run(capsys, "fix", ".")
    code, out, _ = run(capsys, "fix", ".")
    assert code == 0
    assert out == "Fixed 0 files: 0 functions, 0 call sites.\n"


def test_diff_prints_a_patch_and_writes_nothing(project, capsys):
    code, out, err = run(capsys, "fix", "--diff", "app.py")
    assert code == 1
    assert (project / "app.py").read_text() == DIRTY
    assert out.startswith("--- a/app.py\n+++ b/app.py\n")
    assert "-def f():\n" in out and "+def f(*, session=None):\n" in out
    assert "Would fix 1 file" in err


def test_diff_on_clean_code_exits_0(project, capsys):
    (project / "app.py").write_text(FIXED)
    code, out, _ = run(capsys, "fix", "--diff", ".")
    assert (code, out) == (0, "")


def test_call_sites_are_reported(project, capsys):
    (project / "caller.py").write_text(CALLER)
    code, out, _ = run(capsys, "fix", ".")
    assert code == 1
    assert "caller.py:7: f() is passed `session=session`" in out
    assert "return f(session=session), (session or boto3)" in (project / "caller.py").read_text()


def test_noqa_silenced_findings_are_not_fixed(project, capsys):
    source = DIRTY.replace('client("s3")', 'client("s3")  # noqa: AWS101')
    (project / "app.py").write_text(source)
    code, _, _ = run(capsys, "fix", ".")
    assert code == 0
    assert (project / "app.py").read_text() == source


def test_what_is_left_is_reported_with_the_reason(project, capsys):
    (project / "app.py").write_text('import boto3\n\ns3 = boto3.client("s3")\nf = lambda: boto3.client("sts")\n')
    code, out, _ = run(capsys, "fix", ".")
    assert code == 0
    assert "app.py:3:6: AWS103 left: not fixable: runs at import time" in out
    assert "app.py:4:13: AWS101 left: not fixable: lambda outside any function" in out
    assert out.splitlines()[-1] == "Fixed 0 files: 0 functions, 0 call sites; left 2 findings."


def test_param_name_flag_and_config(project, capsys):
    code, _, _ = run(capsys, "fix", "--param-name", "aws_session", "--diff", ".")
    assert code == 1
    (project / "pyproject.toml").write_text('[tool.botolint]\nparam-name = "boto_session"\n')
    run(capsys, "fix", ".")
    assert "def f(*, boto_session=None):" in (project / "app.py").read_text()


@pytest.mark.parametrize("name", ["not-a-name", "class", ""])
def test_bad_param_name_is_a_usage_error(project, capsys, name):
    code, _, err = run(capsys, "fix", "--param-name", name, ".")
    assert code == 2
    assert "param-name must be a Python identifier" in err
    assert (project / "app.py").read_text() == DIRTY


CHAIN = DIRTY + '\n\ndef main():\n    return f()\n'


def test_add_to_callers_flag_and_config(project, capsys):
    (project / "app.py").write_text(CHAIN)
    code, out, _ = run(capsys, "fix", ".")
    assert "def main():\n    return f()\n" in (project / "app.py").read_text()
    (project / "app.py").write_text(CHAIN)
    code, out, _ = run(capsys, "fix", "--add-to-callers", ".")
    assert code == 1
    assert "app.py:8: main() gets `session` (new keyword-only parameter) to pass on" in out
    assert "def main(*, session=None):\n    return f(session=session)\n" in (project / "app.py").read_text()
    (project / "app.py").write_text(CHAIN)
    (project / "pyproject.toml").write_text("[tool.botolint]\nadd-to-callers = true\n")
    run(capsys, "fix", ".")
    assert "return f(session=session)" in (project / "app.py").read_text()
    (project / "pyproject.toml").write_text('[tool.botolint]\nadd-to-callers = "yes"\n')
    code, _, err = run(capsys, "fix", ".")
    assert code == 2 and "add-to-callers must be true or false" in err


def test_unsafe_fixes_make_import_time_clients_from_a_module_session(project, capsys):
    (project / "app.py").write_text('import boto3\n\ns3 = boto3.client("s3")\n')
    code, out, _ = run(capsys, "fix", ".")
    assert code == 0
    assert "AWS103 left: not fixable: runs at import time" in out and "see --unsafe-fixes" in out
    code, out, _ = run(capsys, "fix", "--unsafe-fixes", ".")
    assert code == 1
    assert "app.py:3: module-level `boto3_session = boto3.Session()` added for 1 import-time call (unsafe fix)" in out
    assert (
        project / "app.py"
    ).read_text() == 'import boto3\n\nboto3_session = boto3.Session()\ns3 = boto3_session.client("s3")\n'


def test_fallback_new_session(project, capsys):
    run(capsys, "fix", "--fallback", "new-session", ".")
    assert "(session or boto3.Session()).client" in (project / "app.py").read_text()


def test_unparsable_file_is_reported_and_the_rest_fixed(project, capsys):
    (project / "broken.py").write_text("import boto3\ndef (:\n")
    code, out, err = run(capsys, "fix", ".")
    assert code == 1
    assert "broken.py: error: syntax error" in err
    assert (project / "app.py").read_text() == FIXED


def test_a_failed_rewrite_leaves_the_file_untouched(project, capsys, monkeypatch):
    from botolint.fix import run as fix_run
    from botolint.fix.rewrite import RewriteError

    def fail(plan):
        raise RewriteError("the rewritten file does not parse: simulated")

    monkeypatch.setattr(fix_run, "rewritten_source", fail)
    code, _, err = run(capsys, "fix", ".")
    assert code == 1
    assert "app.py: error: the rewritten file does not parse: simulated (file left unchanged)" in err
    assert (project / "app.py").read_text() == DIRTY


def test_mode_crlf_and_encoding_are_kept(project, capsys):
    source = (
        '# -*- coding: latin-1 -*-\r\nimport boto3\r\n\r\n\r\ndef f():\r\n    return boto3.client("s3")  # caf\xe9\r\n'
    )
    (project / "app.py").write_bytes(source.encode("latin-1"))
    os.chmod(project / "app.py", 0o754)
    run(capsys, "fix", "app.py")
    data = (project / "app.py").read_bytes()
    assert data == source.replace("def f():", "def f(*, session=None):").replace(
        "boto3.client", "(session or boto3).client"
    ).encode("latin-1")
    assert stat.S_IMODE((project / "app.py").stat().st_mode) == 0o754


def test_write_atomic_keeps_the_original_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "app.py"
    target.write_bytes(b"original\n")

    def broken_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(target, b"new\n")
    assert target.read_bytes() == b"original\n"
    assert [path.name for path in tmp_path.iterdir()] == ["app.py"]


def test_write_atomic_follows_symlinks(tmp_path):
    real = tmp_path / "real.py"
    real.write_bytes(b"old\n")
    link = tmp_path / "link.py"
    link.symlink_to(real)
    write_atomic(link, b"new\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"new\n"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_pre_commit_fix_hook_modifies_and_fails(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "home"), GIT_AUTHOR_NAME="t", GIT_COMMITTER_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_EMAIL="t@example.com")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    (repo / "app.py").write_text(DIRTY)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    command = [
        sys.executable,
        "-m",
        "pre_commit",
        "try-repo",
        str(ROOT),
        "botolint-fix",
        "--all-files",
        "--color",
        "never",
    ]
    first = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert first.returncode == 1, first.stdout + first.stderr
    assert (repo / "app.py").read_text() == FIXED
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    second = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert second.returncode == 0, second.stdout + second.stderr


def test_runs_as_a_libcst_codemod_command(tmp_path):
    (tmp_path / "app.py").write_text(DIRTY)
    command = [sys.executable, "-m", "libcst.tool", "codemod", "-x", "--no-format",
               "botolint.codemod.AddSessionParameterCommand", str(tmp_path / "app.py")]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "app.py").read_text() == FIXED


WORKER = '''import boto3
from concurrent.futures import ThreadPoolExecutor


def size(key):
    return boto3.client("s3").head_object(Bucket="b", Key=key)["ContentLength"]


def total(keys):
    with ThreadPoolExecutor() as pool:
        return sum(pool.map(size, keys))
'''


def test_worker_thread_calls_need_unsafe_fixes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "work.py").write_text(WORKER)
    code, out, _ = run(capsys, "fix", "work.py")
    assert code == 0
    assert (tmp_path / "work.py").read_text() == WORKER
    assert "work.py:6:12: AWS203 left: needs --unsafe-fixes (or --fallback new-session)" in out

    code, out, _ = run(capsys, "fix", "--unsafe-fixes", "work.py")
    assert code == 1
    # size is handed to a pool, which decides its arguments: a Session of its own, no parameter.
    assert 'boto3.Session().client("s3")' in (tmp_path / "work.py").read_text()
    assert "def size(key):" in (tmp_path / "work.py").read_text()
    code, out, _ = run(capsys, "check", "work.py")
    assert code == 0, out


def test_worker_thread_calls_are_fixed_with_fallback_new_session(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "work.py").write_text(WORKER)
    code, out, _ = run(capsys, "fix", "--fallback", "new-session", "work.py")
    assert code == 1
    assert 'boto3.Session().client("s3")' in (tmp_path / "work.py").read_text()
    assert "left" not in out


SCRIPT = '''import argparse

import boto3


def main():
    parser = argparse.ArgumentParser()
    args = parser.parse_args()
    print(boto3.client("s3").list_buckets())
'''

CLICK_SCRIPT = '''import boto3
import click


@click.command()
def main():
    print(boto3.client("s3").list_buckets())
'''


def test_profile_option_needs_unsafe_fixes(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "script.py").write_text(SCRIPT)
    code, out, _ = run(capsys, "fix", "script.py")
    assert code == 1  # the AWS101 call is fixed
    assert "--profile" not in (tmp_path / "script.py").read_text()
    assert "script.py:7:14: AWS105 left: needs --unsafe-fixes" in out

    code, out, _ = run(capsys, "fix", "--unsafe-fixes", "script.py")
    assert code == 1
    fixed = (tmp_path / "script.py").read_text()
    assert '    parser.add_argument("--profile", help="AWS named profile to use")\n' in fixed
    # main() got a session parameter from the first run: a caller's session wins.
    assert "    session = session or boto3.Session(profile_name=args.profile)\n" in fixed
    assert "script.py:7: `--profile` option added to `parser`" in out
    code, out, _ = run(capsys, "check", "script.py")
    assert "AWS105" not in out


def test_click_commands_get_the_option(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cli.py").write_text(CLICK_SCRIPT)
    code, out, _ = run(capsys, "fix", "--unsafe-fixes", "cli.py")
    assert code == 1
    assert "cli.py:5: `--profile` option added to main()" in out
    # A command gets no session parameter (nobody could pass one): its clients use the profile's session.
    assert (tmp_path / "cli.py").read_text() == CLICK_SCRIPT.replace(
        "def main():\n",
        '@click.option("--profile", default=None, help="AWS named profile to use")\n'
        "def main(*, profile=None):\n"
        "    session = boto3.Session(profile_name=profile)\n",
    ).replace('boto3.client("s3")', 'session.client("s3")')
    code, out, _ = run(capsys, "fix", "--unsafe-fixes", "cli.py")
    assert code == 0 and "left" not in out


TYPER_SCRIPT = '''import boto3
import typer

app = typer.Typer()


@app.command()
def main(bucket: str):
    print(boto3.client("s3").list_objects_v2(Bucket=bucket))
'''


def test_typer_commands_are_left_with_a_reason(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cli.py").write_text(TYPER_SCRIPT)
    code, out, _ = run(capsys, "fix", "--unsafe-fixes", "cli.py")
    assert (
        "cli.py:7:2: AWS105 left: not fixable: typer commands are not rewritten; add a --profile option by hand" in out
    )
    assert "--profile" not in (tmp_path / "cli.py").read_text()


def test_an_import_time_client_after_a_guarded_import_says_why_it_is_left(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mod.py").write_text(
        'try:\n    import boto3\nexcept ImportError:\n    boto3 = None\n\nS3 = boto3.client("s3")\n'
    )
    code, out, _ = run(capsys, "fix", "--unsafe-fixes", "mod.py")
    assert code == 0
    assert "mod.py:6:6: AWS103 left: not fixable with --unsafe-fixes: `boto3` is also bound to something else" in out
