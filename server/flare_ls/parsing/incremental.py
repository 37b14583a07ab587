"""Parse again only the block an edit falls in, and splice it into the previous version's tree.

A keystroke changes one value of one job; parsing the whole manifest again costs time in proportion to
the file (about 230 ms for 20,000 lines). :func:`reparse` finds the smallest block collection (a dag job,
an input, a step, a ``streaming`` section) whose lines hold the edit, parses those lines alone with
libyaml, and puts the result in place of the old node; the nodes after it move by the lines the edit
added or removed. It gives up, and the caller parses the whole text, whenever it cannot be sure that the
result is what a whole parse would give (``tests/test_incremental.py`` proves it is, on random edits).

Why a block can be parsed alone. libyaml reads block collections by indentation. A block mapping or
sequence N whose first token stands at column ``c`` of line ``L`` holds every line up to the next
significant line B that its indentation closes (B ends N in the old text, or B is a document marker, or
there is none). When the edit lies within those lines and after N's first token's column, then

- the text before (L, c) is unchanged, and a token starts at (L, c) in both versions, so everything read
  before N reads the same (a value's end is decided by where the next token starts);
- the lines from L to before B, with what stands before column ``c`` on line L blanked (indentation or
  the ``- `` of the sequence item N is), read alone as one document whose root is of N's kind at (L, c),
  read in place as that root: inside N, only indentations of ``c`` or deeper matter, and a line
  indented less would end the root and fail the standalone parse ("expected <document start>");
- B and everything after it are unchanged text, and B closes the new N as it closed the old one (same
  kind, same column), leaving libyaml in the state it was in: they read the same, ``delta`` lines on.

It does not try when sharing makes parts depend on each other (anchors, aliases, merge keys), when the
text has directives (``%TAG``), document markers inside the block, tabs in it (libyaml's rules for tabs
depend on context), or the previous parse needed error recovery; nor when the block is a document's
root (that is the whole parse). Block scalars are parsed as part of the mapping that holds them: their
indentation is counted from their parent's, which the standalone parse would not know.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .yamltree import ParsedText, Pos, YDocument, YMap, YNode, YScalar, YSeq, _parse_once, split_lines

#: What may stand before a block collection's first token on its line: indentation, and the ``- `` of
#: the sequence items it is the first thing of.
_PREFIX = re.compile(r"(?: *- +)* *\Z")
#: Lines that are not the block's business: a document marker or a directive ends or starts documents.
_MARKER = re.compile(r"(?:---|\.\.\.)(?:[ \t]|\Z)|%")
#: Tries of ever larger enclosing blocks before parsing the whole text is the cheaper guess.
_TRIES = 3


@dataclass
class Splice:
    """A tree spliced: ``parsed`` is the previous tree, changed in place (the previous version's tree
    is gone), with ``new`` where ``old`` was."""

    parsed: ParsedText
    lines: list[str]
    old: YNode
    new: YNode
    #: The containers from the document root down to ``new``'s parent: the same objects as before,
    #: their content changed. Every other node is either new (under ``new``) or unchanged.
    ancestors: list[YMap | YSeq]
    #: The old lines ``first`` to ``last`` (inclusive) were the block's; nodes after moved by ``delta``.
    first: int
    last: int
    delta: int

    def moved(self, pos: Pos) -> Pos:
        """Where a position of the previous text outside the block is in the new one."""
        return (pos[0] + self.delta, pos[1]) if pos[0] > self.last else pos


@dataclass
class LineEdit:
    """Two texts compared by lines: the old lines ``start`` to ``old_end`` (exclusive) became the new
    lines ``start`` to ``new_end``; ``lines`` are the new text's lines."""

    start: int
    old_end: int
    new_end: int
    lines: list[str]

    @property
    def delta(self) -> int:
        return self.new_end - self.old_end


