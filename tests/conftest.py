"""Suite-wide setup: the test helpers are importable, hypothesis keeps no example
database and stores what it caches in a temporary directory, and a run that
leaves a tool's cache in the checkout fails."""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import FrozenSet, List

import pytest
from hypothesis import configuration, settings

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))
CHECKOUT = TESTS.parent
# What botolint (in the cwd or next to pyproject.toml) and hypothesis (in the cwd)
# create when a test forgets to point them at tmp_path.
CACHE_DIRECTORIES = (".botolint_cache", ".hypothesis")
_CACHES_BEFORE = pytest.StashKey[FrozenSet[Path]]()
_CACHES_LEFT = pytest.StashKey[List[Path]]()
_HYPOTHESIS_HOME = pytest.StashKey[Path]()

# Tests still say database=None themselves; this covers one that forgets.
settings.register_profile("botolint-tests", database=None)
settings.load_profile("botolint-tests")


def pytest_configure(config: pytest.Config) -> None:
    # Hypothesis caches unicode tables and source constants even without a
    # database; collection already needs them (importing hypothesmith builds
    # the tables), so this cannot wait for a fixture.
    home = Path(tempfile.mkdtemp(prefix="botolint-tests-hypothesis-"))
    config.stash[_HYPOTHESIS_HOME] = home
    configuration.set_hypothesis_home_dir(home)


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(_HYPOTHESIS_HOME, None)
    if home is not None:
        configuration.set_hypothesis_home_dir(None)
        shutil.rmtree(home, ignore_errors=True)


def _caches_in_checkout() -> FrozenSet[Path]:
    found = {place / name for place in (CHECKOUT, Path.cwd()) for name in CACHE_DIRECTORIES if (place / name).exists()}
    try:  # anywhere else in the checkout (a fixture project's directory): git lists ignored directories fast
        listing = subprocess.run(
            ["git", "ls-files", "--others", "--ignored", "--exclude-standard", "--directory", "-z"],
            cwd=CHECKOUT, capture_output=True, text=True, timeout=60, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):  # not a git checkout
        return frozenset(found)
    entries = (entry.rstrip("/") for entry in listing.split("\0") if entry)
    return frozenset(found | {CHECKOUT / entry for entry in entries if Path(entry).name in CACHE_DIRECTORIES})


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_CACHES_BEFORE] = _caches_in_checkout()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A cache that was there before the run cannot be blamed on it.
    left = sorted(_caches_in_checkout() - session.config.stash.get(_CACHES_BEFORE, frozenset()))
    session.config.stash[_CACHES_LEFT] = left
    if left:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    left = config.stash.get(_CACHES_LEFT, [])
    if left:
        terminalreporter.section("written into the checkout", red=True)
        for path in left:
            terminalreporter.write_line(f"{path}: a test must keep its caches under tmp_path")


@pytest.fixture
def analyses(monkeypatch) -> List[str]:
    """The names of the files the runner actually analyzed (parsed: cache misses), in order."""
    from botolint import runner

    seen: List[str] = []
    analyze = runner.analyze_for_report

    def spy(path, *args, **kwargs):
        seen.append(Path(path).name)
        return analyze(path, *args, **kwargs)

    monkeypatch.setattr(runner, "analyze_for_report", spy)
    return seen
