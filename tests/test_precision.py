"""bench/precision.py and bench/corpus.py on a tiny synthetic checkout and label files: offline, and able to fail."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_support import ROOT


def _load(name: str):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "bench"))


precision = _load("precision")
corpus = _load("corpus")

APP = """\
import boto3


def f():
    return boto3.client("s3")


def g():
    return boto3.client("sqs")


def handler(event, context):
    return boto3.client("sns")
"""


def _checkout(tmp_path: Path, text: str = APP) -> Path:
    root = tmp_path / "demo"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "app.py").write_text(text)
    (root / "tests").mkdir()
    (root / "tests" / "test_app.py").write_text("import boto3\n\n\ndef test_x():\n    boto3.client('s3')\n")
    return root


def _label(path, line, code, snippet, verdict, **extra):
    entry = {"path": path, "line": line, "code": code, "snippet": snippet, "verdict": verdict}
    if verdict == "fp":
        entry.setdefault("reason", "not acted on")
    entry.update(extra)
    return entry


def _write_labels(path: Path, labels) -> Path:
    path.write_text(json.dumps({"repo": "x/demo", "commit": "", "labels": labels}))
    return path


def _finding(path, line, code):
    return precision.Finding(path, line, code)


def test_precision_recall_and_unlabelled(tmp_path):
    root = _checkout(tmp_path)
    _, labels = precision.load_labels(_write_labels(tmp_path / "demo.json", [
        _label("pkg/app.py", 5, "AWS101", 'boto3.client("s3")', "tp"),
        _label("pkg/app.py", 9, "AWS101", 'boto3.client("sqs")', "fp"),
        _label("pkg/app.py", 13, "AWS301", 'boto3.client("sns")', "missed", cross_module=True),
    ]))
    assert precision.resolve(labels, root) == []
    findings = [
        _finding("pkg/app.py", 5, "AWS101"),
        _finding("pkg/app.py", 9, "AWS101"),
        _finding("tests/test_app.py", 5, "AWS101"),  # no label
    ]
    result = precision.score(findings, labels)
    s = result.by_code["AWS101"]
    assert (s.findings, s.tp, s.fp, s.unlabelled, s.unlabelled_test) == (3, 1, 1, 1, 1)
    assert s.precision == 0.5 and s.recall == 1.0
    miss = result.by_code["AWS301"]
    assert (miss.expected, miss.found, miss.cross_expected, miss.cross_found) == (1, 0, 1, 0)
    assert miss.recall == 0.0 and miss.precision is None
    assert [label.code for label in result.misses] == ["AWS301"]
    total = result.total()
    assert (total.tp, total.fp, total.expected, total.found) == (1, 1, 2, 1)


def test_categories_count_false_positives_per_finding_and_misses_per_site(tmp_path):
    root = _checkout(tmp_path)
    _, labels = precision.load_labels(_write_labels(tmp_path / "demo.json", [
        _label("pkg/app.py", 5, "AWS101", 'boto3.client("s3")', "fp", category="dev-script"),
        _label("pkg/app.py", 9, "AWS101", 'boto3.client("sqs")', "fp", category="dev-script"),
        _label("pkg/app.py", 13, "AWS301", 'boto3.client("sns")', "missed", category="helper"),
        _label("pkg/app.py", 13, "AWS101", 'boto3.client("sns")', "fp", category="lambda"),
    ]))
    precision.resolve(labels, root)
    result = precision.score([_finding("pkg/app.py", 5, "AWS101"), _finding("pkg/app.py", 9, "AWS101")], labels)
    counts = precision.categories([result])
    assert counts["false positives"] == [(("AWS101", "dev-script"), 2)]  # the unreported fp is not counted
    assert counts["misses"] == [(("AWS301", "helper"), 1)]


def test_a_missed_label_found_later_counts_as_true_positive(tmp_path):
    root = _checkout(tmp_path)
    _, labels = precision.load_labels(_write_labels(tmp_path / "demo.json", [
        _label("pkg/app.py", 13, "AWS301", 'boto3.client("sns")', "missed", cross_module=True),
    ]))
    precision.resolve(labels, root)
    result = precision.score([_finding("pkg/app.py", 13, "AWS301")], labels)
    s = result.by_code["AWS301"]
    assert (s.tp, s.fp, s.found, s.cross_found) == (1, 0, 1, 1)


def test_the_code_must_match_as_well_as_the_line(tmp_path):
    root = _checkout(tmp_path)
    _, labels = precision.load_labels(_write_labels(tmp_path / "demo.json", [
        _label("pkg/app.py", 5, "AWS101", 'boto3.client("s3")', "tp"),
    ]))
    precision.resolve(labels, root)
    result = precision.score([_finding("pkg/app.py", 5, "AWS203")], labels)
    assert result.by_code["AWS203"].unlabelled == 1
    assert result.by_code["AWS101"].found == 0


def test_labels_follow_their_snippet_when_lines_move(tmp_path):
    root = _checkout(tmp_path, "# a new first line\n# and another\n" + APP)
    _, labels = precision.load_labels(_write_labels(tmp_path / "demo.json", [
        _label("pkg/app.py", 5, "AWS101", 'boto3.client("s3")', "tp"),
        _label("pkg/app.py", 9, "AWS101", 'boto3.client( "sqs" )', "fp"),  # whitespace is ignored
    ]))
    assert precision.resolve(labels, root) == []
    assert [label.resolved for label in labels] == [7, 11]
    result = precision.score([_finding("pkg/app.py", 7, "AWS101"), _finding("pkg/app.py", 5, "AWS101")], labels)
    s = result.by_code["AWS101"]
    assert (s.tp, s.fp, s.unlabelled) == (1, 0, 1)


def test_a_label_whose_snippet_is_gone_is_stale(tmp_path):
    root = _checkout(tmp_path, APP.replace('"s3"', '"dynamodb"'))
    _, labels = precision.load_labels(_write_labels(tmp_path / "demo.json", [
        _label("pkg/app.py", 5, "AWS101", 'boto3.client("s3")', "tp"),
        _label("pkg/missing.py", 1, "AWS101", "boto3", "tp"),
    ]))
    stale = precision.resolve(labels, root)
    assert [label.path for label in stale] == ["pkg/app.py", "pkg/missing.py"]
    result = precision.score([_finding("pkg/app.py", 5, "AWS101")], labels)
    # a stale label is neither expected nor matched
    assert result.by_code["AWS101"].expected == 0 and result.by_code["AWS101"].unlabelled == 1


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"path": "a.py", "line": 1, "code": "AWS101", "snippet": "x", "verdict": "maybe"}, "verdict"),
        ({"path": "a.py", "line": 1, "code": "AWS101", "snippet": "x", "verdict": "fp"}, "reason"),
        ({"path": "a.py", "line": 1, "code": "AWS101", "verdict": "tp"}, "snippet"),
        ({"path": "a.py", "line": 1, "code": "AWS101", "snippet": "  ", "verdict": "tp"}, "empty"),
    ],
)
def test_malformed_labels_are_refused(tmp_path, entry, message):
    with pytest.raises(precision.LabelError, match=message):
        precision.load_labels(_write_labels(tmp_path / "demo.json", [entry]))


def test_a_site_labelled_twice_is_refused(tmp_path):
    entry = _label("a.py", 1, "AWS101", "x", "tp")
    with pytest.raises(precision.LabelError, match="twice"):
        precision.load_labels(_write_labels(tmp_path / "demo.json", [entry, dict(entry)]))


def test_parse_findings_normalises_paths():
    text = json.dumps([{"path": "./pkg/app.py", "line": 5, "column": 12, "code": "AWS101", "message": "m"}])
    assert precision.parse_findings(text) == [precision.Finding("pkg/app.py", 5, "AWS101", "m")]
    assert precision.parse_findings("") == []
    absolute = json.dumps([{"path": "/checkouts/demo/pkg/app.py", "line": 5, "code": "AWS101"}])
    assert precision.parse_findings(absolute, Path("/checkouts/demo"))[0].path == "pkg/app.py"


@pytest.mark.parametrize(
    "path, expected",
    [
        ("tests/test_app.py", True),
        ("src/pkg/tests/util.py", True),
        ("pkg/app_test.py", True),
        ("conftest.py", True),
        ("pkg/latest_release.py", False),
        ("pkg/contest.py", False),
        ("pkg/app.py", False),
    ],
)
def test_test_paths(path, expected):
    assert precision.is_test_path(path) is expected


def _git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def test_extract_and_score_end_to_end(tmp_path, monkeypatch):
    """corpus.extract from a real (local) git directory, then main() over saved findings, with --strict."""
    source = _checkout(tmp_path / "src")
    (source / "README.md").write_text("not copied\n")
    _git("init", "-q", cwd=source)
    _git("add", "-A", cwd=source)
    _git("-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "x", cwd=source)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, check=True, capture_output=True,
                            text=True).stdout.strip()
    repo = corpus.Repo("demo", "x/demo", commit, "synthetic")
    monkeypatch.setattr(corpus, "REPOS", (repo,))
    monkeypatch.setattr(corpus, "BY_NAME", {"demo": repo})
    monkeypatch.setattr(precision, "corpus_module", corpus)

    into = tmp_path / "corpus"
    assert corpus.checkout(into, repo) is None
    written = corpus.extract(source / ".git", repo, into)
    assert written == 2  # the two .py files; README.md is left out
    assert not (into / "demo" / "README.md").exists()
    assert corpus.checkout(into, repo) == into / "demo"
    assert dict(corpus.status(into))[repo] == "ok"

    labels_dir = tmp_path / "labels"
    labels_dir.mkdir()
    _write_labels(labels_dir / "demo.json", [
        _label("pkg/app.py", 5, "AWS101", 'boto3.client("s3")', "tp"),
        _label("pkg/app.py", 9, "AWS101", 'boto3.client("sqs")', "fp"),
    ])
    saved = tmp_path / "findings"
    saved.mkdir()
    (saved / "demo.json").write_text(json.dumps([
        {"path": "pkg/app.py", "line": 5, "column": 12, "code": "AWS101", "message": ""},
        {"path": "pkg/app.py", "line": 9, "column": 12, "code": "AWS101", "message": ""},
    ]))
    args = ["--corpus", str(into), "--labels", str(labels_dir), "--findings-dir", str(saved), "--json", "--strict"]
    assert precision.main(args) == 0

    # a stale label makes --strict fail
    _write_labels(labels_dir / "demo.json", [_label("pkg/app.py", 5, "AWS101", "no such text", "tp")])
    assert precision.main(args) == 1
    # and so does a checkout at another commit (skipped)
    (into / "demo" / corpus.COMMIT_FILE).write_text("0" * 40 + "\n")
    assert corpus.checkout(into, repo) is None
    assert precision.main(args) == 1


def test_json_figures(tmp_path, monkeypatch, capsys):
    root = _checkout(tmp_path / "c")
    repo = corpus.Repo("demo", "x/demo", "a" * 40, "synthetic")
    (root / corpus.COMMIT_FILE).write_text(repo.commit + "\n")
    monkeypatch.setattr(corpus, "REPOS", (repo,))
    monkeypatch.setattr(corpus, "BY_NAME", {"demo": repo})
    monkeypatch.setattr(precision, "corpus_module", corpus)
    labels_dir = tmp_path / "labels"
    labels_dir.mkdir()
    _write_labels(labels_dir / "demo.json", [
        _label("pkg/app.py", 5, "AWS101", 'boto3.client("s3")', "tp"),
        _label("pkg/app.py", 9, "AWS101", 'boto3.client("sqs")', "fp"),
        _label("pkg/app.py", 13, "AWS301", 'boto3.client("sns")', "missed"),
    ])
    saved = tmp_path / "findings"
    saved.mkdir()
    (saved / "demo.json").write_text(json.dumps([
        {"path": "pkg/app.py", "line": 5, "code": "AWS101"},
        {"path": "pkg/app.py", "line": 9, "code": "AWS101"},
        {"path": "pkg/app.py", "line": 13, "code": "AWS301"},
    ]))
    assert precision.main(["--corpus", str(tmp_path / "c"), "--labels", str(labels_dir),
                           "--findings-dir", str(saved), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["overall"]["tp"] == 2 and figures["overall"]["fp"] == 1
    assert figures["overall"]["precision"] == pytest.approx(2 / 3)
    assert figures["by_code"]["AWS301"]["recall"] == 1.0
    assert figures["by_code"]["AWS101"]["recall"] == 1.0


def test_the_shipped_label_files_are_well_formed():
    for path in sorted((ROOT / "bench" / "labels").glob("*.json")):
        commit, labels = precision.load_labels(path)
        assert path.stem in corpus.BY_NAME, path
        assert commit == corpus.BY_NAME[path.stem].commit, path
        assert labels, path


repros = _load("corpus_repros")

DOC = '''\
# The list

### 1. a false positive

```python
# pkg/app.py
import boto3


def f():
    return boto3.client("s3")   # AWS101 (fp), AWS203 expected
```

- an item with an indented block:

  ```python
  import boto3

  CLIENT = boto3.client("s3")   # AWS103 (tp)
  ```

```python
print("no annotation: not a case")
```
'''


def test_repro_blocks_are_parsed_into_files_and_expectations():
    cases = repros.parse(DOC)
    assert [case.heading for case in cases] == ["1. a false positive", "1. a false positive"]
    first, second = cases
    assert list(first.files) == ["pkg/app.py"]
    assert first.files["pkg/app.py"].startswith("import boto3\n")
    assert [(e.path, e.line, e.code, e.kind) for e in first.expectations] == [
        ("pkg/app.py", 5, "AWS101", "fp"), ("pkg/app.py", 5, "AWS203", "expected")]
    assert [(e.path, e.line, e.code, e.kind) for e in second.expectations] == [("snippet.py", 3, "AWS103", "tp")]


def test_repro_cases_run_through_botolint(tmp_path):
    first, second = repros.parse(DOC)
    root = tmp_path / "case"
    root.mkdir()
    repros.write(first, root)
    assert (root / "pkg" / "__init__.py").read_text() == ""
    assert (root / "pyproject.toml").exists()
    botolint = str(Path(sys.executable).with_name("botolint"))
    found = set(repros.check(botolint, root))
    assert ("pkg/app.py", 5, "AWS101") in found
    assert repros.outcome("fp", True) == "still" and repros.outcome("expected", False) == "missed"
    assert repros.outcome("tp", False) == "LOST" and repros.outcome("fp", False) == "fixed"


def test_the_shipped_repro_list_parses():
    cases = repros.parse((ROOT / "docs" / "corpus.md").read_text())
    kinds = {e.kind for case in cases for e in case.expectations}
    assert kinds == {"fp", "tp", "expected"}
    for case in cases:
        for e in case.expectations:
            assert e.path in case.files, (case.heading, e)
