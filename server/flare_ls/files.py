"""Manifests on disk: decoding them as YAML says (byte-order mark, else the pattern of NUL bytes), and
rewriting files atomically."""

from __future__ import annotations

import codecs
import os
import stat
import tempfile
from pathlib import Path

from .findings import Finding, Severity
from .rules.base import declare

UNREADABLE = declare("FL003", "unreadable-file", Severity.ERROR, "a file that cannot be read or decoded")

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


def read_manifest(path: Path) -> tuple[str | None, Finding | None]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, Finding(UNREADABLE, f"cannot read the file: {reason}", (0, 0), (0, 0), UNREADABLE.severity)
    return decode(data)


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file in the same directory and ``os.replace``: readers see the old
    file or the new one, never half of one. An existing file keeps its permission bits; a symbolic link
    is followed (its target is rewritten)."""
    target = Path(os.path.realpath(path))
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else None
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".flare-ls-tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:  # a new file keeps mkstemp's owner-only mode
            os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
