"""SQL facts kept on disk between runs of ``flare-ls --check``.

Parsing a query costs a fraction of a millisecond, but the first one in a process also loads sqlglot
(about 70 ms: as much as the rest of a cold ``--check``). A pre-commit hook or a re-run over unchanged
manifests finds every query's facts here and never loads sqlglot. The language server keeps facts in
memory instead (``sql.analyze_sql``'s cache) and does not use this.

The file is keyed by everything the facts depend on (flare-ls's version, the source of ``sql.py``
that extracts them, sqlglot's version), so a stale file is ignored, never trusted. A cache that cannot
be read or written costs time only: every failure here is silent.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import __version__
from .files import write_atomically

#: Directory for the cache; default ``$XDG_CACHE_HOME/flare-ls`` (``~/.cache/flare-ls``).
CACHE_ENV = "FLARE_LS_CACHE_DIR"
#: Entries kept: about 0.5 KB each on disk, so a few MB at most; the oldest go first.
MAX_ENTRIES = 20_000


def default_dir() -> Path:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flare-ls"


def _fingerprint() -> str:
    """What the cached facts depend on, without importing sqlglot (finding it is enough)."""
    digest = hashlib.sha256(__version__.encode())
    digest.update((Path(__file__).parent / "sql.py").read_bytes())
    spec = importlib.util.find_spec("sqlglot")
    if spec is not None and spec.origin is not None:
        package = Path(spec.origin).parent
        version = package / "_version.py"
        digest.update(version.read_bytes() if version.is_file() else str(package.stat().st_mtime_ns).encode())
    return digest.hexdigest()[:16]


class FactsStore:
    """Facts by (masked SQL text, dialect), loaded at the first lookup and saved by :meth:`save`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._entries: dict[tuple[str, str], Any] | None = None
        self._added: dict[tuple[str, str], Any] = {}
        self._path: Path | None = None

    @property
    def path(self) -> Path:
        if self._path is None:
            self._path = self.directory / f"sql-facts-{_fingerprint()}.pickle"
        return self._path

    def _load(self) -> dict[tuple[str, str], Any]:
        if self._entries is None:
            try:
                with self.path.open("rb") as file:
                    loaded = pickle.load(file)
                self._entries = loaded if isinstance(loaded, dict) else {}
            except Exception:  # noqa: BLE001 - missing, unreadable or from another version: start empty
                self._entries = {}
        return self._entries

    def get(self, key: tuple[str, str]) -> Any:
        return self._load().get(key)

    def put(self, key: tuple[str, str], facts: Any) -> None:
        self._load()[key] = facts
        self._added[key] = facts

    def save(self) -> None:
        """Write what this process added, merged with what the file holds now (other processes may
        have written meanwhile), atomically."""
        if not self._added:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with _locked(self.directory / ".lock"):
                self._merge_and_write()
            self._added = {}
        except Exception:  # noqa: BLE001 - a cache that cannot be written costs time, nothing else
            pass

    def _merge_and_write(self) -> None:
        merged: dict[tuple[str, str], Any] = {}
        try:
            with self.path.open("rb") as file:
                current = pickle.load(file)
            merged = current if isinstance(current, dict) else {}
        except Exception:  # noqa: BLE001 - nothing usable there yet
            pass
        merged.update(self._added)
        if len(merged) > MAX_ENTRIES:
            merged = dict(list(merged.items())[-MAX_ENTRIES:])
        write_atomically(self.path, pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (POSIX): the pool's workers save at the same moment, and each
    must merge what the others wrote. Where ``fcntl`` is missing, the last writer wins."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
