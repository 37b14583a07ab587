"""Fixing files in place: the fixes :func:`analyze` offers, applied round after round.

The edits are exactly the ones the language server offers (``Finding.fix``), applied to the decoded
text as it is: line endings, encoding, byte-order mark and every character outside the edits stay as
they were. A file's content is replaced through the file itself (``files.write_in_place``), so its
mode, owner and hard links stay; a read-only file is refused, not changed.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .analyze import Config, analyze, holding_fixes
from .files import (
    DEFAULT_MAX_FILE_SIZE,
    NotWritten,
    UnreadableFile,
    decode,
    encoding_of,
    read_regular_file,
    write_in_place,
)
from .findings import Finding, TextEdit
from .fixes import apply_edits
from .parsing.yamltree import Pos
from .rules.schema import SYNTAX

MAX_ROUNDS = 10

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@dataclass(frozen=True)
class FileFix:
    """The outcome of fixing one file. ``error`` says why it could not be read, decoded or written
    (then ``fixed`` is None, or the text that could not be written)."""

    path: Path
    original: str | None
    fixed: str | None
    count: int = 0
    error: str | None = None
    encoding: str = "utf-8"
    bom: bytes = b""

    @property
    def not_written(self) -> bool:
        """Fixes were found but the file could not be written (``error`` says why)."""
        return self.error is not None and self.fixed is not None

    @property
    def changed(self) -> bool:
        return self.original is not None and self.fixed is not None and self.fixed != self.original


def fix_text(text: str, *, unsafe: bool = False, config: Config | None = None) -> tuple[str, int]:
    """``text`` with its fixes applied, and how many were.

    Each round analyses the text and applies every safe fix (and unsafe ones when ``unsafe``) that
    holds (its result reads as well as the text and its finding is gone: ``analyze.fix_holds``), in
    order of position, skipping a fix whose edits overlap one already taken in that round; rounds
    repeat (at most :data:`MAX_ROUNDS`) until none applies, since a fix may unmask another finding.
    Fixes that hold one by one but not together (the round's result reads worse than the text) are
    taken one per round instead.
    """
    total = 0
    findings = analyze(text, config=config)
    for _ in range(MAX_ROUNDS):
        edits, fixed, after = fix_round(text, findings, config, unsafe)
        if not edits or fixed == text:
            break
        text, findings = fixed, after
        total += len(edits)
    return text, total


def fix_round(
    text: str, findings: list[Finding], config: Config | None, unsafe: bool
) -> tuple[list[tuple[TextEdit, ...]], str, list[Finding]]:
    """One round of :func:`fix_text` (and the editor's "fix all"): the edits of each fix taken, the
    text with them applied and its findings. ``findings`` are the findings of ``text``."""
    wanted = [f for f in findings if f.fix is not None and f.fix.edits and (f.fix.safe or unsafe)]
    edits = choose_fixes(holding_fixes(text, wanted, config, before=findings), unsafe)
    if not edits:
        return edits, text, findings
    fixed = apply_edits(text, [e for group in edits for e in group])
    after = analyze(fixed, config=config)
    if len(edits) > 1 and _syntax_errors(after) > _syntax_errors(findings):
        edits = edits[:1]
        fixed = apply_edits(text, edits[0])
        after = analyze(fixed, config=config)
    return edits, fixed, after


def _syntax_errors(findings: list[Finding]) -> int:
    return sum(f.rule is SYNTAX for f in findings)


def choose_fixes(findings: list[Finding], unsafe: bool) -> list[tuple[TextEdit, ...]]:
    """The edits of each fix to apply together (a round of ``--fix``, or the editor's "fix all"): safe
    ones (and unsafe ones when ``unsafe``), non-overlapping, in order of position."""
    candidates = []
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.edits or not (fix.safe or unsafe):
            continue
        start = min(e.start for e in fix.edits)
        end = max(e.end for e in fix.edits)
        candidates.append((start, end, fix.edits))
    candidates.sort(key=lambda c: (c[0], c[1]))
    chosen: list[tuple[TextEdit, ...]] = []
    taken: Pos = (-1, -1)
    inserted_at_taken = False  # a chosen edit inserts text exactly at ``taken``
    for start, end, edits in candidates:
        # Anything else starting where a chosen fix inserts text would be ordered arbitrarily (or
        # replace the inserted text): it waits for the next round, like an overlapping fix.
        if start < taken or (start == taken and inserted_at_taken):
            continue
        chosen.append(edits)
        if end > taken:
            taken, inserted_at_taken = end, False
        inserted_at_taken = inserted_at_taken or any(e.start == e.end == taken for e in edits)
    return chosen


def fix_file(
    path: Path | str,
    *,
    unsafe: bool = False,
    write: bool = True,
    config: Config | None = None,
    limit: int = DEFAULT_MAX_FILE_SIZE,
) -> FileFix:
    """Fix one file; when ``write`` and something changed, replace its content in place, keeping its
    mode, owner, hard links, encoding and byte-order mark. Only a regular file of at most ``limit``
    bytes is read."""
    path = Path(path)
    try:
        content = read_regular_file(path, limit)
    except UnreadableFile as exc:
        return FileFix(path, None, None, error=f"cannot read the file: {exc.reason}")
    data = content.data
    bom, encoding = encoding_of(data)
    text, problem = decode(data)
    if text is None:
        assert problem is not None  # decode says why whenever it returns no text
        where = f"{problem.start[0] + 1}:{problem.start[1] + 1}: "
        return FileFix(path, None, None, error=where + problem.message, encoding=encoding, bom=bom)
    fixed, count = fix_text(text, unsafe=unsafe, config=config)
    result = FileFix(path, text, fixed, count, encoding=encoding, bom=bom)
    if write and fixed != text:
        try:
            write_in_place(path, bom + fixed.encode(encoding), expected=content.status)
        except NotWritten as exc:
            return FileFix(path, text, fixed, count, f"cannot write the file: {exc.reason}", encoding, bom)
        except UnicodeEncodeError as exc:
            return FileFix(path, text, fixed, count, f"cannot write the file: {exc}", encoding, bom)
    return result


def unified_diff(fix: FileFix) -> str:
    """The change as a unified diff (``--- a/path`` / ``+++ b/path``); empty when nothing changed."""
    if not fix.changed:
        return ""
    assert fix.original is not None and fix.fixed is not None
    name = fix.path.as_posix().lstrip("/")
    out: list[str] = []
    for line in difflib.unified_diff(_lines(fix.original), _lines(fix.fixed), f"a/{name}", f"b/{name}"):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines with their breaks, split only where YAML breaks lines (not at form feeds or U+2028)."""
    return _LINE.findall(text)
