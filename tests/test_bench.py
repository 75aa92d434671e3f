"""The benchmark's helpers on a small local corpus: no network, no timing assertions."""

from __future__ import annotations

import importlib.util
import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from fixture_support import ROOT

BENCH = ROOT / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


bench = _load("run")
parse_only = _load("parse_only")


@pytest.fixture
def mini_corpus(tmp_path) -> Path:
    root = tmp_path / "mini"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "uses_aws.py").write_text('import boto3\n\n\ndef f():\n    return boto3.client("s3")\n')
    (root / "pkg" / "also.py").write_text("import boto3\nx = 1\n")
    (root / "pkg" / "plain.py").write_text("import os\n")
    (root / "pkg" / "notes.txt").write_text("boto3 everywhere, but not Python\n")
    return root


def test_corpus_stats_count_the_files_the_core_parses(mini_corpus):
    stats = bench.corpus_stats([mini_corpus])
    assert (stats.files, stats.parsed_files) == (3, 2)
    assert stats.bytes > stats.parsed_bytes > 0
    assert "3 files" in stats.summary()
    assert sorted(Path(p).name for p in stats.parsed_paths) == ["also.py", "uses_aws.py"]


def test_parse_only_reads_what_check_reads(mini_corpus, capsys):
    assert len(list(parse_only.files_to_parse([mini_corpus]))) == 2
    assert parse_only.main([str(mini_corpus)]) == 0
    assert "parsed 2 files" in capsys.readouterr().out


def test_measure_reports_time_cpu_and_memory():
    run = bench.measure([sys.executable, "-c", "import sys; sys.stderr.write('hi'); sys.exit(3)"])
    assert run.returncode == 3
    assert run.stderr == "hi"
    assert run.wall > 0 and run.cpu >= 0 and run.peak_rss_mib > 1


def test_alternate_swaps_the_order_each_round():
    order = []

    def fake_measure(command, cwd=None):
        order.append(command[0])
        seconds = 1.0 if command[0] == "a" else 2.0
        return bench.Run(wall=seconds, cpu=seconds * 0.9, peak_rss_mib=10, returncode=0)

    comparison = bench.Comparison("x", "mini", "A", "B", target=1.5)
    bench.alternate(comparison, ["a"], ["b"], 4, measure_run=fake_measure)
    assert order == ["a", "b", "b", "a", "a", "b", "b", "a"]
    assert comparison.ratio == pytest.approx(2.0) and comparison.met is False
    assert comparison.ratio_of("wall") == 2.0
    assert "NOT met" in bench.report_line(comparison)

    order.clear()
    bench.alternate(bench.Comparison("cache", "mini", "cold", "warm", 0.1), ["a"], ["b"], 2,
                    measure_run=fake_measure, fixed_order=True)
    assert order == ["a", "b", "a", "b"]


def test_unpack_extracts_once(tmp_path):
    archive = tmp_path / "demo-1.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"import boto3\n"
        info = tarfile.TarInfo("demo-1.0/demo/mod.py")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    top = bench.unpack(archive, tmp_path)
    assert (top / "demo" / "mod.py").read_bytes() == b"import boto3\n"
    (top / "demo" / "mod.py").write_text("changed")
    assert bench.unpack(archive, tmp_path) == top
    assert (top / "demo" / "mod.py").read_text() == "changed"  # not extracted again


def test_fetch_refuses_an_archive_that_is_not_the_pinned_one(tmp_path):
    version, _ = bench.PINNED["moto"]
    (tmp_path / f"moto-{version}.tar.gz").write_bytes(b"not moto")
    with pytest.raises(SystemExit, match="sha256"):
        bench.fetch("moto", downloads=tmp_path)


def test_flake8_baseline_runs_without_botolint(mini_corpus, tmp_path):
    sys.path.insert(0, str(BENCH))
    try:
        without = bench.measure(bench.flake8_command([mini_corpus], with_botolint=False), cwd=tmp_path)
        with_ = bench.measure(bench.flake8_command([mini_corpus], with_botolint=True), cwd=tmp_path)
        assert bench.botolint_imported(without) is False
        assert bench.botolint_imported(with_) is True
    finally:
        sys.path.remove(str(BENCH))


def test_flake8_entry_reports_findings_only_with_botolint(mini_corpus, tmp_path):
    def flake8(*args):
        return subprocess.run(
            [sys.executable, str(BENCH / "flake8_entry.py"), *args, "--isolated", "--select", "AWS", str(mini_corpus)],
            capture_output=True, text=True, cwd=tmp_path,
        )

    assert "AWS101" in flake8().stdout
    assert flake8("--without-botolint").stdout == ""


def test_corpora_name_only_known_comparisons():
    for corpus in bench.CORPUS_LIST:
        assert set(corpus.comparisons or ()) <= set(bench.COMPARISONS), corpus.name
    assert any(corpus.latency_file for corpus in bench.CORPUS_LIST)


def test_latency_line_judges_the_absolute_time():
    def run(seconds):
        return bench.Run(wall=seconds, cpu=seconds, peak_rss_mib=10, returncode=0)

    slow = bench.Comparison("latency", "mini", "A", "B", None, metric="wall", a=[run(0.3)], b=[run(0.9)])
    fast = bench.Comparison("latency", "mini", "A", "B", None, metric="wall", a=[run(0.3)], b=[run(0.4)])
    assert "target: <= 0.5s: NOT met" in bench.report_line(slow)
    assert "target: <= 0.5s: met" in bench.report_line(fast)
