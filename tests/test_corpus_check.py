"""bench/corpus_check.py on a small local "sdist": no network, and its checks can fail."""

from __future__ import annotations

import importlib.util
import io
import sys
import tarfile
from pathlib import Path

import pytest

from fixture_support import ROOT


def _load():
    spec = importlib.util.spec_from_file_location("bench_corpus_check", ROOT / "bench" / "corpus_check.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


corpus_check = _load()

FILES = {
    "demo/app.py": 'import boto3\n\n\ndef f():\n    return boto3.client("s3")\n',
    "demo/clean.py": 'import boto3\n\n\ndef g(session):\n    return session.client("s3")\n',
    "demo/broken.py": "import boto3\ndef (:\n",
    "demo/data.json": "{}\n",
}


def _sdist(directory: Path, files) -> Path:
    archive = directory / "demo-1.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"demo-1.0/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return archive


@pytest.fixture
def demo(tmp_path, monkeypatch):
    def make(files):
        downloads = tmp_path / "downloads"
        downloads.mkdir(exist_ok=True)
        archive = _sdist(downloads, files)
        digest = corpus_check.hashlib.sha256(archive.read_bytes()).hexdigest()
        monkeypatch.setattr(corpus_check, "DOWNLOADS", downloads)
        monkeypatch.setitem(corpus_check.PINNED, "demo", ("1.0", digest))
        work = tmp_path / "work"
        work.mkdir(exist_ok=True)
        return corpus_check.run_corpus("demo", work)

    return make


def test_a_clean_run_counts_and_finds_no_violation(demo):
    report = demo(FILES)
    assert report.violations == []
    assert (report.files, report.python_files) == (4, 3)
    assert report.findings == {"AWS101": 1}
    assert report.rewritten == 1 and report.functions_rewritten == 1
    assert sum(report.errors.values()) == 1 and "syntax error" in next(iter(report.errors))


def test_a_fix_that_breaks_its_promises_is_caught(demo, monkeypatch):
    """A stand-in for `botolint fix` that touches a clean file and is not idempotent."""
    real = corpus_check.botolint

    def bad_fix(*args, cwd):
        if args[0] == "fix":
            clean = cwd / "demo" / "clean.py"
            clean.write_text(clean.read_text() + "# touched\n")
        return real(*args, cwd=cwd)

    monkeypatch.setattr(corpus_check, "botolint", bad_fix)
    violations = "\n".join(demo(FILES).violations)
    assert "clean.py: check found nothing in it, but fix changed it" in violations
    assert "clean.py: the second fix changed it" in violations
