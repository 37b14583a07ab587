"""SQL facts kept on disk between runs of ``flare-ls --check``.

Parsing a query costs a fraction of a millisecond, but the first one in a process also loads sqlglot
(about 70 ms: as much as the rest of a cold ``--check``). A pre-commit hook or a re-run over unchanged
manifests finds every query's facts here and never loads sqlglot. The language server keeps facts in
memory instead (``sql.analyze_sql``'s cache) and does not use this.

The cache directory may come from somewhere else (a CI cache restored from another job, a shared
home), so its content is data, never code: a JSON file of plain values, each checked on load (types,
offsets inside the query) before it becomes a :class:`~flare_ls.sql.SqlFacts`; a file that fails any
check is ignored whole. The file's name carries the format version and a fingerprint of everything
the facts depend on (flare-ls's version, the source of the ``sql`` package that extracts them, sqlglot's
version), so a stale file is ignored, never trusted.

The directory is used only when it is a real directory (not a symbolic link), owned by the user and
writable by nobody else; it is created with mode 0700. Every file in it is opened relative to the
directory's descriptor and without following symbolic links; the facts are written to a new file
(mode 0600, ``O_EXCL``) that then replaces the old one, so a link planted in the directory is
replaced, never written through. A cache that cannot be read or written costs time only: every
failure here is silent.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from .. import __version__
from . import ColumnRef, ColumnUse, Operation, ResultColumn, SqlFacts, SqlProblem, TableRead

#: Directory for the cache; default ``$XDG_CACHE_HOME/flare-ls`` (``~/.cache/flare-ls``).
CACHE_ENV = "FLARE_LS_CACHE_DIR"
#: Entries kept: about 0.5 KB each on disk, so a few MB at most; the oldest go first.
MAX_ENTRIES = 20_000
#: A larger file is not read (20,000 entries take about 10 MB; the rest would be someone else's).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: The layout of the JSON file; a file of another version is ignored.
FORMAT_VERSION = 2
FORMAT_NAME = "flare-ls-sql-facts"

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
#: Opening relative to a directory's descriptor is what keeps a swapped directory from redirecting
#: writes; without it (Windows) the cache is not used.
_SUPPORTED = os.open in os.supports_dir_fd and bool(_O_NOFOLLOW) and bool(_O_DIRECTORY)


def default_dir() -> Path:
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flare-ls"


def _fingerprint() -> str:
    """What the cached facts depend on, without importing sqlglot (finding it is enough)."""
    digest = hashlib.sha256(__version__.encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    spec = importlib.util.find_spec("sqlglot")
    if spec is not None and spec.origin is not None:
        package = Path(spec.origin).parent
        version = package / "_version.py"
        digest.update(version.read_bytes() if version.is_file() else str(package.stat().st_mtime_ns).encode())
    return digest.hexdigest()[:16]


Key = tuple[str, str]


class FactsStore:
    """Facts by (masked SQL text, dialect), loaded at the first lookup and saved by :meth:`save`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._entries: dict[Key, SqlFacts] | None = None
        self._added: dict[Key, SqlFacts] = {}
        self._name: str | None = None

    @property
    def name(self) -> str:
        """The file's name in the directory (format version and fingerprint)."""
        if self._name is None:
            self._name = f"sql-facts-v{FORMAT_VERSION}-{_fingerprint()}.json"
        return self._name

    @property
    def path(self) -> Path:
        return self.directory / self.name

    def _load(self) -> dict[Key, SqlFacts]:
        if self._entries is None:
            self._entries = {}
            try:
                with _open_directory(self.directory, create=False) as fd:
                    self._entries = _read_entries(fd, self.name)
            except Exception:  # noqa: BLE001 - missing, unsafe, unreadable or malformed: start empty
                pass
        return self._entries

    def get(self, key: Key) -> SqlFacts | None:
        return self._load().get(key)

    def put(self, key: Key, facts: SqlFacts) -> None:
        self._load()[key] = facts
        self._added[key] = facts

    def save(self) -> None:
        """Write what this process added, merged with what the file holds now (other processes may
        have written meanwhile), atomically."""
        if not self._added:
            return
        try:
            with _open_directory(self.directory, create=True) as fd, _locked(fd):
                self._merge_and_write(fd)
            self._added = {}
        except Exception:  # noqa: BLE001 - a cache that cannot be written costs time, nothing else
            pass

    def _merge_and_write(self, fd: int) -> None:
        try:
            merged = _read_entries(fd, self.name)
        except Exception:  # noqa: BLE001 - nothing usable there yet
            merged = {}
        merged.update(self._added)
        if len(merged) > MAX_ENTRIES:
            merged = dict(list(merged.items())[-MAX_ENTRIES:])
        document = {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "entries": [[text, dialect, encode_facts(facts)] for (text, dialect), facts in merged.items()],
        }
        data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        _replace_file(fd, self.name, data)


