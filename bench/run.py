"""botolint's benchmark on real code: one command, ratios as the figures.

    python bench/run.py                      # every corpus, every comparison, 3 repetitions
    python bench/run.py --corpus botocore --repeat 5
    python bench/run.py --only flake8,check  # some comparisons only

It downloads pinned source distributions from PyPI into ``bench/corpora/``
(once; the archives are checked against pinned SHA-256 digests), unpacks them,
and runs each comparison as separate processes, alternating A and B (A B, then
B A, ...) so that drift in the machine's load hits both sides alike. It prints
medians and the ratio median(B) / median(A) against the targets of issue 6, and
writes every run to ``bench/corpora/results.json``. Absolute times are noise on
a shared machine; ratios are the figures. Comparisons of single processes are
judged on CPU time (user + system), which other load on the machine disturbs far
less than wall time; both ratios are printed. ``jobs`` is judged on wall time,
since using more cores is its point.

Benchmark a stable tree: editing botolint while this runs changes the cache
key (it covers botolint's own code), and the cache comparisons then measure misses.

Comparisons (each per corpus):
  flake8  flake8 -j1 with only E,W,F and botolint removed  vs  the same plus AWS (botolint's cache off)
  flake8-warm  the same baseline  vs  flake8 plus AWS with botolint's cache filled by a previous run
  check   bare LibCST parse of the files check reads  vs  botolint check (-j1, no cache)
  cache   botolint check with an empty cache (cold)  vs  the same again (warm)
  jobs    botolint check -j1  vs  -j2 (no cache); CPU time / wall time shows the processes used
  memory  peak RSS of check -j1 on half the files (the largest among them)  vs  on all of them
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

BENCH = Path(__file__).resolve().parent
CORPORA = BENCH / "corpora"
DOWNLOADS = CORPORA / "downloads"
PYTHON = sys.executable

# Pinned source distributions: (version, sha256 of the sdist).
PINNED: Dict[str, Tuple[str, str]] = {
    "moto": ("5.2.5", "391857257d5dac144334013c2c10e599def5f0562f553e979160140bd7bd9cf6"),
    "botocore": ("1.44.5", "a988f39e3a4484def0b8010f41128f71157da0515a4804fccce4739aa8f216da"),
    "boto3": ("1.44.5", "667b344e25d2bcbb7c42fcf6b92a07bb1d73ee9d6d12c3a7873ec4c490b6fb64"),
}


@dataclass(frozen=True)
class Corpus:
    name: str
    description: str
    parts: Tuple[Tuple[str, str], ...]  # (project, file or directory inside its unpacked sdist)
    flake8_target: float  # cold: flake8 + botolint over flake8 alone, CPU time
    warm_target: float = 1.10  # the same with botolint's cache filled
    comparisons: Optional[Tuple[str, ...]] = None  # None: every one
    latency_file: Optional[str] = None  # inside the first part's project: flake8 on it alone, warm

    def directories(self) -> List[Path]:
        return [CORPORA / f"{project}-{PINNED[project][0]}" / sub for project, sub in self.parts]


CORPUS_LIST = (
    # moto's sdist ships its tests: boto3 calls in nearly every file (dense).
    Corpus(
        "moto-tests", "moto's test suite (dense)", (("moto", "tests"),), 1.75,
        latency_file="tests/test_s3/test_s3_lifecycle.py",
    ),
    # Issue 13's table: two of moto's largest test packages.
    Corpus(
        "moto-s3-ddb", "moto tests/test_s3 + tests/test_dynamodb (dense)",
        (("moto", "tests/test_s3"), ("moto", "tests/test_dynamodb")), 1.75,
        comparisons=("flake8", "flake8-warm", "check", "cache"),
    ),
    # All of moto (package and tests, 2,544 files) as one project: the project
    # layer's whole-project case (every cached answer checked at once when warm,
    # the settle step's forked workers with -j2).
    Corpus(
        "moto-all", "all of moto: package and tests, one project (dense)", (("moto", "."),), 1.75,
        comparisons=("cache", "jobs"),
    ),
    # The libraries themselves mention boto3 in few files (sparse).
    Corpus("botocore", "botocore + boto3 packages (sparse)", (("botocore", "botocore"), ("boto3", "boto3")), 1.03),
    # An editor's save or pre-commit on one file that never mentions boto3:
    # what botolint adds is its import cost alone.
    Corpus(
        "free-file", "one boto3-free file (botocore/utils.py)", (("botocore", "botocore/utils.py"),), 1.15,
        comparisons=("flake8",),
    ),
)
LATENCY_TARGET_S = 0.5  # flake8 on one file of a ~200k-line project, botolint's cache warm
CHECK_TARGET = 1.2
WARM_CACHE_TARGET = 0.1
JOBS_TARGET = 0.65  # -j2 wall time over -j1 on 2 cores: clearly more than one core at work
MEMORY_TARGET_MIB = 250


# -- corpora -------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(project: str, downloads: Path = DOWNLOADS) -> Path:
    """The pinned sdist of ``project``, downloaded with pip unless present."""
    version, expected = PINNED[project]
    archive = downloads / f"{project}-{version}.tar.gz"
    if not archive.exists():
        downloads.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [PYTHON, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             f"{project}=={version}", "--dest", str(downloads)],
            check=True,
        )
    actual = sha256_of(archive)
    if actual != expected:
        raise SystemExit(f"{archive}: sha256 {actual} is not the pinned {expected}; delete it and retry")
    return archive


def unpack(archive: Path, destination: Path) -> Path:
    """Extract ``archive`` (once) into ``destination``; return the top directory."""
    top = destination / archive.name[: -len(".tar.gz")]
    if top.is_dir():
        return top
    staging = Path(tempfile.mkdtemp(dir=destination, prefix=".unpack-"))
    try:
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(staging, filter="data")
            else:  # pragma: no cover - Python < 3.11.4
                tar.extractall(staging)
        (staging / top.name).rename(top)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return top


def prepare(corpus: Corpus) -> List[Path]:
    for project, _ in corpus.parts:
        unpack(fetch(project), CORPORA)
    return corpus.directories()


@dataclass
class CorpusStats:
    files: int = 0
    bytes: int = 0
    parsed_files: int = 0  # files that mention boto3: the ones the core parses
    parsed_bytes: int = 0
    parsed_paths: List[str] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        share = self.parsed_bytes / self.bytes if self.bytes else 0.0
        return (
            f"{self.files} files, {self.bytes / 1e6:.1f} MB; {self.parsed_files} files "
            f"({self.parsed_bytes / 1e6:.1f} MB, {share:.0%} of bytes) mention boto3"
        )


def corpus_stats(directories: Sequence[Path]) -> CorpusStats:
    from botolint.discovery import iter_python_files

    stats = CorpusStats()
    for path in iter_python_files(directories):
        data = path.read_bytes()
        stats.files += 1
        stats.bytes += len(data)
        if b"boto3" in data:
            stats.parsed_files += 1
            stats.parsed_bytes += len(data)
            stats.parsed_paths.append(str(path))
    return stats


# -- measuring -----------------------------------------------------------------


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and its children
    peak_rss_mib: float  # the largest resident set of the process or any child
    returncode: int
    stderr: str = field(repr=False, default="")


def measure(command: Sequence[str], cwd: Optional[Path] = None) -> Run:
    """Run ``command`` to completion; wall time, CPU time and peak memory."""
    with tempfile.TemporaryFile(mode="w+") as errors:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read()
    # ru_maxrss: kibibytes on Linux; for wait4 it covers the child's waited-for children too.
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode, stderr)


@dataclass
class Comparison:
    name: str
    corpus: str
    a_label: str
    b_label: str
    target: Optional[float]  # on median(B) / median(A); None: reported only
    metric: str = "cpu"  # "cpu" or "wall": what the ratio is taken of
    a: List[Run] = field(default_factory=list)
    b: List[Run] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.ratio_of(self.metric)

    def ratio_of(self, metric: str) -> float:
        return median_of(self.b, metric) / median_of(self.a, metric)

    @property
    def met(self) -> Optional[bool]:
        return None if self.target is None else self.ratio <= self.target


def median_of(runs: Sequence[Run], metric: str) -> float:
    return statistics.median(getattr(run, metric) for run in runs)


def median_wall(runs: Sequence[Run]) -> float:
    return median_of(runs, "wall")


def alternate(
    comparison: Comparison,
    command_a: Sequence[str],
    command_b: Sequence[str],
    repeat: int,
    *,
    cwd: Optional[Path] = None,
    before_a: Callable[[], None] = lambda: None,
    fixed_order: bool = False,
    measure_run: Callable[..., Run] = measure,
) -> Comparison:
    """Run A and B ``repeat`` times each, swapping their order every round
    (unless B depends on A having just run, as a warm cache does)."""
    for round_ in range(repeat):
        b_first = not fixed_order and round_ % 2 == 1
        for side in ("b", "a") if b_first else ("a", "b"):
            if side == "a":
                before_a()
                comparison.a.append(measure_run(command_a, cwd=cwd))
            else:
                comparison.b.append(measure_run(command_b, cwd=cwd))
    return comparison


def flake8_command(paths: Sequence[Path], *, with_botolint: bool, cache: bool = False) -> List[str]:
    command = [PYTHON, str(BENCH / "flake8_entry.py")]
    if not with_botolint:
        command.append("--without-botolint")
    select = "E,W,F,AWS" if with_botolint else "E,W,F"
    if with_botolint and not cache:
        command.append("--botolint-no-cache")
    return command + ["--isolated", "-j1", "--select", select, *map(str, paths)]


def check_command(paths: Sequence[str], *extra: str) -> List[str]:
    return [PYTHON, "-m", "botolint", "check", "--select", "AWS", *extra, *map(str, paths)]


def parse_command(paths: Sequence[Path]) -> List[str]:
    return [PYTHON, str(BENCH / "parse_only.py"), *map(str, paths)]


def botolint_imported(run: Run) -> Optional[bool]:
    from flake8_entry import MARKER  # noqa: E402 - bench/ is on sys.path when run as a script

    for line in run.stderr.splitlines():
        if line.startswith(MARKER):
            return line.split(":", 1)[1].strip() == "True"
    return None


# -- the comparisons -----------------------------------------------------------


def compare_flake8(corpus: Corpus, paths: List[Path], repeat: int, cwd: Path) -> Comparison:
    comparison = Comparison("flake8", corpus.name, "flake8 E,W,F", "flake8 E,W,F + botolint", corpus.flake8_target)
    alternate(
        comparison,
        flake8_command(paths, with_botolint=False),
        flake8_command(paths, with_botolint=True),
        repeat,
        cwd=cwd,
    )
    _check_plugin_loading(comparison)
    return comparison


def compare_flake8_warm(corpus: Corpus, paths: List[Path], repeat: int, cwd: Path) -> Comparison:
    """flake8 runs again over unchanged files: botolint answers from its cache
    (in ``cwd``, which has no pyproject.toml), flake8's own checks run in full."""
    with_cache = flake8_command(paths, with_botolint=True, cache=True)
    measure(with_cache, cwd=cwd)  # fills the cache; not counted
    comparison = Comparison(
        "flake8-warm", corpus.name, "flake8 E,W,F", "... + botolint, warm cache", corpus.warm_target
    )
    alternate(comparison, flake8_command(paths, with_botolint=False), with_cache, repeat, cwd=cwd)
    _check_plugin_loading(comparison)
    return comparison