def line_edit(old: str, old_lines: list[str], new: str) -> LineEdit | None:
    """How ``new`` differs from ``old`` (whose lines are ``old_lines``), in whole lines; None when they
    are equal. The new text's lines reuse the old list's unchanged lines instead of splitting it all."""
    if old == new:
        return None
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old, new, min(len(old), len(new)) - prefix)
    if "\r" in old or "\r" in new:  # rare: compare the lines themselves rather than follow CR LF pairs
        return _by_lines(old_lines, split_lines(new))
    start_offset = old.rfind("\n", 0, prefix) + 1
    start = old.count("\n", 0, start_offset)
    tail = max(len(old) - suffix, start_offset)
    newline = old.find("\n", tail)
    if newline < 0:  # the edit reaches into the last line
        middle = new[start_offset:].split("\n")
        old_end = len(old_lines)
    else:
        # The old text from ``newline`` on is also the new text's end, line break included.
        new_newline = newline - len(old) + len(new)
        middle = new[start_offset:new_newline].split("\n")
        old_end = len(old_lines) - old.count("\n", newline + 1) - 1
    lines = old_lines[:start] + middle + old_lines[old_end:]
    return LineEdit(start, old_end, start + len(middle), lines)


def lines_edit(old_lines: list[str], new_lines: list[str]) -> LineEdit | None:
    """:func:`line_edit` for two texts given as their lines: from the first line that differs to the last;
    None when every line is the same (the texts may still differ in their line endings). The language
    server has both lists, whose unchanged lines are the same string objects: they compare without
    reading the text, where comparing two 20,000-line texts (and looking in both for a CR) cost a
    tenth of a keystroke."""
    prefix = _common_prefix(old_lines, new_lines)
    if prefix == len(old_lines) == len(new_lines):
        return None
    return _by_lines(old_lines, new_lines, prefix)


def _by_lines(old_lines: list[str], new_lines: list[str], start: int | None = None) -> LineEdit:
    if start is None:
        start = _common_prefix(old_lines, new_lines)
    end = _common_suffix(old_lines, new_lines, min(len(old_lines), len(new_lines)) - start)
    return LineEdit(start, len(old_lines) - end, len(new_lines) - end, new_lines)


def _common_prefix(a: Sequence[Any], b: Sequence[Any]) -> int:
    """The length of the longest common prefix of two strings or lists, comparing slices (C loops) of
    growing size."""
    limit = min(len(a), len(b))
    low, step = 0, 256
    while low < limit:
        high = min(low + step, limit)
        if a[low:high] != b[low:high]:
            while high - low > 1:  # a difference in [low, high): halve the range
                middle = (low + high) // 2
                if a[low:middle] == b[low:middle]:
                    low = middle
                else:
                    high = middle
            return low
        low, step = high, step * 2
    return limit


def _common_suffix(a: Sequence[Any], b: Sequence[Any], limit: int) -> int:
    """The length of the longest common suffix, at most ``limit``."""
    done, step = 0, 256
    la, lb = len(a), len(b)
    while done < limit:
        more = min(done + step, limit)
        if a[la - more : la - done] != b[lb - more : lb - done]:
            low, high = done, more  # the suffix is at least low and less than high
            while high - low > 1:
                middle = (low + high) // 2
                if a[la - middle : la - done] == b[lb - middle : lb - done]:
                    low = middle
                else:
                    high = middle
            return low
        done, step = more, step * 2
    return limit


def reparse(parsed: ParsedText, old_lines: list[str], edit: LineEdit, max_lines: int | None = None) -> Splice | None:
    """``parsed`` (the tree of ``old_lines``) changed in place to be the tree of ``edit.lines``, by
    parsing again only the block the edit falls in; None when that cannot be done safely (``parsed`` is
    then untouched, and the caller parses the whole text). ``max_lines``: no block of more lines is
    tried (None when that happens, the tree untouched: the caller may try again without the bound)."""
    if parsed.errors or parsed.repairs is not None:
        return None
    documents = parsed.documents
    if any(document.shares for document in documents):
        return None
    if old_lines and old_lines[0].startswith("%"):  # directives change how tags read
        return None
    document = _document_at(documents, edit.start)
    if document is None or not isinstance(document.root, (YMap, YSeq)):
        return None
    path = _enclosing(document.root, old_lines, edit)
    # From the smallest enclosing block outwards, short of the root.
    for tries, (node, last) in enumerate(reversed(path[1:])):
        if tries == _TRIES or (max_lines is not None and last - node.start[0] >= max_lines):
            break
        alone = _parse_alone(node, last, old_lines, edit)
        if alone is not None:
            ancestors = [n for n, _ in path[: len(path) - 1 - tries]]
            return _splice(parsed, document, ancestors, node, alone, last, edit)
    return None


