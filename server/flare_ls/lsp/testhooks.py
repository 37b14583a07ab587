"""What the end-to-end tests and ``bench/bench_lsp.py`` observe inside the server: off in normal use.

With ``FLARE_LS_TEST_HOOKS=1`` in its environment the server counts what it does and times the garbage
collector, and answers two requests no editor sends:

- ``flare-ls/test/stats`` (params ``{"reset": bool, "settle": bool, "key": str}``): the analyses
  computed, the diagnostics published and those not sent again because nothing changed, the YAML
  mappings alive that hold ``key`` (one per such mapping of each open document, unless old versions are
  kept), whether pydantic and sqlglot are loaded yet, and per collector generation the collections, the
  longest pause and their total in ms (``reset`` starts the pauses afresh; ``settle`` answers once every
  scheduled analysis and publication, and the warm-up after them, is done);
- ``flare-ls/test/hold`` (params ``{"hold": bool}``): while held, an analysis run in a thread (a big
  document, ``server.BIG_TEXT``) waits before it starts, so a test can ask something while it is sure the
  newest version is not analysed yet, then let it go;
- ``flare-ls/test/text`` (params ``{"uri": str}``): the text the server holds for an open document, as
  its changes made it.

Counting is cheap and always on (the counters are plain integers); only the collector callback and the
two requests need the variable, so normal sessions pay nothing for them.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import FlareServer

ENABLED = os.environ.get("FLARE_LS_TEST_HOOKS") == "1"
STATS, HOLD, TEXT = "flare-ls/test/stats", "flare-ls/test/hold", "flare-ls/test/text"
#: How often a held analysis looks again (a stop asked meanwhile lands between two looks).
HOLD_POLL_SECONDS = 0.02


class Counters:
    """What the server did; read by ``flare-ls/test/stats``."""

    def __init__(self) -> None:
        self.analyses = 0
        #: Of them, those run in a thread (a big document's whole analysis).
        self.threaded = 0
        self.published = 0
        self.unchanged = 0
        self._released = threading.Event()
        self._released.set()
        self._pauses: dict[int, list[float]] = {}
        self._started = 0.0

    # -- holding analyses
    def hold(self, held: bool) -> None:
        if held:
            self._released.clear()
        else:
            self._released.set()

    @property
    def holding(self) -> bool:
        """Whether a test holds analyses (the language server then runs a big document's in a thread)."""
        return not self._released.is_set()

    def wait_if_held(self) -> None:
        """Called by an analysis in a thread before it starts: waits while a test holds analyses."""
        while not self._released.wait(HOLD_POLL_SECONDS):
            pass

    # -- the collector
    def watch_collector(self) -> None:
        gc.callbacks.append(self._collector)

    def _collector(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self._pauses.setdefault(info["generation"], []).append((time.perf_counter() - self._started) * 1000)

    def report(self, reset: bool) -> dict[str, Any]:
        pauses = {
            str(generation): {"count": len(times), "max_ms": max(times), "total_ms": sum(times)}
            for generation, times in sorted(self._pauses.items())
            if times
        }
        if reset:
            self._pauses = {}
        return {
            "analyses": self.analyses,
            "threaded": self.threaded,
            "published": self.published,
            "unchanged": self.unchanged,
            "gc": pauses,
        }


def live_maps(key: str) -> int:
    """The YAML mappings alive that hold ``key``, found among the objects the collector tracks (the
    trees of old versions, if they were kept, are there until a collection reaches them)."""
    from ..parsing.yamltree import YMap

    return sum(1 for o in gc.get_objects() if type(o) is YMap and key in o.entries)


def _param(params: Any, name: str) -> Any:
    return params.get(name) if isinstance(params, dict) else getattr(params, name, None)


def _flag(params: Any, name: str) -> bool:
    return bool(_param(params, name))


def register(server: FlareServer) -> None:
    if not ENABLED:
        return
    server.counters.watch_collector()

    @server.feature(STATS)
    async def stats(ls: FlareServer, params: Any) -> dict[str, Any]:
        if _flag(params, "settle"):
            while ls.publishing:
                await asyncio.gather(*list(ls.publishing), return_exceptions=True)
            if ls.warming is not None:
                await ls.warming
            await asyncio.sleep(0)  # the workspace recheck that a publication may have scheduled
        key = _param(params, "key")
        loaded = {name: name in sys.modules for name in ("pydantic", "sqlglot")}
        return {**ls.counters.report(_flag(params, "reset")), "maps": live_maps(key) if key else None, "loaded": loaded}

    @server.feature(HOLD)
    def hold(ls: FlareServer, params: Any) -> None:
        ls.counters.hold(_flag(params, "hold"))

    @server.feature(TEXT)
    def text(ls: FlareServer, params: Any) -> str | None:
        current = ls.text_of(str(_param(params, "uri")))
        return current[0] if current is not None else None
