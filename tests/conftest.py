"""Suite-wide setup: the test helpers are importable, hypothesis keeps no example
database and stores what it caches in a temporary directory, and a run that
leaves a tool's cache in the checkout fails."""

import shutil
import sys
import tempfile
from pathlib import Path
from typing import FrozenSet

import pytest
from hypothesis import configuration, settings

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))
CHECKOUT = TESTS.parent
# What botolint (in the cwd or next to pyproject.toml) and hypothesis (in the cwd)
# create when a test forgets to point them at tmp_path.
CACHE_DIRECTORIES = (".botolint_cache", ".hypothesis")
_CACHES_BEFORE = pytest.StashKey[FrozenSet[Path]]()
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
    places = {CHECKOUT, Path.cwd()}
    return frozenset(place / name for place in places for name in CACHE_DIRECTORIES if (place / name).exists())


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_CACHES_BEFORE] = _caches_in_checkout()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # A cache that was there before the run cannot be blamed on it.
    left = sorted(_caches_in_checkout() - session.config.stash.get(_CACHES_BEFORE, frozenset()))
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = "tests wrote into the checkout: " + ", ".join(map(str, left)) + " (use tmp_path)"
        if reporter is not None:
            reporter.ensure_newline()
            reporter.write_line(message, red=True)
        else:
            print(message, file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