def _document_at(documents: list[YDocument], line: int) -> YDocument | None:
    """The document whose root holds ``line`` (the last one starting before it)."""
    found = None
    for document in documents:
        root = document.root
        if root is None or root.start[0] > line:
            break
        found = document
    return found


def _enclosing(root: YMap | YSeq, lines: list[str], edit: LineEdit) -> list[tuple[YMap | YSeq, int]]:
    """The block collections whose lines hold the edit, from ``root`` down, each with the last line of
    its block (before the next significant line)."""
    path = [(root, len(lines) - 1)]
    node: YMap | YSeq = root
    while True:
        if isinstance(node, YSeq):
            # A dag of 500 jobs is one sequence: its items are in the order of their lines (no aliases
            # here, see reparse), so only those from the last one starting by the edit's line back to
            # the first block collection among them are looked at.
            children: list[YNode] = node.items
            end = bisect_right(children, edit.start, key=_first_line)
            children = children[_last_collection(children, end, node) : end]
        else:
            children = [value for _, value in node.entries.values()]
        best: YMap | YSeq | None = None
        for child in children:
            if (
                isinstance(child, (YMap, YSeq))
                and not child.flow
                and child.parent is node
                and child.start[0] <= edit.start
                and (best is None or child.start > best.start)
            ):
                best = child
        if best is None:
            return path
        start_line = best.start[0]
        if start_line == edit.start and edit.old_end == edit.start:
            return path  # lines inserted before its first line
        last = _block_end(lines, best.end[0])
        if last < max(edit.start, edit.old_end) - 1:
            return path
        path.append((best, last))
        node = best


def _first_line(node: YNode) -> int:
    return node.start[0]


def _last_collection(items: list[YNode], end: int, parent: YSeq) -> int:
    """The index of the last block collection of ``parent`` among ``items[:end]`` (0 when none)."""
    for index in range(end - 1, -1, -1):
        child = items[index]
        if isinstance(child, (YMap, YSeq)) and not child.flow and child.parent is parent:
            return index
    return 0


def _block_end(lines: list[str], line: int) -> int:
    """The last line before the first significant line (not blank, not only a comment) after ``line``."""
    count = len(lines)
    line += 1
    while line < count:
        text = lines[line].lstrip(" ")
        if text and not text.startswith("#"):
            break
        line += 1
    return line - 1


def _parse_alone(node: YMap | YSeq, last: int, old_lines: list[str], edit: LineEdit) -> YDocument | None:
    """The block of ``node`` (old lines ``node.start[0]`` to ``last``) in the new text, parsed alone, as
    a document whose root reads as a whole parse would read it; None when it cannot be."""
    first, column = node.start
    new_lines = edit.lines
    new_last = last + edit.delta
    if new_last < first:
        return None
    head = new_lines[first]
    prefix = head[:column]
    if prefix != old_lines[first][:column] or not _PREFIX.match(prefix):
        return None
    body = new_lines[first + 1 : new_last + 1]
    for line in body:
        if "\t" in line or _MARKER.match(line):
            return None
    if "\t" in head or _MARKER.match(head):
        return None
    # Blank lines before it keep every line number; blanking the prefix keeps every column.
    # The last line's break too, when it has one: a block scalar's value ends with it.
    text = "\n".join(["\n" * first + " " * column + head[column:], *body])
    if new_last < len(new_lines) - 1:
        text += "\n"
    documents, error = _parse_once(text, new_lines)
    if error is not None or len(documents) != 1:
        return None
    document = documents[0]
    root = document.root
    if (
        document.shares
        or root is None
        or not isinstance(root, node.__class__)
        or root.start != node.start
        or root.flow
        or root.end[0] > new_last
    ):
        return None
    return document


