"""``botolint check -j N``: same output in the same order, with N worker processes."""

from __future__ import annotations

import argparse
import functools
import gc
import multiprocessing
import os
import shutil
import signal
from pathlib import Path

import pytest

from botolint import runner
from botolint.cli import main
from botolint.commands.common import job_count
from fixture_support import RULE_FIXTURES


@pytest.fixture
def corpus(tmp_path, monkeypatch) -> Path:
    """Enough boto3 files (the rule fixtures, three times over) for workers to be used."""
    root = tmp_path / "corpus"
    for copy in ("a", "b", "c"):
        shutil.copytree(RULE_FIXTURES, root / copy)
    (root / "b" / "broken.py").write_text("import boto3\nclass (\n")
    (root / "b" / "plain.py").write_text("x = 1\n")
    monkeypatch.chdir(tmp_path)
    return root


@pytest.fixture
def pools(monkeypatch):
    """The worker counts of every pool the runner starts."""
    started = []
    real_pool = runner.ProcessPoolExecutor

    def pool(processes, *args, **kwargs):
        started.append(processes)
        return real_pool(processes, *args, **kwargs)

    monkeypatch.setattr(runner, "ProcessPoolExecutor", pool)
    return started


def run(capsys, *args):
    status = main(["check", "--no-cache", "--quiet", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_two_jobs_give_the_same_output_as_one(corpus, capsys, pools):
    serial = run(capsys, "-j1", "corpus")
    assert pools == []
    parallel = run(capsys, "-j2", "corpus")
    assert pools == [2]
    assert parallel == serial
    assert serial[1].count("\n") > 30 and "broken.py: error:" in serial[2]


def test_output_is_in_sorted_path_order(corpus, capsys):
    _, out, _ = run(capsys, "-j2", "--format", "text", "corpus")
    paths = [line.split(":")[0] for line in out.splitlines()]
    assert paths == sorted(paths, key=lambda p: Path(p).parts)


def test_parallel_results_fill_the_cache_like_serial_ones(corpus, capsys, tmp_path):
    cache_dir = tmp_path / "cache"
    cold = main(["check", "-j2", "--cache-dir", str(cache_dir), "corpus"]), capsys.readouterr()
    warm = main(["check", "-j1", "--cache-dir", str(cache_dir), "corpus"]), capsys.readouterr()
    assert cold == warm


def test_few_files_stay_in_this_process(corpus, capsys, pools):
    few = corpus / "few"
    few.mkdir()
    # One file short of giving two workers their minimum each.
    for path in sorted((corpus / "a").rglob("*.py"))[: 2 * runner.MIN_FILES_PER_WORKER - 1]:
        shutil.copy(path, few / f"{path.parent.name}_{path.name}")
    run(capsys, "-j2", str(few))
    assert pools == []
    shutil.copy(path, few / "one_more.py")
    run(capsys, "-j2", str(few))
    assert pools == [2]


def test_worker_count():
    assert runner._worker_count(2, 100) == 2
    assert runner._worker_count(2, runner.MIN_FILES_PER_WORKER) == 1
    assert runner._worker_count(4, 2 * runner.MIN_FILES_PER_WORKER) == 2
    assert runner._worker_count(1, 1000) == 1
    assert 1 <= runner._worker_count(0, 1000)  # auto: one per core


def test_job_count_argument():
    assert job_count("3") == 3
    assert job_count("auto") == 0
    for bad in ("0", "-1", "many"):
        with pytest.raises(argparse.ArgumentTypeError):
            job_count(bad)


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the simulated crash reaches workers only through fork"
)
def test_a_worker_that_dies_costs_only_its_file(corpus, capsys, pools, monkeypatch):
    """A native crash in a worker (simulated with SIGKILL) is blamed on the
    file being analyzed; the run neither hangs nor loses the other files."""
    serial = run(capsys, "-j1", "corpus")
    real = runner.analyze_for_report
    victim = "aws101_clients_in_functions.py"

    def crashing(path, *args, **kwargs):
        if path.name == victim and path.parent.name == "default_session" and path.parts[-3] == "b":
            os.kill(os.getpid(), signal.SIGKILL)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(runner, "analyze_for_report", crashing)
    status, out, err = run(capsys, "-j2", "corpus")
    assert status == 2  # an internal error, though the run finished
    crashed = f"corpus/b/default_session/{victim}"
    assert f"{crashed}: error: internal error: analyzing this file killed the worker process" in err
    expected = [line for line in serial[1].splitlines() if not line.startswith(crashed)]
    assert out.splitlines() == expected
    assert len(pools) >= 3  # the first pool, the suspect alone, a pool for the rest


@pytest.fixture
def tasks_on_threads(tmp_path, monkeypatch) -> Path:
    """Sixteen modules whose functions run on threads another module starts:
    the worker processes cannot know it, so each file is analyzed again."""
    root = tmp_path / "fleet"
    package = root / "src" / "fleet"
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'fleet'\n")
    (package / "__init__.py").write_text("")
    for number in range(16):
        (package / f"task_{number}.py").write_text(
            f'import boto3\n\n\ndef run(key):\n    return boto3.client("s3").head_object(Bucket="b{number}", Key=key)\n'
        )
    imports = "".join(f"from fleet import task_{number}\n" for number in range(16))
    submits = "".join(f"        pool.submit(task_{number}.run, key)\n" for number in range(16))
    (package / "pool.py").write_text(
        f"from concurrent.futures import ThreadPoolExecutor\n\n{imports}\n\ndef run_all(key):\n"
        f"    with ThreadPoolExecutor() as pool:\n{submits}"
    )
    monkeypatch.chdir(tmp_path)
    return root


def test_files_made_again_are_analyzed_in_forked_workers(tasks_on_threads, capsys, pools):
    serial = run(capsys, "-j1", "fleet")
    assert serial[1].count("AWS203") == 16 and pools == []
    parallel = run(capsys, "-j2", "fleet")
    assert parallel == serial
    assert pools == [2, 2]  # the first analysis, then the sixteen made again with the run's facts


def test_without_fork_the_files_are_made_again_in_this_process(tasks_on_threads, capsys, pools, monkeypatch):
    # The twin: where processes cannot be forked (macOS's and Windows' default), the same output from here.
    serial = run(capsys, "-j1", "fleet")
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert run(capsys, "-j2", "fleet") == serial
    assert pools == [2]


@pytest.fixture
def spawners(tmp_path, monkeypatch) -> Path:
    """Sixteen modules that never say boto3 and start threads running a helper
    that makes a client two modules away: none of them is checked, all of
    them are summarised for the run's facts."""
    root = tmp_path / "fleet"
    package = root / "src" / "fleet"
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'fleet'\n")
    (package / "__init__.py").write_text("")
    (package / "clients.py").write_text('import boto3\n\n\ndef make():\n    return boto3.client("s3")\n')
    (package / "tasks.py").write_text(
        "from fleet import clients\n\n\ndef run(key):\n    return clients.make().head_object(Bucket='b', Key=key)\n"
    )
    for number in range(16):
        (package / f"job_{number}.py").write_text(
            "import threading\n\nfrom fleet import tasks\n\n\n"
            f"def start():\n    threading.Thread(target=tasks.run, args=('k{number}',)).start()\n"
        )
    monkeypatch.chdir(tmp_path)
    return root


def test_the_modules_that_reach_the_checked_ones_are_summarised_in_forked_workers(spawners, capsys, pools):
    serial = run(capsys, "-j1", "fleet")
    assert "clients.py:5:12: AWS203" in serial[1] and pools == []
    assert run(capsys, "-j2", "fleet") == serial
    assert pools == [2]  # two files to check: no workers for them; sixteen modules summarised ahead


def test_without_fork_the_modules_that_reach_them_are_summarised_here(spawners, capsys, pools, monkeypatch):
    serial = run(capsys, "-j1", "fleet")
    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    assert run(capsys, "-j2", "fleet") == serial
    assert pools == []


_TEST_PROCESS = os.getpid()
_IN_WORKERS = {name: getattr(runner, name) for name in ("_analyze_again_in_worker", "_summarise_in_worker")}


def _dies_in_a_worker(name, path):
    """``runner.<name>(path)`` here; a worker process it ends, as a native crash would."""
    if os.getpid() != _TEST_PROCESS:
        os._exit(3)
    return _IN_WORKERS[name](path)


def test_a_forked_worker_that_dies_leaves_the_files_to_this_process(tasks_on_threads, capsys, pools, monkeypatch):
    serial = run(capsys, "-j1", "fleet")
    dying = functools.partial(_dies_in_a_worker, "_analyze_again_in_worker")
    monkeypatch.setattr(runner, "_analyze_again_in_worker", dying)
    assert run(capsys, "-j2", "fleet") == serial
    assert pools == [2, 2]


def test_a_worker_that_dies_summarising_ahead_leaves_the_module_to_the_settle_step(
    spawners, capsys, pools, monkeypatch
):
    serial = run(capsys, "-j1", "fleet")
    pools.clear()
    monkeypatch.setattr(runner, "MIN_FILES_PER_WORKER", 1)
    monkeypatch.setattr(runner, "_summarise_in_worker", functools.partial(_dies_in_a_worker, "_summarise_in_worker"))
    assert run(capsys, "-j2", "fleet") == serial
    # The analyses' pool, broken by the first module to summarise ahead, then one more for each of the rest.
    assert len(pools) > 2


def test_workers_start_while_the_first_pass_reads_the_rest(corpus, capsys, monkeypatch):
    events = []
    real_pool, real_answered = runner.ProcessPoolExecutor, runner._answered_from_cache

    def pool(*args, **kwargs):
        events.append("pool started")
        return real_pool(*args, **kwargs)

    def answered(*args, **kwargs):
        events.append("every file read")
        return real_answered(*args, **kwargs)

    monkeypatch.setattr(runner, "ProcessPoolExecutor", pool)
    monkeypatch.setattr(runner, "_answered_from_cache", answered)
    serial = run(capsys, "-j1", "corpus")
    events.clear()
    assert run(capsys, "-j2", "corpus") == serial
    assert events.index("pool started") < events.index("every file read")


def test_cached_results_the_project_no_longer_bears_out_are_made_again_in_order(
    tasks_on_threads, capsys, tmp_path
):
    cache = ["--cache-dir", str(tmp_path / "cache")]
    main(["check", "--quiet", "-j2", *cache, "fleet"])
    assert capsys.readouterr().out.count("AWS203") == 16
    pool = tasks_on_threads / "src" / "fleet" / "pool.py"
    pool.write_text(pool.read_text().replace("pool.submit(", "pool.map(").replace(", key)", ", [key])"))
    uncached = run(capsys, "-j1", "fleet")
    main(["check", "--quiet", "-j2", *cache, "fleet"])
    assert capsys.readouterr().out == uncached[1]
    # The files whose results lost their footing are analyzed after the others, reported in their place.
    pool.write_text(pool.read_text().replace("pool.map(task_3.run, [key])", "task_3.run(key)"))
    last = tasks_on_threads / "src" / "fleet" / "task_9.py"  # a miss that sorts after the invalidated ones
    last.write_text(f"# edited\n{last.read_text()}")
    uncached = run(capsys, "-j1", "fleet")
    assert uncached[1].count("AWS203") == 15 and "task_3.py:5:12: AWS101" in uncached[1]
    main(["check", "--quiet", "-j2", *cache, "fleet"])
    assert capsys.readouterr().out == uncached[1]


def test_files_that_say_boto3_go_to_the_workers_before_the_project_is_asked_about_the_others(
    corpus, capsys, monkeypatch
):
    # Asking whether a file that never says boto3 can use another module's
    # objects builds the index of every module: the workers need not wait for it.
    from botolint.project.project import Project

    (corpus / "a" / "aaa_first.py").write_text("TIMEOUT = 30\n")
    events = []
    real_pool, real_ask = runner.ProcessPoolExecutor, Project.uses_objects_of_others

    def pool(*args, **kwargs):
        events.append("pool started")
        return real_pool(*args, **kwargs)

    def ask(self, *args, **kwargs):
        events.append("project asked")
        return real_ask(self, *args, **kwargs)

    monkeypatch.setattr(runner, "ProcessPoolExecutor", pool)
    monkeypatch.setattr(Project, "uses_objects_of_others", ask)
    serial = run(capsys, "-j1", "corpus")
    events.clear()
    assert run(capsys, "-j2", "corpus") == serial
    assert events[0] == "pool started" and "project asked" in events


_analyze_in_worker = runner._analyze_in_worker


def _noting_the_collector(path):
    with open(os.environ["COLLECTOR_NOTES"], "a") as notes:
        notes.write(f"{gc.isenabled()}\n")
    return _analyze_in_worker(path)


def test_results_are_gathered_without_collecting_while_the_workers_collect(corpus, capsys, monkeypatch, tmp_path):
    # Unpickling the workers' results with the collector on costs ten times the unpickling (see collection.py).
    notes = tmp_path / "notes"
    monkeypatch.setenv("COLLECTOR_NOTES", str(notes))
    monkeypatch.setattr(runner, "_analyze_in_worker", _noting_the_collector)
    gathering = []
    real_gathering = runner._reports_keeping_summaries

    def noting_the_gathering(results, projects):
        for report in real_gathering(results, projects):
            gathering.append(gc.isenabled())
            yield report

    monkeypatch.setattr(runner, "_reports_keeping_summaries", noting_the_gathering)
    serial = run(capsys, "-j1", "corpus")
    assert run(capsys, "-j2", "corpus") == serial
    assert set(notes.read_text().split()) == {"True"}  # each worker collects its own garbage
    assert gathering and not any(gathering)
    assert gc.isenabled()  # and this process collects again once they are gathered
