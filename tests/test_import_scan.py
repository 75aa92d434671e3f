"""The text scan that narrows which modules can import a given one."""

from __future__ import annotations

import signal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from botolint.project.imports import imported_names


@pytest.fixture(autouse=True)
def _fail_instead_of_hanging():
    # A scan that loops must fail this test, not stall the whole run.
    def expire(signum, frame):
        raise TimeoutError("imported_names did not return")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "source, expected",
    [
        (b"import os  # import later\n", {"os"}),
        (b"from pkg import mod  # import it here\n", {"pkg", "pkg.mod"}),
        (b"from . import (a,\n  b)  # import\nimport c\n", {".", ".a", ".b", "c"}),
        (b"x = 'import'\nimport a.b as ab\n", {"a.b"}),
        (b"from ..up import thing as alias\n", {"..up", "..up.thing"}),
    ],
)
def test_imports_are_named(source, expected):
    assert imported_names(source) == expected


@settings(database=None, max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["import a", "from b import c", "  # import", " import", "(", ")", "\n", ";", "x"])))
def test_any_text_is_scanned_to_the_end(pieces):
    # Every call must return; a scan that searched backwards never did.
    assert isinstance(imported_names("".join(pieces).encode()), set)