def _check_plugin_loading(comparison: Comparison) -> None:
    if any(botolint_imported(run) is not False for run in comparison.a):
        raise SystemExit("the flake8 baseline loaded botolint: the comparison would be meaningless")
    if any(botolint_imported(run) is not True for run in comparison.b):
        raise SystemExit("flake8 did not load botolint's plugin: is botolint installed in this Python?")


def compare_check(corpus: Corpus, paths: List[Path], repeat: int, cwd: Path) -> Comparison:
    comparison = Comparison("check", corpus.name, "bare LibCST parse", "botolint check -j1", CHECK_TARGET)
    return alternate(comparison, parse_command(paths), check_command(paths, "--no-cache", "-j1"), repeat, cwd=cwd)


def compare_cache(corpus: Corpus, paths: List[Path], repeat: int, cwd: Path) -> Comparison:
    """Cold then warm, never swapped. An edit to botolint's own code between the
    two (as when people work on botolint while this runs) rightly invalidates
    the cache; such a pair is measured again."""
    cache_dir = cwd / "cache"
    command = check_command(paths, "-j1", "--cache-dir", str(cache_dir))
    comparison = Comparison("cache", corpus.name, "check, cold cache", "check, warm cache", WARM_CACHE_TARGET)
    for _ in range(repeat):
        for _attempt in range(3):
            shutil.rmtree(cache_dir, ignore_errors=True)
            before = botolint_code_fingerprint()
            cold, warm = measure(command, cwd=cwd), measure(command, cwd=cwd)
            if botolint_code_fingerprint() == before:
                break
            print("  (botolint's code changed during a cold/warm pair: measuring it again)", flush=True)
        comparison.a.append(cold)
        comparison.b.append(warm)
    return comparison


