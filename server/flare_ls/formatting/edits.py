"""From the old text to the formatted one in minimal edits: a line diff, never a whole-file replacement.

An edit replaces whole lines (line breaks included), so it never splits a character and its positions
(zero-based lines, column 0, or the end of a last line without a break) mean the same in every
position encoding.
"""

from __future__ import annotations

import difflib
import re

from ..findings import TextEdit
from ..parsing.yamltree import Pos

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def lines_with_breaks(text: str) -> list[str]:
    """The lines of ``text`` with their breaks, split where LSP splits them (``\\r\\n``, ``\\r``, ``\\n``)."""
    return _LINE.findall(text)


def line_edits(old: str, new: str) -> list[TextEdit]:
    """The edits that turn ``old`` into ``new``: one per run of changed lines, in order."""
    a, b = lines_with_breaks(old), lines_with_breaks(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)

    def position(i: int) -> Pos:
        if i < len(a) or not a or a[-1].endswith(("\n", "\r")):
            return (i, 0)
        return (len(a) - 1, len(a[-1]))  # the end of a last line without a line break

    return [
        TextEdit(position(i1), position(i2), "".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def touching(edits: list[TextEdit], first: int, last: int) -> list[TextEdit]:
    """The edits that change a line from ``first`` to ``last`` (inclusive) or insert lines among them."""
    out = []
    for edit in edits:
        (start, _), (end, column) = edit.start, edit.end
        if column == 0 and end > start:
            end -= 1  # up to the start of line `end`: the lines before it
        if start <= last and end >= first:
            out.append(edit)
    return out