# -- the directory and its files ---------------------------------------------------------------------
@contextlib.contextmanager
def _open_directory(directory: Path, *, create: bool) -> Iterator[int]:
    """A descriptor of the cache directory, when it is safe to use: a directory (not a symbolic link to
    one), owned by this user, that no one else may write to. Raises OSError otherwise."""
    if not _SUPPORTED:
        raise OSError("the cache needs O_NOFOLLOW and directory descriptors")
    if create:
        directory.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(directory, 0o700)
    fd = os.open(directory, os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC)
    try:
        status = os.fstat(fd)
        if not stat.S_ISDIR(status.st_mode):
            raise OSError(f"{directory} is not a directory")
        if status.st_uid != os.geteuid():
            raise OSError(f"{directory} belongs to another user")
        if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise OSError(f"{directory} is writable by others")
        yield fd
    finally:
        os.close(fd)


def _read_entries(directory_fd: int, name: str) -> dict[Key, SqlFacts]:
    """The entries of the cache file, validated; raises on anything missing, unsafe or malformed."""
    fd = os.open(name, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC, dir_fd=directory_fd)
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode) or status.st_uid != os.geteuid():
            raise ValueError("not a regular file of this user")
        if status.st_size > MAX_FILE_BYTES:
            raise ValueError("too large")
        chunks: list[bytes] = []
        size = 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise ValueError("too large")
    finally:
        os.close(fd)
    return decode_document(json.loads(b"".join(chunks).decode("utf-8")))


def _replace_file(directory_fd: int, name: str, data: bytes) -> None:
    """Write ``data`` to a new file (``O_EXCL``, mode 0600) and move it over ``name``: readers see the
    old file or the new one, and a symbolic link at ``name`` is replaced, not followed."""
    temp = f".{name}.{secrets.token_hex(8)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC
    fd = os.open(temp, flags, 0o600, dir_fd=directory_fd)
    try:
        try:
            view, offset = memoryview(data), 0
            while offset < len(data):
                offset += os.write(fd, view[offset:])
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, name, src_dir_fd=directory_fd, dst_dir_fd=directory_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=directory_fd)
        raise


@contextlib.contextmanager
def _locked(directory_fd: int) -> Iterator[None]:
    """Hold an exclusive lock on the directory's ``.lock`` (POSIX): the pool's workers save at the same
    moment, and each must merge what the others wrote."""
    import fcntl

    flags = os.O_RDWR | os.O_CREAT | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC
    fd = os.open(".lock", flags, 0o600, dir_fd=directory_fd)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError("the lock is not a regular file")
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# -- facts as plain JSON values, and back ------------------------------------------------------------
def encode_facts(facts: SqlFacts) -> dict[str, Any]:
    """``facts`` as JSON values: objects become lists of their fields, in declaration order."""
    error = facts.error
    return {
        "parsed": facts.parsed,
        "error": None if error is None else [error.message, error.start, error.end],
        "reads": [[r.name, r.start, r.end] for r in facts.reads],
        "operations": [[o.kind, o.label, o.start, o.end] for o in facts.operations],
        "binary_columns": [
            [c.name, c.qualifier, c.start, c.end, [list(s) for s in c.sources], c.bare] for c in facts.binary_columns
        ],
        "passes_through": list(facts.passes_through),
        "result_columns": None
        if facts.result_columns is None
        else [[c.kind, c.name, list(c.views), c.start, c.end] for c in facts.result_columns],
        "column_refs": [
            [r.view, r.qualifier, r.name, r.start, r.end, r.quoted, list(r.views)] for r in facts.column_refs
        ],
        "keyword_name": None
        if facts.keyword_name is None
        else [facts.keyword_name.message, facts.keyword_name.start, facts.keyword_name.end],
    }