def _splice(
    parsed: ParsedText,
    document: YDocument,
    ancestors: list[YMap | YSeq],
    old: YMap | YSeq,
    alone: YDocument,
    last: int,
    edit: LineEdit,
) -> Splice:
    delta = edit.delta
    new, duplicates = alone.root, alone.duplicates
    assert isinstance(new, (YMap, YSeq))
    old_start, old_end = old.start, old.end
    kept = [pair for pair in document.duplicates if not old_start <= pair[0].start <= old_end]
    if delta:
        _shift(parsed.documents[document.index :], last, delta)
    if len(kept) != len(document.duplicates) or duplicates:
        document.duplicates = sorted(kept + duplicates, key=lambda pair: pair[0].start)
    parent = old.parent
    assert parent is not None
    new.parent, new.key = parent, old.key
    if isinstance(parent, YSeq):
        parent.items[old.key] = new  # type: ignore[index]
    else:
        key_node = parent.entries[old.key][0]  # type: ignore[index]
        parent.entries[old.key] = (key_node, new)  # type: ignore[index]
    for ancestor in reversed(ancestors):
        if ancestor.end != old_end:
            break
        ancestor.end = new.end
    return Splice(ParsedText(parsed.documents), edit.lines, old, new, ancestors, old_start[0], last, delta)


def _shift(documents: list[YDocument], last: int, delta: int) -> None:
    """Move every position after line ``last`` by ``delta`` lines (nodes wholly before are skipped)."""
    for document in documents:
        if document.start_line > last:
            document.start_line += delta
        stack: list[YNode] = [document.root] if document.root is not None else []
        while stack:
            node = stack.pop()
            end = node.end
            if end[0] <= last:
                continue
            node.end = (end[0] + delta, end[1])
            start = node.start
            if start[0] > last:
                node.start = (start[0] + delta, start[1])
                if not isinstance(node, YScalar):
                    _shift_below(node, delta)
            elif isinstance(node, YMap):
                for key, value in node.entries.values():
                    stack.append(value)
                    stack.append(key)
            elif isinstance(node, YSeq):
                stack += node.items
        # The earlier keys of a key written twice are in no mapping's entries any more, only here.
        ghosts = {id(key): key for pair in document.duplicates for key in pair if _ghost(key)}
        for key in ghosts.values():
            if key.start[0] > last:
                key.start, key.end = (key.start[0] + delta, key.start[1]), (key.end[0] + delta, key.end[1])


def _shift_below(top: YNode, delta: int) -> None:
    """Move every node below ``top`` by ``delta`` lines: the loop that costs when a line is added in a
    long file, so without the tests of :func:`_shift` (every node here is after the edit)."""
    stack = [top]
    scalar = YScalar
    while stack:
        node = stack.pop()
        if isinstance(node, YMap):
            for key, value in node.entries.values():
                start, end = key.start, key.end
                key.start, key.end = (start[0] + delta, start[1]), (end[0] + delta, end[1])
                start, end = value.start, value.end
                value.start, value.end = (start[0] + delta, start[1]), (end[0] + delta, end[1])
                if value.__class__ is not scalar:
                    stack.append(value)
        else:
            for item in node.items:  # type: ignore[attr-defined]
                start, end = item.start, item.end
                item.start, item.end = (start[0] + delta, start[1]), (end[0] + delta, end[1])
                if item.__class__ is not scalar:
                    stack.append(item)


def _ghost(key: YScalar) -> bool:
    mapping = key.parent
    return not isinstance(mapping, YMap) or mapping.entries.get(key.value, (None,))[0] is not key
