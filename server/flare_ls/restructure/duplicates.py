"""Removing a key written twice in one mapping (FL002), keeping the value YAML loaders use.

PyYAML, ruamel.yaml's safe loader and Jackson keep the last occurrence of a key and drop the earlier
ones without a word; the fix deletes the earlier occurrences, each with its lines (comment lines just
above it included), so the file says what those loaders already read.
"""

from __future__ import annotations

from ..findings import Fix, TextEdit
from ..parsing.yamltree import YMap, YScalar, indent_of
from .lines import is_comment


def remove_earlier(lines: list[str], kept: YScalar, earlier: list[YScalar], message: str) -> Fix | None:
    """Delete the ``earlier`` occurrences of the key ``kept`` (the one in its mapping's entries, the
    last). An earlier occurrence runs to the line before the next key of the mapping, less the blank
    lines and comments that lead into that key. None when an occurrence shares a line with something
    else (``- key: v`` opening a list item, a flow mapping)."""
    mapping = kept.parent
    if not isinstance(mapping, YMap) or mapping.flow:
        return None
    starts = sorted({key.start for key, _ in mapping.entries.values()} | {key.start for key in earlier})
    edits = []
    for key in earlier:
        line, column = key.start
        if lines[line][:column].strip():
            return None
        following = [start for start in starts if start > key.start]
        if not following or following[0][0] == line:
            return None
        first, last = line, following[0][0] - 1
        while last > first and (
            not lines[last].strip() or (is_comment(lines[last]) and indent_of(lines[last]) <= column)
        ):
            last -= 1
        while first > 0 and is_comment(lines[first - 1]) and indent_of(lines[first - 1]) == column:
            first -= 1
        edits.append(TextEdit((first, 0), (last + 1, 0), ""))
    return Fix(message, tuple(edits), False, structural=True)
