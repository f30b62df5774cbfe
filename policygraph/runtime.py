"""Process-wide settings for the long-running entry points (the CLI, the server, the benchmark's steps).

Python's cyclic garbage collector runs a full collection every ~70,000 allocations by default and walks every
live object each time. A query process holds hundreds of thousands of small objects (records, views, JSON
maps) that are freed by reference counting, not by the collector, so those walks found nothing and cost two
thirds of a plan page at size S (3.5 s against 1.1 s with the collector off). ``tune_gc`` freezes what startup
allocated (imports, vocabularies) out of the collector's sight and collects ten times less often.
"""
from __future__ import annotations

import gc

#: Allocations between young collections (default 700), and how many young / middle collections between older ones.
GC_THRESHOLDS = (50_000, 20, 20)


def tune_gc() -> None:
    """Apply the collector settings above (idempotent; cyclic garbage is still collected, only less often)."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
