"""Suite-wide setup: the test helpers are importable, hypothesis keeps no example
database and stores what it caches under pytest's temporary directory, and a run
that leaves a tool's cache in the checkout fails."""

import sys
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

# Tests still say database=None themselves; this covers one that forgets.
settings.register_profile("botolint-tests", database=None)
settings.load_profile("botolint-tests")


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


@pytest.fixture(scope="session", autouse=True)
def hypothesis_storage_in_tmp(tmp_path_factory):
    """Hypothesis caches unicode tables and source constants even without a
    database, in ``.hypothesis`` of the cwd unless told otherwise."""
    configuration.set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))
    yield
    configuration.set_hypothesis_home_dir(None)
