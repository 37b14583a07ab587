"""Line-level helpers shared by the structural fixes: where an entry's lines are, shifting a block of
lines left or right, and the edits that turn one list of lines into another."""

from __future__ import annotations

import difflib

from ..findings import TextEdit
from ..parsing.yamltree import YMap, YNode, YScalar, indent_of


def is_comment(text: str) -> bool:
    return text.lstrip(" ").startswith("#")


def entry_lines(lines: list[str], key: YScalar, value: YNode) -> tuple[int, int] | None:
    """The first and last line of a block mapping's ``key: value`` entry, when the entry has those
    lines to itself: the comment lines just above it at its column, its own lines, and the comment
    lines indented under it that follow. None when something else shares its lines (``- key: v``, a
    flow mapping, a value that goes on after it on its last line)."""
    parent = key.parent
    if not isinstance(parent, YMap) or parent.flow:
        return None
    column = key.start[1]
    first = key.start[0]
    if lines[first][:column].strip():
        return None  # the key opens a list item (``- name: x``), or follows something on its line
    last = max(block_end(value), key.end[0])
    rest = lines[last][value.end[1] :] if last == value.end[0] else ""
    if rest.strip() and not is_comment(rest):
        return None
    while first > 0 and is_comment(lines[first - 1]) and indent_of(lines[first - 1]) == column:
        first -= 1
    number = last + 1
    while number < len(lines) and (not lines[number].strip() or is_comment(lines[number])):
        if lines[number].strip() and indent_of(lines[number]) > column:
            last = number
        elif lines[number].strip():
            break
        number += 1
    return first, last


def shifted(lines: list[str], delta: int) -> list[str] | None:
    """``lines`` moved ``delta`` columns right (left when negative): every line by the same amount, so
    block scalars and comments keep their shape. Empty lines stay empty. None when a line lacks the
    spaces to move left, or is indented with a tab."""
    out: list[str] = []
    for text in lines:
        if not text:
            out.append(text)
            continue
        if text.startswith("\t") or (text[: max(-delta, 0)].strip(" ") and text.strip()):
            return None
        if delta >= 0:
            out.append(" " * delta + text)
        else:
            out.append(text[min(-delta, indent_of(text)) :])
    return out


def line_edits(lines: list[str], new_lines: list[str], eol: str) -> tuple[TextEdit, ...]:
    """The edits that turn ``lines`` into ``new_lines``: one per run of changed lines, each replacing
    whole lines, so every unchanged line (and its line break) stays as it was. ``eol`` ends the lines
    an edit writes."""
    matcher = difflib.SequenceMatcher(None, lines, new_lines, autojunk=False)
    edits = []
    count = len(lines)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        written = new_lines[j1:j2]
        if i2 < count:
            edits.append(TextEdit((i1, 0), (i2, 0), "".join(line + eol for line in written)))
        elif written and i1 < count:  # up to the end of the text, which has no line break after it
            edits.append(TextEdit((i1, 0), (count - 1, len(lines[-1])), eol.join(written)))
        elif written:  # added after the last line
            edits.append(TextEdit((count - 1, len(lines[-1])), (count - 1, len(lines[-1])), eol + eol.join(written)))
        elif i1 > 0:  # the last lines removed: with the line break before them
            edits.append(TextEdit((i1 - 1, len(lines[i1 - 1])), (count - 1, len(lines[-1])), ""))
        else:
            edits.append(TextEdit((0, 0), (count - 1, len(lines[-1])), ""))
    return tuple(edits)


def block_end(node: YNode) -> int:
    """The last line holding ``node``'s content (a block scalar's end sits at column 0 of the line
    after it when it keeps its final line break)."""
    line, column = node.end
    return line - 1 if column == 0 and line > node.start[0] else line
