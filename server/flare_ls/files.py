"""Reading manifests from disk: decoding, and finding the YAML files under a directory."""

from __future__ import annotations

import codecs
from pathlib import Path

from .findings import Finding, Severity
from .rules.base import declare

UNREADABLE = declare("FL003", "unreadable-file", Severity.ERROR, "a file that cannot be read or decoded")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache"}
YAML_SUFFIXES = (".yaml", ".yml")


def decode(data: bytes) -> tuple[str | None, Finding | None]:
    """The text of a manifest, or a finding that says where decoding failed.

    YAML files are UTF-8 unless a byte-order mark says UTF-16 or UTF-32 (YAML 1.2, 5.2).
    """
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n")
        column = len(before[before.rfind(b"\n") + 1 :].decode(encoding, errors="replace"))
        byte = data[exc.start : exc.start + 1].hex()
        message = f"the file is not valid {encoding.upper()}: byte 0x{byte} cannot be decoded; save it as UTF-8"
        return None, Finding(UNREADABLE, message, (line, column), (line, column + 1), UNREADABLE.severity)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, None


def read_manifest(path: Path) -> tuple[str | None, Finding | None]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, Finding(UNREADABLE, f"cannot read the file: {reason}", (0, 0), (0, 0), UNREADABLE.severity)
    return decode(data)