class Malformed(ValueError):
    """A cache file, or an entry of one, that is not what :func:`encode_facts` writes."""


T = TypeVar("T")


def decode_document(document: Any) -> dict[Key, SqlFacts]:
    """The entries of a cache file's JSON, every value checked; raises :class:`Malformed`."""
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise Malformed("not a flare-ls SQL facts file")
    if document.get("version") != FORMAT_VERSION:
        raise Malformed("another version of the format")
    entries = _list(document.get("entries"))
    if len(entries) > MAX_ENTRIES:
        raise Malformed("too many entries")
    out: dict[Key, SqlFacts] = {}
    for entry in entries:
        text, dialect, facts = _fields(entry, 3)
        text, dialect = _str(text), _str(dialect)
        out[(text, dialect)] = decode_facts(facts, len(text))
    return out


def decode_facts(value: Any, length: int) -> SqlFacts:
    """The facts of one query of ``length`` characters: every offset must lie inside it."""
    if not isinstance(value, dict) or set(value) != _FACT_KEYS:
        raise Malformed("not the facts of a query")

    def offsets(start: Any, end: Any) -> tuple[int, int]:
        start, end = _int(start), _int(end)
        if not 0 <= start <= end <= length:
            raise Malformed("an offset outside the query")
        return start, end

    def problem(item: Any) -> SqlProblem:
        message, start, end = _fields(item, 3)
        return SqlProblem(_str(message), *offsets(start, end))

    def read(item: Any) -> TableRead:
        name, start, end = _fields(item, 3)
        return TableRead(_str(name), *offsets(start, end))

    def operation(item: Any) -> Operation:
        kind, label, start, end = _fields(item, 4)
        return Operation(_str(kind), _str(label), *offsets(start, end))

    def source(item: Any) -> tuple[str, str]:
        table, alias = _fields(item, 2)
        return _str(table), _str(alias)

    def column(item: Any) -> ColumnUse:
        name, qualifier, start, end, sources, bare = _fields(item, 6)
        qualifier = None if qualifier is None else _str(qualifier)
        return ColumnUse(_str(name), qualifier, *offsets(start, end), _each(sources, source), _bool(bare))

    def result_column(item: Any) -> ResultColumn:
        kind, name, views, start, end = _fields(item, 5)
        if _str(kind) not in _RESULT_KINDS:
            raise Malformed("not a kind of result column")
        return ResultColumn(kind, _str(name), _each(views, _str), *offsets(start, end))

    def column_ref(item: Any) -> ColumnRef:
        view, qualifier, name, start, end, quoted, views = _fields(item, 7)
        return ColumnRef(
            _str(view), _str(qualifier), _str(name), *offsets(start, end), _bool(quoted), _each(views, _str)
        )

    result = value["result_columns"]
    error = value["error"]
    keyword = value["keyword_name"]
    return SqlFacts(
        parsed=_bool(value["parsed"]),
        error=None if error is None else problem(error),
        reads=_each(value["reads"], read),
        operations=_each(value["operations"], operation),
        binary_columns=_each(value["binary_columns"], column),
        passes_through=_each(value["passes_through"], _str),
        result_columns=None if result is None else _each(result, result_column),
        column_refs=_each(value["column_refs"], column_ref),
        keyword_name=None if keyword is None else problem(keyword),
    )


_FACT_KEYS = {
    "parsed",
    "error",
    "reads",
    "operations",
    "binary_columns",
    "passes_through",
    "result_columns",
    "column_refs",
    "keyword_name",
}
_RESULT_KINDS = {"named", "unnamed", "star"}


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise Malformed("a list expected")
    return value


def _fields(value: Any, count: int) -> list[Any]:
    items = _list(value)
    if len(items) != count:
        raise Malformed(f"{count} fields expected")
    return items


def _each(value: Any, decode: Callable[[Any], T]) -> tuple[T, ...]:
    return tuple(decode(item) for item in _list(value))


def _str(value: Any) -> str:
    if type(value) is not str:
        raise Malformed("a string expected")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise Malformed("an integer expected")
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise Malformed("true or false expected")
    return value