def botolint_code_fingerprint() -> str:
    from botolint.cache import code_fingerprint

    return code_fingerprint.__wrapped__()


def compare_jobs(corpus: Corpus, paths: List[Path], repeat: int, cwd: Path) -> Comparison:
    comparison = Comparison("jobs", corpus.name, "check -j1", "check -j2", JOBS_TARGET, metric="wall")
    return alternate(
        comparison,
        check_command(paths, "--no-cache", "-j1"),
        check_command(paths, "--no-cache", "-j2"),
        repeat,
        cwd=cwd,
    )


def compare_memory(corpus: Corpus, stats: CorpusStats, repeat: int, cwd: Path) -> Comparison:
    """Peak RSS must not grow with the number of files: checking all of them
    should peak where checking half of them does. Both halves hold the largest
    file, which sets the floor. The figure is the ratio of the peaks."""
    largest = max(stats.parsed_paths, key=lambda path: Path(path).stat().st_size)
    half = sorted(set(stats.parsed_paths[::2]) | {largest})
    comparison = Comparison(
        "memory", corpus.name, f"check -j1, {len(half)} files", f"check -j1, all {len(stats.parsed_paths)} files", None
    )
    return alternate(
        comparison, check_command(half, "--no-cache", "-j1"),
        check_command(stats.parsed_paths, "--no-cache", "-j1"), repeat, cwd=cwd,
    )


