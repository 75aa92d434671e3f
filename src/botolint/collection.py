"""Pausing the cyclic garbage collector while one file is parsed and analyzed,
and while a run gathers what its worker processes send back."""

from __future__ import annotations

import gc
from contextlib import contextmanager


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
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


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
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
