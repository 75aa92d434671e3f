"""The result cache of ``botolint check``: hits, misses, damage, and identical output."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import List

import pytest

from botolint.cache import Cache, CachedResult, default_cache_directory, seal, settings_fingerprint, unseal
from botolint.cli import main
from botolint.config import Config
from botolint.project.summary import FORMAT
from botolint.rule import Finding, all_rules
from fixture_support import RULE_FIXTURES

DIRTY = 'import boto3\n\n\ndef get_bucket(name):\n    return boto3.client("s3")\n'
SUPPRESSED = 'import boto3\n\n\ndef f():\n    return boto3.client("s3")  # noqa: AWS101\n'


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A project with a pyproject.toml, checked from its root."""
    (tmp_path / "pyproject.toml").write_text("[tool.botolint]\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(DIRTY)
    (tmp_path / "src" / "quiet.py").write_text(SUPPRESSED)
    (tmp_path / "src" / "plain.py").write_text("print('no aws here')\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(capsys, *args: str):
    status = main(["check", "-j1", "--quiet", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def cache_entries(directory: Path) -> List[Path]:
    """Result entries; the project index kept beside them is not one."""
    return [p for p in directory.rglob("*") if p.is_file() and p.parent != directory and p.parent.name != "index"]


def stored_text(entry: Path) -> str:
    """What botolint wrote to an entry, without the digest before it."""
    text = unseal(entry.read_text())
    assert text is not None, f"{entry} does not hold what botolint wrote"
    return text


def store(entry: Path, text: str) -> None:
    """Write ``text`` as botolint would have, its digest matching: what is
    read back then is what botolint itself might have written."""
    entry.write_text(seal(text))


def test_second_run_is_answered_from_the_cache(project, capsys, analyses):
    first = check(capsys, "src")
    assert sorted(analyses) == ["app.py", "quiet.py"]  # plain.py never mentions boto3
    analyses.clear()
    second = check(capsys, "src")
    assert analyses == []
    assert second == first
    assert "AWS101" in first[1] and first[0] == 1


def test_default_cache_directory_is_next_to_pyproject(project, capsys):
    check(capsys, "src")
    directory = project / ".botolint_cache"
    assert len(cache_entries(directory)) == 2
    assert (directory / ".gitignore").read_text().strip().endswith("*")
    assert (directory / "CACHEDIR.TAG").is_file()
    assert default_cache_directory(Config(source=project / "pyproject.toml")) == directory


def test_changed_content_is_analyzed_again(project, capsys, analyses):
    check(capsys, "src")
    (project / "src" / "app.py").write_text("\n\n" + DIRTY)
    analyses.clear()
    _, out, _ = check(capsys, "src")
    assert analyses == ["app.py"]
    assert "src/app.py:7:12: AWS101" in out  # two lines lower: not the cached result


def test_changed_rule_selection_misses(project, capsys, analyses):
    _, narrow, _ = check(capsys, "--select", "AWS102", "src")
    assert narrow == ""
    analyses.clear()
    _, wide, _ = check(capsys, "--select", "AWS101", "src")
    assert sorted(analyses) == ["app.py", "quiet.py"]
    assert "AWS101" in wide


def test_changed_settings_miss():
    rules = [rule.code for rule in all_rules()]
    base = settings_fingerprint(Config(), rules)
    assert settings_fingerprint(Config(settings={"lambda-handlers": ["main"]}), rules) != base
    assert settings_fingerprint(Config(max_file_size=10), rules) != base
    assert settings_fingerprint(Config(), rules[:1]) != base
    assert settings_fingerprint(Config(), rules) == base


@pytest.mark.parametrize("sealed", [False, True], ids=["damaged", "written-so"])
def test_corrupted_entries_are_ignored_and_rewritten(project, capsys, analyses, sealed):
    first = check(capsys, "src")
    entries = cache_entries(project / ".botolint_cache")
    damage = ["", "{not json", "[]", json.dumps({"findings": [["AWS101"]], "error": None})]
    for entry, garbage in zip(entries, damage * len(entries)):
        if sealed:  # as if botolint had written it: decoding it is what tells
            store(entry, garbage)
        else:
            entry.write_text(garbage)
    analyses.clear()
    assert check(capsys, "src") == first
    assert sorted(analyses) == ["app.py", "quiet.py"]
    for entry in entries:
        json.loads(stored_text(entry))  # valid again


def test_an_entry_edited_by_hand_is_made_again(project, capsys, analyses):
    first = check(capsys, "src")
    assert "AWS101" in first[1]
    edited = []
    for entry in cache_entries(project / ".botolint_cache"):
        digest, _, text = entry.read_text().partition("\n")
        data = json.loads(text)
        if data["findings"]:
            data["findings"][0][1] = "edited by hand"
            edited.append(entry)
            entry.write_text(f"{digest}\n{json.dumps(data)}")  # the old digest: no longer the text's
    assert edited
    analyses.clear()
    assert check(capsys, "src") == first
    assert analyses == ["app.py"]
    # Its twin: the same edit with a matching digest is read back as botolint's own.
    for entry in edited:
        text = stored_text(entry)
        data = json.loads(text)
        data["findings"][0][1] = "edited by hand"
        store(entry, json.dumps(data))
    analyses.clear()
    assert "edited by hand" in check(capsys, "src")[1]
    assert analyses == []


def test_no_cache_writes_nothing(project, capsys, analyses):
    first = check(capsys, "--no-cache", "src")
    assert not (project / ".botolint_cache").exists()
    analyses.clear()
    assert check(capsys, "--no-cache", "src") == first
    assert sorted(analyses) == ["app.py", "quiet.py"]


def test_cache_dir_flag(project, tmp_path_factory, capsys):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "cache"
    check(capsys, "--cache-dir", str(elsewhere), "src")
    assert len(cache_entries(elsewhere)) == 2
    assert not (project / ".botolint_cache").exists()


def test_unusable_cache_directory_does_not_fail_the_run(project, capsys):
    blocker = project / "blocker"
    blocker.write_text("a file where the cache directory should be")
    expected = check(capsys, "--no-cache", "src")
    assert check(capsys, "--cache-dir", str(blocker / "cache"), "src") == expected


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_output_identical_with_and_without_cache(tmp_path, monkeypatch, capsys, fmt):
    """Every rule fixture (noqa cases included): no cache, cold cache, warm cache."""
    corpus = tmp_path / "fixtures"
    shutil.copytree(RULE_FIXTURES, corpus)
    (corpus / "broken.py").write_text("import boto3\ndef (:\n")
    monkeypatch.chdir(tmp_path)
    uncached = check(capsys, "--format", fmt, "--no-cache", "fixtures")
    cold = check(capsys, "--format", fmt, "fixtures")
    warm = check(capsys, "--format", fmt, "fixtures")
    assert uncached == cold == warm
    assert "broken.py: error:" in warm[2]


def test_round_trip_and_keys(tmp_path):
    cache = Cache(tmp_path / "c", "fingerprint")
    key = cache.key(Path("a.py"), b"import boto3\n")
    assert cache.get(key) is None
    result = CachedResult((Finding("AWS101", "message", 3, 5, node=None),), None)
    cache.put(key, result)
    assert cache.get(key) == result
    assert cache.key(Path("b.py"), b"import boto3\n") != key
    assert cache.key(Path("a.py"), b"import boto3 \n") != key
    assert Cache(tmp_path / "c", "other").key(Path("a.py"), b"import boto3\n") != key
    errored = CachedResult((), "syntax error at 2:5: ...")
    cache.put(key, errored)
    assert cache.get(key) == errored


def test_concurrent_writers_never_expose_a_partial_entry(tmp_path):
    cache = Cache(tmp_path / "c", "fingerprint")
    key = cache.key(Path("a.py"), b"boto3")
    many = CachedResult(tuple(Finding("AWS101", "m" * 200, n, 1, node=None) for n in range(1, 300)))
    few = CachedResult((Finding("AWS102", "short", 1, 1, node=None),))
    seen = []

    def write(result):
        for _ in range(100):
            cache.put(key, result)

    def read():
        for _ in range(300):
            seen.append(cache.get(key))

    threads = [threading.Thread(target=write, args=(r,)) for r in (many, few)] + [threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(result in (None, many, few) for result in seen)
    assert cache.get(key) in (many, few)
    leftovers = [p.name for p in (tmp_path / "c").rglob(".tmp-*")]
    assert leftovers == []


# -- the flake8 plugin shares the cache ------------------------------------------


@pytest.fixture
def plugin(project, monkeypatch):
    """The flake8 checker, configured from ``project``, counting real analyses."""
    from botolint import engine, flake8_plugin

    for cached in (flake8_plugin._config, flake8_plugin._cache):
        cached.cache_clear()
    monkeypatch.setattr(flake8_plugin.BotolintChecker, "use_cache", True)
    calls = []
    analyze = engine.analyze_source

    def spy(source, *args, **kwargs):
        calls.append(source)
        return analyze(source, *args, **kwargs)

    monkeypatch.setattr(engine, "analyze_source", spy)  # the plugin imports it when a file needs it

    def run(name: str):
        path = project / "src" / name
        lines = path.read_text().splitlines(keepends=True)
        return list(flake8_plugin.BotolintChecker(None, str(path), lines).run())

    run.calls = calls
    yield run
    for cached in (flake8_plugin._config, flake8_plugin._cache):
        cached.cache_clear()


def test_plugin_reuses_cached_results_including_suppressed_ones(plugin, project):
    first = [plugin("app.py"), plugin("quiet.py")]
    assert len(plugin.calls) == 2
    assert [row[2].split()[0] for row in first[1]] == ["AWS101"]  # flake8 applies noqa itself
    assert [plugin("app.py"), plugin("quiet.py")] == first
    assert len(plugin.calls) == 2


def test_plugin_ignores_corrupted_entries(plugin, project):
    expected = plugin("app.py")
    for entry in cache_entries(project / ".botolint_cache"):
        entry.write_text("\x00garbage")
    assert plugin("app.py") == expected
    assert len(plugin.calls) == 2


def test_plugin_survives_an_unusable_cache_directory(plugin, project):
    (project / ".botolint_cache").write_text("a file, not a directory")
    assert [row[2].split()[0] for row in plugin("app.py")] == ["AWS101"]


def test_plugin_without_cache_writes_nothing(plugin, project, monkeypatch):
    from botolint import flake8_plugin

    monkeypatch.setattr(flake8_plugin.BotolintChecker, "use_cache", False)
    plugin("app.py")
    plugin("app.py")
    assert len(plugin.calls) == 2
    assert not (project / ".botolint_cache").exists()


def test_flake8_option_turns_the_cache_off(project):
    import subprocess
    import sys

    def flake8(*options):
        return subprocess.run(
            [sys.executable, "-m", "flake8", "--isolated", "--select", "AWS", *options, "src"],
            cwd=project, capture_output=True, text=True,
        )

    uncached = flake8("--botolint-no-cache")
    assert "AWS101" in uncached.stdout
    assert not (project / ".botolint_cache").exists()
    assert flake8().stdout == uncached.stdout
    assert cache_entries(project / ".botolint_cache")
    assert flake8().stdout == uncached.stdout


def test_a_warm_run_checks_every_cached_answer_against_one_computation_of_the_facts(
    tmp_path, monkeypatch, capsys, analyses
):
    from botolint.project import facts

    project = tmp_path / "project"
    shutil.copytree(RULE_FIXTURES.parent / "projects" / "threads_across_modules", project)
    monkeypatch.chdir(project)
    _, cold, _ = check(capsys, "src")
    assert "src/shop/reports.py:9:5: AWS203" in cold
    built: List[int] = []
    make_facts = facts.Facts.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        make_facts(self, *args, **kwargs)

    monkeypatch.setattr(facts.Facts, "__init__", counting)
    analyses.clear()
    _, warm, _ = check(capsys, "src")
    assert (analyses, warm) == ([], cold)
    assert len(built) == 1  # not one per cached file that asked something

    # Another module's change still invalidates the answers that depended on it.
    helpers = project / "src" / "shop" / "parallel.py"
    started = "        thread = threading.Thread(target=fn, args=args, kwargs=kwargs)\n        thread.start()\n"
    helpers.write_text(helpers.read_text().replace(started, "        fn(*args, **kwargs)\n        thread = None\n"))
    analyses.clear()
    _, edited, _ = check(capsys, "src")
    assert "reports.py" in analyses
    assert "src/shop/reports.py:9:5: AWS203" not in edited


@pytest.mark.parametrize(
    "damage",
    [
        "{not json",
        f'{{"format": {FORMAT}, "summary": []}}',
        f'{{"format": {FORMAT}, "summary": {{"exports": []}}}}',
        f'{{"format": {FORMAT}, "summary": {{"$s": 5}}}}',  # a set tag around what no set is
    ],
)
def test_a_damaged_summary_of_another_module_is_made_again(tmp_path, monkeypatch, capsys, damage):
    project = tmp_path / "project"
    shutil.copytree(RULE_FIXTURES.parent / "projects" / "threads_across_modules", project)
    monkeypatch.chdir(project)
    cache_dir = tmp_path / "cache"
    # One file checked: the modules it depends on are read as summaries, and kept.
    first = check(capsys, "--cache-dir", str(cache_dir), "src/shop/reports.py")
    assert "src/shop/reports.py:9:5: AWS203" in first[1]
    summaries = [entry for entry in cache_entries(cache_dir) if stored_text(entry).startswith('{"format"')]
    assert summaries
    for entry in summaries:
        store(entry, damage)
    assert check(capsys, "--cache-dir", str(cache_dir), "src/shop/reports.py") == first
    assert all(stored_text(entry).startswith('{"format"') and stored_text(entry) != damage for entry in summaries)


def test_a_result_whose_summary_is_damaged_is_made_again(tmp_path, monkeypatch, capsys, analyses):
    project = tmp_path / "project"
    shutil.copytree(RULE_FIXTURES.parent / "projects" / "threads_across_modules", project)
    monkeypatch.chdir(project)
    first = check(capsys, "src")
    results = [entry for entry in cache_entries(project / ".botolint_cache") if '"findings"' in stored_text(entry)]
    assert results
    for entry in results:
        data = json.loads(stored_text(entry))
        if data["summary"] is not None:
            data["summary"] = f'{{"format": {FORMAT}, "summary": {{"exports": []}}}}'
        store(entry, json.dumps(data))
    analyses.clear()
    assert check(capsys, "src") == first
    assert "reports.py" in analyses


@pytest.mark.parametrize(
    "question", [{"$t": ["resolve"]}, {"$t": ["outside", 3, None]}, ["not", "a", "question"], {"$t": ["unknown"]}]
)
def test_a_result_whose_recorded_questions_are_damaged_is_made_again(
    tmp_path, monkeypatch, capsys, analyses, question
):
    project = tmp_path / "project"
    shutil.copytree(RULE_FIXTURES.parent / "projects" / "threads_across_modules", project)
    monkeypatch.chdir(project)
    first = check(capsys, "src")
    for entry in cache_entries(project / ".botolint_cache"):
        data = json.loads(stored_text(entry))
        if isinstance(data, dict) and data.get("dependencies"):
            data["dependencies"][0][0] = question
            store(entry, json.dumps(data))
    analyses.clear()
    assert check(capsys, "src") == first
    assert "reports.py" in analyses