def compare_latency(corpus: Corpus, repeat: int) -> Comparison:
    """flake8 on one file of a large project, as an editor runs it on save:
    with botolint's cache warm, the project layer must answer from it."""
    project = CORPORA / f"{corpus.parts[0][0]}-{PINNED[corpus.parts[0][0]][0]}"
    target = [Path(corpus.latency_file)]
    with_cache = flake8_command(target, with_botolint=True, cache=True)
    measure(with_cache, cwd=project)  # fills the cache (next to the project's pyproject.toml)
    comparison = Comparison(
        "latency", corpus.name, "flake8 E,W,F, one file", "... + botolint, warm", None, metric="wall"
    )
    alternate(comparison, flake8_command(target, with_botolint=False), with_cache, repeat, cwd=project)
    _check_plugin_loading(comparison)
    return comparison


COMPARISONS = ("flake8", "flake8-warm", "check", "cache", "jobs", "memory", "latency")


# -- report --------------------------------------------------------------------


def peak(runs: Sequence[Run]) -> float:
    return max(run.peak_rss_mib for run in runs)


def parallelism(runs: Sequence[Run]) -> float:
    """CPU seconds per wall second: about 1 for one busy process, up to N for N."""
    return statistics.median(run.cpu / run.wall for run in runs)


def verdict(met: Optional[bool]) -> str:
    return {True: "met", False: "NOT met", None: "-"}[met]


