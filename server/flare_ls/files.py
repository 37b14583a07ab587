"""Manifests on disk: reading only regular files of a bounded size, decoding them as YAML says
(byte-order mark, else the pattern of NUL bytes), and rewriting a file's content in place."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .findings import Finding, Severity
from .rules.base import declare

UNREADABLE = declare("FL003", "unreadable-file", Severity.ERROR, "a file that cannot be read or decoded")

#: The largest manifest read (``max-file-size`` in the configuration, ``--max-file-size``): a
#: hand-written workflow is a few KB, analysing 5 MiB takes seconds, and a larger file is generated
#: data or a mistake (a log, a dump) that would only cost time and memory.
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024

#: Byte-order marks and the codec for what follows each (UTF-32 LE before UTF-16 LE: its mark begins
#: with UTF-16 LE's). Explicit byte orders, so that ``--fix`` writes a file back as it was read.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}
YAML_SUFFIXES = (".yaml", ".yml")

#: Opened without waiting: a FIFO put in place of a file between ``stat`` and ``open`` must not block.
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation


class UnreadableFile(Exception):
    """A file flare-ls does not read; ``reason`` completes "cannot read the file: ..."."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FileTooLarge(UnreadableFile):
    """A regular file above the size limit."""

    def __init__(self, size: int | None, limit: int) -> None:
        what = f"it is {format_size(size)}, more than" if size is not None else "it is larger than"
        super().__init__(
            f"{what} the {format_size(limit)} flare-ls reads; to check it, raise `max-file-size` in "
            "flare-ls.toml (or pass --max-file-size)"
        )
        self.size = size
        self.limit = limit


@dataclass(frozen=True)
class FileContent:
    """A regular file's bytes and its status when they were read (to notice a change before writing)."""

    data: bytes
    status: os.stat_result


def format_size(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    return next((words for is_kind, words in _KINDS if is_kind(mode)), "a special file")


def read_regular_file(path: Path | str, limit: int = DEFAULT_MAX_FILE_SIZE) -> FileContent:
    """The bytes of a regular file (a symbolic link to one is followed) of at most ``limit`` bytes.

    Anything else raises :class:`UnreadableFile` without reading it: a FIFO would block forever and
    ``/dev/zero`` would fill memory, also when met as ``evil.yaml -> /dev/zero`` while walking a
    repository. The type is checked before opening and again on the open file, and at most ``limit``
    + 1 bytes are read, so a file that grows meanwhile is refused too.
    """
    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise UnreadableFile(f"it is {kind_of(before.st_mode)}, not a regular file")
        if before.st_size > limit:
            raise FileTooLarge(before.st_size, limit)
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_CLOEXEC | _O_BINARY)
    except OSError as exc:
        raise UnreadableFile(exc.strerror or str(exc)) from None
    try:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile(f"it is {kind_of(status.st_mode)}, not a regular file")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise FileTooLarge(status.st_size if status.st_size > limit else None, limit)
        return FileContent(b"".join(chunks), status)
    except OSError as exc:
        raise UnreadableFile(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)


