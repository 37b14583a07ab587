"""Giving the memory of closed documents back to the system, and the collector's settings.

Closing a document frees everything the server held for it, but the C allocator keeps freed memory
for reuse: measured over 16,000 open/change/close cycles (``bench/bench_lsp_memory.py``), the Python
objects alive stay level (``tracemalloc``: +64 KB, a bounded URI cache of ``urllib``) while the
resident set grows about 8 MB, nearly half of it free space inside glibc's heap. ``malloc_trim``
returns that space; it runs once, shortly after the last of a burst of closes (closing a window's
worth of documents trims once). Elsewhere than on glibc it does nothing.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import sys
from collections.abc import Callable

#: How long after a document closes the trim runs (further closes meanwhile join it).
TRIM_DELAY_SECONDS = 0.5


def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(None).malloc_trim  # glibc only (musl has none)
    except (OSError, AttributeError):
        return None
    return trim


class Trimmer:
    """Calls ``malloc_trim`` once after a burst of :meth:`soon` calls."""

    def __init__(self) -> None:
        self._trim = _malloc_trim()
        self._pending: asyncio.TimerHandle | None = None
        #: How many trims ran (for tests).
        self.trims = 0

    def soon(self) -> None:
        if self._trim is None or self._pending is not None:
            return
        self._pending = asyncio.get_running_loop().call_later(TRIM_DELAY_SECONDS, self._run)

    def _run(self) -> None:
        self._pending = None
        if self._trim is not None:
            self._trim(0)
            self.trims += 1


def tune_collector() -> None:
    """Keep collector pauses out of keystroke latency (measured over keystrokes in a 20,000-line
    manifest with ``bench/bench_lsp.py``).

    What exists once the server is loaded (the compiled schema, pygls) is frozen out of every
    scan. The young generations keep Python's thresholds: measured against a first threshold of 50,000,
    which let a whole analysis finish between collections, the many small collections cost a tenth as
    much in all (the objects they scan are still in the processor's cache) and pause for milliseconds
    instead of up to 300 ms. Full collections are what scan a big document's whole tree, and an analysis
    leaves no cycles for them to find: each replaced version's tree is released (``yamltree.release``)
    and the analysis clears its per-job memos. So the oldest generation waits for a pause in the
    typing (:class:`IdleCollector`) instead of its usual threshold.
    """
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_THRESHOLD)


#: Collections of the middle generation before a full one: far more than an author types between pauses.
FULL_THRESHOLD = 100_000
#: How long the server waits after the last analysis before a full collection.
IDLE_SECONDS = 2.0


class IdleCollector:
    """A full collection once the server has been idle for a moment after analysing: the few cycles
    that requests leave (a completion's views of a query) are freed then, not in the middle of typing."""

    def __init__(self, busy: Callable[[], bool]) -> None:
        self._busy = busy
        self._pending: asyncio.TimerHandle | None = None
        #: How many full collections ran (for tests).
        self.collections = 0

    def soon(self) -> None:
        """Called after each analysis: the collection moves to ``IDLE_SECONDS`` from now."""
        if self._pending is not None:
            self._pending.cancel()
        try:
            self._pending = asyncio.get_running_loop().call_later(IDLE_SECONDS, self._run)
        except RuntimeError:  # no loop (the server driven without one): the usual thresholds apply
            self._pending = None

    def _run(self) -> None:
        self._pending = None
        if self._busy():
            self.soon()
            return
        gc.collect()
        self.collections += 1
