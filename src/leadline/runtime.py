"""Process-wide tuning of a long-running Leadline process (server, worker, import)."""

from __future__ import annotations

import gc

#: Python's own first threshold, for comparison (``gc.get_threshold()[0]`` by default).
PYTHON_DEFAULT_GEN0 = 700


def tune_gc(gen0_threshold: int) -> None:
    """Collect cyclic garbage less often, and never walk what start-up made.

    A bulk import allocates hundreds of thousands of short-lived containers per batch
    (rows, parsed numbers, statement parameters). At Python's default first threshold
    (700) the collector ran about 25 times per thousand leads, and its older
    generations walked every long-lived object (the ORM's mappers, the phone metadata):
    about 18 µs of CPU per lead, a tenth of what an import costs in all
    (docs/performance.md). Most garbage is freed by reference counting anyway; the
    threshold only says how many new containers may wait for the cycle collector.

    ``gen0_threshold`` is ``LEADLINE_GC_THRESHOLD``; 0 leaves Python's settings alone.
    """
    if gen0_threshold <= 0:
        return
    # Start-up's objects (modules, mappers, metadata) live as long as the process: moved
    # out of the collector's sight, full collections no longer walk them.
    gc.collect()
    gc.freeze()
    _, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(gen0_threshold, gen1, gen2)