def read_limited(stream: BinaryIO, limit: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """At most ``limit`` bytes of a binary stream (standard input); raises :class:`FileTooLarge` when
    there are more, without reading them all."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(None, limit)
    return data


def decode(data: bytes) -> tuple[str | None, Finding | None]:
    """The text of a manifest, or a finding that says where decoding failed.

    YAML files are UTF-8 unless a byte-order mark or the NUL bytes of the first character say UTF-16
    or UTF-32 (YAML 1.2, 5.2).
    """
    bom, encoding = encoding_of(data)
    body = data[len(bom) :]
    try:
        return body.decode(encoding), None
    except UnicodeDecodeError as exc:
        before = body[: exc.start].decode(encoding)  # decodes: the error is after it
        line = before.count("\n")
        column = len(before) - before.rfind("\n") - 1
        byte = body[exc.start : exc.start + 1].hex()
        detected = "" if bom or encoding == "utf-8" else " (detected from its NUL bytes, without a byte-order mark)"
        message = (
            f"the file is not valid {encoding.upper()}{detected}: byte 0x{byte} cannot be decoded; save it as UTF-8"
        )
        return None, Finding(UNREADABLE, message, (line, column), (line, column + 1), UNREADABLE.severity)


def encoding_of(data: bytes) -> tuple[bytes, str]:
    """The byte-order mark ``data`` starts with (or b"") and the codec for the bytes after it.

    Without a mark, YAML 1.2 (5.2) tells the encoding from the NUL bytes around the first character,
    which a YAML stream's first character (printable, never NUL) makes unambiguous: ``00 00 00 x`` is
    UTF-32 BE, ``x 00 00 00`` UTF-32 LE, ``00 x`` UTF-16 BE, ``x 00`` UTF-16 LE; anything else UTF-8.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return bom, encoding
    head = data[:4]
    if len(head) == 4 and head[:3] == b"\0\0\0" and head[3]:
        return b"", "utf-32-be"
    if len(head) == 4 and head[0] and head[1:] == b"\0\0\0":
        return b"", "utf-32-le"
    if len(head) >= 2 and not head[0] and head[1]:
        return b"", "utf-16-be"
    if len(head) >= 2 and head[0] and not head[1]:
        return b"", "utf-16-le"
    return b"", "utf-8"


def unreadable(reason: str) -> Finding:
    """FL003 at the start of a file that could not be read."""
    return Finding(UNREADABLE, f"cannot read the file: {reason}", (0, 0), (0, 0), UNREADABLE.severity)


def read_manifest(path: Path, limit: int = DEFAULT_MAX_FILE_SIZE) -> tuple[str | None, Finding | None]:
    """The decoded text of a manifest, or the FL003 finding that says why there is none."""
    try:
        content = read_regular_file(path, limit)
    except UnreadableFile as exc:
        return None, unreadable(exc.reason)
    return decode(content.data)


def sniff_text(path: Path, size: int = 64 * 1024) -> str | None:
    """The start of a regular file as text (undecodable bytes replaced), for a guess at what it is;
    None when it is not a regular file or cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | _O_NONBLOCK | _O_CLOEXEC | _O_BINARY)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, size)
    except OSError:
        return None
    finally:
        os.close(fd)
    bom, encoding = encoding_of(data)
    return data[len(bom) :].decode(encoding, errors="replace")


class NotWritten(Exception):
    """A file :func:`write_in_place` left as it was; ``reason`` completes "cannot write the file: ..."."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_read_only(mode: int) -> bool:
    """No write permission bit at all (``chmod a-w``): the user's way of saying "do not change this",
    which root would otherwise override (``os.access`` answers yes to root whatever the bits)."""
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def write_in_place(path: Path, data: bytes, expected: os.stat_result | None = None) -> None:
    """Replace the content of the existing regular file ``path`` with ``data``, through the file itself.

    The file stays the same inode, so its permission bits, owner, group, hard links, extended
    attributes and the symbolic links that point at it are all kept, and the directory need not be
    writable. A read-only file (no write bit) is refused, and so is a file that changed since
    ``expected`` was taken (someone saved it meanwhile). Against a partial write: the space for a
    longer file is reserved before anything is overwritten, the data is written whole and synced,
    and if writing fails half-way the original bytes are put back. Raises :class:`NotWritten`.
    """
    try:
        status = os.stat(path)
    except OSError as exc:
        raise NotWritten(exc.strerror or str(exc)) from None
    if not stat.S_ISREG(status.st_mode):
        raise NotWritten(f"it is {kind_of(status.st_mode)}, not a regular file")
    if is_read_only(status.st_mode):
        raise NotWritten(
            f"it is read-only (mode {stat.S_IMODE(status.st_mode):04o}); flare-ls does not change read-only "
            "files: make it writable (chmod u+w) to fix it"
        )
    try:
        fd = os.open(path, os.O_RDWR | _O_NONBLOCK | _O_CLOEXEC | _O_BINARY)
    except OSError as exc:
        raise NotWritten(exc.strerror or str(exc)) from None
    try:
        current = os.fstat(fd)
        if expected is not None and _identity(current) != _identity(expected):
            raise NotWritten("it changed while flare-ls was fixing it; run --fix again")
        original = _read_all(fd, current.st_size)
        _reserve(fd, len(data))
        try:
            _write_all(fd, data)
            os.ftruncate(fd, len(data))
            os.fsync(fd)
        except OSError as exc:
            try:  # put the original back rather than leave half of each
                _write_all(fd, original)
                os.ftruncate(fd, len(original))
                os.fsync(fd)
            except OSError:
                pass
            raise NotWritten(exc.strerror or str(exc)) from None
    except OSError as exc:
        raise NotWritten(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)


def _identity(status: os.stat_result) -> tuple[int, int, int, int]:
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns


def _read_all(fd: int, size: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, max(size, 1 << 16))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reserve(fd: int, size: int) -> None:
    """Allocate ``size`` bytes for the file before overwriting it, so that a full disk stops the write
    before it starts rather than half-way (where the file system can)."""
    allocate = getattr(os, "posix_fallocate", None)
    if allocate is None or size == 0:
        return
    try:
        allocate(fd, 0, size)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
            return  # the file system cannot reserve: write and see
        raise


def _write_all(fd: int, data: bytes) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    view, offset = memoryview(data), 0
    while offset < len(data):
        offset += os.write(fd, view[offset:])
