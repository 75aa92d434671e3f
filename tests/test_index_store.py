"""The project index kept between runs: reused while a file is unchanged, read again when it changes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from botolint import discovery
from botolint.cache import Cache, seal, unseal
from botolint.project import project as project_module
from botolint.project.index_store import IndexStore
from botolint.project.layout import Layout
from botolint.project.project import ProjectIndex


def _project(tmp_path):
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text("")
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "jobs.py").write_text("import threading\n\ndef run(f):\n    threading.Thread(target=f).start()\n")
    (root / "pkg" / "app.py").write_text("from pkg.jobs import run\n")
    return root


def _counting_reads(monkeypatch):
    reads = []
    real = project_module.read_source

    def counting(path, *args, **kwargs):
        reads.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(project_module, "read_source", counting)
    return reads


def _entries(root, store):
    index = ProjectIndex(Layout.of(root / "pkg"), store=store)
    return {module: (sorted(e.imports), e.spawns, sorted(e.functions)) for module, e in index.entries().items()}


def test_a_second_run_reads_no_unchanged_file(tmp_path, monkeypatch):
    root = _project(tmp_path)
    store = IndexStore(Cache(tmp_path / "cache", "fingerprint"), root)
    reads = _counting_reads(monkeypatch)
    first = _entries(root, store)
    assert sorted(reads) == ["__init__.py", "app.py", "jobs.py"]
    reads.clear()
    assert _entries(root, store) == first
    assert reads == []
    assert first["pkg.jobs"] == (["threading"], True, ["run"])
    assert "pkg.jobs" in first["pkg.app"][0] or "pkg.jobs.run" in first["pkg.app"][0]


def test_a_changed_file_is_read_again(tmp_path, monkeypatch):
    root = _project(tmp_path)
    store = IndexStore(Cache(tmp_path / "cache", "fingerprint"), root)
    _entries(root, store)
    reads = _counting_reads(monkeypatch)
    app = root / "pkg" / "app.py"
    app.write_text("import pkg.other\n")
    stat = app.stat()
    os.utime(app, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    entries = _entries(root, store)
    assert reads == ["app.py"]
    assert entries["pkg.app"][0] == ["pkg.other"]


def test_a_corrupt_store_is_a_miss(tmp_path, monkeypatch):
    root = _project(tmp_path)
    store = IndexStore(Cache(tmp_path / "cache", "fingerprint"), root)
    store.save({}, [], [])
    (entry,) = (tmp_path / "cache" / "index").iterdir()
    entry.write_bytes(b"\x00not json")
    reads = _counting_reads(monkeypatch)
    entries = _entries(root, store)
    assert len(reads) == 3 and entries["pkg.jobs"][1] is True
    assert len(store.load()) == 3  # rewritten, now readable


@pytest.mark.parametrize("field, value", [(2, ["pkg.other", True]), (5, [None, "run"]), (2, [["pkg"]])])
def test_a_record_whose_names_are_not_names_is_read_again(tmp_path, monkeypatch, field, value):
    # A store whose JSON is whole but whose record for app.py holds something else than module and function names.
    root = _project(tmp_path)
    store = IndexStore(Cache(tmp_path / "cache", "fingerprint"), root)
    _entries(root, store)
    (entry,) = (tmp_path / "cache" / "index").iterdir()
    data = json.loads(unseal(entry.read_text()))
    record = next(record for path, record in data["files"].items() if path.endswith("app.py"))
    record[field] = value
    entry.write_text(seal(json.dumps(data)))  # as botolint would have written it: the record is what tells
    reads = _counting_reads(monkeypatch)
    entries = IndexStore(Cache(tmp_path / "cache", "fingerprint"), root)
    assert _entries(root, entries)["pkg.app"][0] == ["pkg.jobs", "pkg.jobs.run"]
    assert reads == ["app.py"]


def test_another_configuration_keeps_its_own_index(tmp_path):
    root = _project(tmp_path)
    _entries(root, IndexStore(Cache(tmp_path / "cache", "one"), root))
    assert IndexStore(Cache(tmp_path / "cache", "two"), root).load() == {}


def _spawns(text: str) -> bool:
    return project_module._IndexEntry.of_text(Path("m.py"), text.encode()).spawns


def test_a_module_that_only_locks_starts_no_workers():
    assert not _spawns("import threading\n\n_lock = threading.Lock()\n")
    # Its twins start workers: a call that hands work over, or a Thread subclass.
    assert _spawns("import threading\n\ndef go(f):\n    threading.Thread(target=f).start()\n")
    assert _spawns("import threading\n\nclass Poller(threading.Thread):\n    def run(self):\n        pass\n")
    assert _spawns("from concurrent import futures\n\npool = futures.ThreadPoolExecutor()\n")


def _with_copies(tmp_path, name: str, gitignore: bool):
    root = _project(tmp_path / name)
    (root / ".git").mkdir()
    if gitignore:
        (root / ".gitignore").write_text("generated/\n")
    for skipped in ("generated", "venv", "env"):
        (root / skipped).mkdir()
        (root / skipped / "copy.py").write_text("from pkg.jobs import run\n")
    (root / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    return root


def test_what_check_skips_is_no_part_of_the_project(tmp_path):
    modules = set(_entries(_with_copies(tmp_path, "ignoring", gitignore=True), None))
    assert modules == {"pkg", "pkg.jobs", "pkg.app"}
    # The twin: without a .gitignore, the generated module is part of the project.
    assert set(_entries(_with_copies(tmp_path, "keeping", gitignore=False), None)) == modules | {"generated.copy"}


def _counting_walks(monkeypatch):
    walks = []
    real = Layout.python_modules

    def counting(self, *args, **kwargs):
        walks.append(self.root)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Layout, "python_modules", counting)
    return walks


def _later(path: Path) -> None:
    """Move a modification time on, as a write a second later would."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_an_unchanged_tree_is_not_walked_again(tmp_path, monkeypatch):
    root = _project(tmp_path)
    store = IndexStore(Cache(tmp_path / "cache", "fingerprint"), root)
    first = _entries(root, store)
    walks = _counting_walks(monkeypatch)
    assert _entries(root, IndexStore(Cache(tmp_path / "cache", "fingerprint"), root)) == first
    assert walks == []


def test_a_new_file_is_found(tmp_path, monkeypatch):
    # The twin: adding a file changes its directory, so the tree is walked again.
    root = _project(tmp_path)
    _entries(root, IndexStore(Cache(tmp_path / "cache", "fingerprint"), root))
    (root / "pkg" / "extra.py").write_text("import threading\n")
    _later(root / "pkg")
    walks = _counting_walks(monkeypatch)
    entries = _entries(root, IndexStore(Cache(tmp_path / "cache", "fingerprint"), root))
    assert len(walks) == 1 and "pkg.extra" in entries


def test_a_changed_gitignore_is_walked_again(tmp_path, monkeypatch):
    root = _with_copies(tmp_path, "ignoring", gitignore=True)
    assert "generated.copy" not in _entries(root, IndexStore(Cache(tmp_path / "cache", "fingerprint"), root))
    (root / ".gitignore").write_text("# nothing ignored now\n")
    _later(root / ".gitignore")
    discovery._gitignore_of.cache_clear()  # a new run reads .gitignore files afresh
    discovery._gitignore_chain.cache_clear()
    walks = _counting_walks(monkeypatch)
    entries = _entries(root, IndexStore(Cache(tmp_path / "cache", "fingerprint"), root))
    assert len(walks) == 1 and "generated.copy" in entries