def report_line(comparison: Comparison) -> str:
    target = f"<= {comparison.target:g}x" if comparison.target is not None else ""
    a, b = median_wall(comparison.a), median_wall(comparison.b)
    a_cpu, b_cpu = median_of(comparison.a, "cpu"), median_of(comparison.b, "cpu")
    line = (
        f"{comparison.corpus:<11} {comparison.name:<11} {comparison.a_label:>26} {a:6.2f}s ({a_cpu:6.2f}s CPU) | "
        f"{comparison.b_label:<28} {b:6.2f}s ({b_cpu:6.2f}s CPU) | "
        f"ratio {comparison.ratio:5.2f}x {comparison.metric} {target:>8} {verdict(comparison.met)} "
        f"(wall {comparison.ratio_of('wall'):.2f}x, CPU {comparison.ratio_of('cpu'):.2f}x)"
    )
    if comparison.name == "jobs":
        line += f" | CPU/wall: -j1 {parallelism(comparison.a):.2f}, -j2 {parallelism(comparison.b):.2f}"
    if comparison.name in ("check", "jobs", "flake8", "flake8-warm"):
        line += f" | peak RSS A {peak(comparison.a):.0f} MiB, B {peak(comparison.b):.0f} MiB"
    if comparison.name == "latency":
        extra = median_wall(comparison.b) - median_wall(comparison.a)
        line += (
            f" | {median_wall(comparison.b):.2f}s wall, botolint adds {extra:.2f}s "
            f"(target: <= {LATENCY_TARGET_S:g}s: {verdict(median_wall(comparison.b) <= LATENCY_TARGET_S)})"
        )
    if comparison.name == "memory":
        growth = peak(comparison.b) / peak(comparison.a)
        line += (
            f" | peak RSS {peak(comparison.a):.0f} -> {peak(comparison.b):.0f} MiB "
            f"(x{growth:.2f} for twice the files; target: no growth and <= {MEMORY_TARGET_MIB} MiB: "
            f"{verdict(growth <= 1.1 and peak(comparison.b) <= MEMORY_TARGET_MIB)})"
        )
    return line


def run_corpus(corpus: Corpus, only: Sequence[str], repeat: int) -> Tuple[CorpusStats, List[Comparison]]:
    paths = prepare(corpus)
    stats = corpus_stats(paths)
    print(f"\n## {corpus.name}: {corpus.description}: {stats.summary()}", flush=True)
    results = []
    # An empty directory as cwd: no pyproject.toml of ours or of the corpus applies.
    with tempfile.TemporaryDirectory(prefix="botolint-bench-") as scratch:
        cwd = Path(scratch)
        for name in only:
            if corpus.comparisons is not None and name not in corpus.comparisons:
                continue
            if name == "latency" and corpus.latency_file is None:
                continue
            before = botolint_code_fingerprint()
            if name == "memory":
                comparison = compare_memory(corpus, stats, repeat, cwd)
            elif name == "latency":
                comparison = compare_latency(corpus, repeat)
            else:
                comparison = globals()[f"compare_{name.replace('-', '_')}"](corpus, paths, repeat, cwd)
            print(report_line(comparison), flush=True)
            if botolint_code_fingerprint() != before:
                print("  warning: botolint's code changed during this comparison", flush=True)
            results.append(comparison)
    return stats, results


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", choices=[c.name for c in CORPUS_LIST], help="default: all")
    parser.add_argument("--only", default=",".join(COMPARISONS), help=f"comma list of {', '.join(COMPARISONS)}")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (default: 3)")
    args = parser.parse_args(argv)
    only = [name for name in args.only.split(",") if name]
    unknown = set(only) - set(COMPARISONS)
    if unknown:
        parser.error(f"unknown comparisons: {', '.join(sorted(unknown))}")
    sys.path.insert(0, str(BENCH))
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; medians of {args.repeat} runs, A/B alternating")
    record = {}
    for corpus in CORPUS_LIST:
        if args.corpus and corpus.name not in args.corpus:
            continue
        stats, comparisons = run_corpus(corpus, only, args.repeat)
        record[corpus.name] = {
            "stats": {k: v for k, v in asdict(stats).items() if k != "parsed_paths"},
            "comparisons": [
                {**{k: v for k, v in asdict(c).items() if k not in ("a", "b")}, "ratio": c.ratio,
                 "a": [{k: v for k, v in asdict(r).items() if k != "stderr"} for r in c.a],
                 "b": [{k: v for k, v in asdict(r).items() if k != "stderr"} for r in c.b]}
                for c in comparisons
            ],
        }
    CORPORA.mkdir(parents=True, exist_ok=True)
    (CORPORA / "results.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
    print(f"\nAll runs: {CORPORA / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
