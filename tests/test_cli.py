"""`botolint check` and `botolint rule` as a user runs them."""

from __future__ import annotations

import json

import pytest

from botolint.cli import main

DIRTY = 'import boto3\n\n\ndef f():\n    return boto3.client("s3")\n'
CLEAN = 'import boto3\n\n\ndef f(session):\n    return session.client("s3")\n'


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text(DIRTY)
    (tmp_path / "clean.py").write_text(CLEAN)
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_output_and_exit_code(project, capsys):
    code, out, err = run(capsys, "check", ".")
    assert code == 1
    assert out.splitlines() == [
        f"app.py:5:12: AWS101 [*] {_message('AWS101')}",
        "Found 1 finding in 1 file; 1 fixable with botolint fix.",
    ]
    assert err == ""


def test_clean_exit_zero(project, capsys):
    code, out, _ = run(capsys, "check", "clean.py")
    assert (code, out) == (0, "All checks passed: 1 file, no findings.\n")


def test_default_path_is_cwd(project, capsys):
    code, out, _ = run(capsys, "check")
    assert code == 1 and out.startswith("app.py:5:12: AWS101")


def test_json_format(project, capsys):
    code, out, _ = run(capsys, "check", "--format", "json", ".")
    assert code == 1
    assert json.loads(out) == [
        {
            "path": "app.py", "line": 5, "column": 12, "code": "AWS101", "message": _message("AWS101"),
            "fix": {"applicability": "safe"},
        }
    ]


def test_sarif_format_has_rule_and_region(project, capsys):
    _, out, _ = run(capsys, "check", "--format", "sarif", ".")
    document = json.loads(out)
    assert document["version"] == "2.1.0"
    run_ = document["runs"][0]
    assert [rule["id"] for rule in run_["tool"]["driver"]["rules"]] == ["AWS101"]
    result = run_["results"][0]
    assert result["ruleId"] == "AWS101" and result["ruleIndex"] == 0
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "app.py"
    assert location["region"] == {"startLine": 5, "startColumn": 12, "endLine": 5, "endColumn": 30}


def test_github_format(project, capsys):
    _, out, _ = run(capsys, "check", "--format", "github", ".")
    assert out.startswith("::warning file=app.py,line=5,col=12,title=AWS101::AWS101 ")


def test_select_and_ignore_by_prefix(project, capsys):
    assert run(capsys, "check", "--ignore", "AWS1", ".")[0] == 0
    assert run(capsys, "check", "--select", "AWS102", ".")[0] == 0
    assert run(capsys, "check", "--select", "AWS1", "--ignore", "AWS10", ".")[0] == 0
    # The longer prefix wins, as in flake8.
    assert run(capsys, "check", "--select", "AWS101", "--ignore", "AWS1", ".")[0] == 1


def test_unknown_selector_is_a_usage_error(project, capsys):
    code, _, err = run(capsys, "check", "--select", "XYZ", ".")
    assert code == 2 and "unknown rule selector" in err


def test_statistics(project, capsys):
    (project / "more.py").write_text(DIRTY + 'r = boto3.resource("s3")\n')
    _, out, _ = run(capsys, "check", "--statistics", ".")
    assert out.splitlines()[-3:-1] == ["2  AWS101  default-session-client", "1  AWS103  import-time-default-session"]


def test_noqa(project, capsys):
    (project / "app.py").write_text(DIRTY.replace('("s3")', '("s3")  # noqa: AWS101'))
    assert run(capsys, "check", ".")[0] == 0


def test_config_from_pyproject_and_flags_win(project, capsys):
    (project / "pyproject.toml").write_text('[tool.botolint]\nignore = ["AWS101"]\n')
    assert run(capsys, "check", ".")[0] == 0
    assert run(capsys, "check", "--ignore", "AWS104", ".")[0] == 1


def test_config_exclude_and_flag_exclude(project, capsys):
    (project / "pyproject.toml").write_text('[tool.botolint]\nexclude = ["app.py"]\n')
    assert run(capsys, "check", ".")[0] == 0
    assert run(capsys, "check", "--exclude", "nothing", ".")[0] == 1


def test_bad_config_is_a_usage_error(project, capsys):
    (project / "pyproject.toml").write_text('[tool.botolint]\nselect = "AWS"\n')
    code, _, err = run(capsys, "check", ".")
    assert code == 2 and "must be a list of strings" in err


def test_skips_virtualenvs_and_vcs_dirs(project, capsys):
    for directory in (".git", "node_modules", "build", "somevenv"):
        (project / directory).mkdir()
        (project / directory / "bad.py").write_text(DIRTY)
    (project / "somevenv" / "pyvenv.cfg").write_text("home = /usr\n")
    (project / "app.py").write_text(CLEAN)
    assert run(capsys, "check", ".")[0] == 0


def test_unparsable_file_reported_and_run_continues(project, capsys):
    (project / "broken.py").write_text("import boto3\ndef f(:\n")
    code, out, err = run(capsys, "check", ".")
    assert code == 1
    assert "app.py:5:12: AWS101" in out
    assert err.startswith("broken.py: error: syntax error at 2:")
    assert len(err.splitlines()) == 1


def test_rule_list_and_unknown_rule(capsys):
    code, out, _ = run(capsys, "rule", "--all")
    assert code == 0 and out.splitlines()[0].startswith("AWS101  default-session-client")
    assert run(capsys, "rule", "AWS999")[0] == 2


def _message(code: str) -> str:
    from botolint.rule import rules_by_code

    return rules_by_code()[code].message


def test_a_rule_that_crashes_is_an_internal_error_but_the_run_goes_on(project, capsys, monkeypatch):
    from botolint.rules.default_session import DefaultSessionMutation

    def explode(self, node, ctx):
        raise KeyError("boom")

    monkeypatch.setattr(DefaultSessionMutation, "visit_Assign", explode)
    (project / "assigns.py").write_text("import boto3\nx = 1\n")
    code, out, err = run(capsys, "check", "--no-cache", ".")
    assert code == 2
    assert "app.py:5:12: AWS101" in out
    assert "assigns.py: error: internal error in AWS104: KeyError: 'boom'" in err


def test_a_rule_page_says_whether_it_runs_in_test_code(capsys):
    assert main(["rule", "AWS101"]) == 0
    assert 'Reported in test code: no (test-code = "report" turns it on)' in capsys.readouterr().out
    assert main(["rule", "AWS203"]) == 0
    page = capsys.readouterr().out
    assert "Reported in test code: yes" in page and "Fix: unsafe" in page
    assert "Reported in scripts: yes" in page


def test_a_rule_page_says_whether_it_runs_in_scripts(capsys):
    assert main(["rule", "AWS105"]) == 0
    page = capsys.readouterr().out
    assert "Reported in scripts: no (script-paths says which files are scripts)" in page
    assert 'Reported in test code: no (test-code = "report" turns it on)' in page


SCRIPT = "import boto3\n\n\ndef main():\n    boto3.client('s3').list_buckets()\n"


def test_script_paths_match_from_the_project_root(tmp_path, capsys, monkeypatch):
    """A one-off script under the project's scripts/ is quiet; a project that
    itself lives under a directory named scripts is not all scripts."""
    project = tmp_path / "scripts" / "proj"
    (project / "scripts").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    (project / "scripts" / "refresh.py").write_text(SCRIPT)
    (project / "lib.py").write_text(SCRIPT)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", str(project.resolve())]) == 1
    out = capsys.readouterr().out
    assert "lib.py:5:5: AWS101" in out
    assert "refresh.py" not in out
