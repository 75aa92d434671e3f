"""Pausing the cyclic garbage collector while one file is parsed and analyzed,
and while a run gathers what its worker processes send back."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Callable


@contextmanager
def collecting_once():
    """Pause the cyclic garbage collector while one file is analyzed, then
    collect once. A LibCST tree is hundreds of thousands of young objects:
    left alone, the collector traverses the growing tree many times while it
    is built (about 15% of the analysis time, more in a big process such as
    flake8's). An analysis released before the block ends (``FileAnalysis.release``)
    leaves the tree to reference counting, and the collection little to do;
    one that is not is cyclic garbage (its scopes and bindings), freed here.
    Memory still peaks at one file's worth."""
    with _paused(lambda: gc.collect(0)):
        yield


@contextmanager
def gathering_without_collecting():
    """Pause the cyclic garbage collector while this process gathers what
    worker processes send back, then freeze what it kept out of later
    collections. Unpickling a run's summaries and findings makes millions of
    objects that the run keeps: a collector left on traverses the whole
    growing heap again and again (on moto, ten times the cost of the
    unpickling itself, and 7% of the run). They are plain data, without
    cycles to free. A process forked meanwhile inherits the pause, and
    enables the collector itself (``runner._init_worker``)."""
    with _paused(gc.freeze):
        yield


@contextmanager
def _paused(on_resuming: Callable[[], object]):
    """Pause the collector, and call ``on_resuming`` before it resumes; left
    as it is where it was off (an outer pause is in charge)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        on_resuming()
        gc.enable()
