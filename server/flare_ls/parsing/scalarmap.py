"""Where each character of a YAML scalar's loaded value sits in the source text.

SQL, expressions and other small languages live inside YAML scalars. Their analyzers work on the loaded
value (``node.value``), but a finding has to be shown at, and a rename has to edit, exact source positions.
The value and the source differ as soon as YAML transforms the text: block scalars drop their indentation,
folding turns line breaks into spaces, quotes double (``''``), escapes (``\\n``, ``\\x41``) stand for one
character, and chomping adds or removes final line breaks. ``scalar_map`` replays libyaml's scanner over the
source lines, style by style, and records for every run of the value where it came from.

The map is only returned after the replayed value is checked to equal ``node.value``: an input the replay
does not understand (or positions that do not belong to ``lines``) gives None, never a wrong map.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from ..findings import TextEdit
from ..fixes import escape_for
from .yamltree import Pos, YMap, YScalar, YSeq

# Single-character escapes of double-quoted scalars: YAML 1.2's list, which is what libyaml accepts.
_ESCAPES = {
    "0": "\0",
    "a": "\a",
    "b": "\b",
    "t": "\t",
    "\t": "\t",
    "n": "\n",
    "v": "\v",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_HEX_WIDTH = {"x": 2, "u": 4, "U": 8}
_HEX = re.compile(r"[0-9A-Fa-f]+")
_DOUBLE_SPECIAL = re.compile(r'["\\]')
# Node properties that libyaml's start mark covers: anchors and tags (``&a``, ``!!str``, ``!<tag:x>``).
_ANCHOR = re.compile(r"&[^\s,\[\]{}]+")
_TAG = re.compile(r"!<[^>]*>|![^\s,\[\]{}]*")
_BLANKS = " \t"


class ScalarMap:
    """Where each character of a scalar's value sits in the source text.

    The value is stored as segments: a literal run copied from one source line (``verbatim``), or a single
    synthetic character that YAML produced (an escape, a ``''`` quote, a folded or chomped line break).
    Synthetic characters sit at the first character of what produced them (the backslash of an escape, the
    end of the line a line break ends) and extend to the end of that construct.
    """

    __slots__ = ("value", "_starts", "_segs", "_origin")

    def __init__(self, value: str, starts: list[int], segs: list[tuple[int, int, int, bool, Pos]], origin: Pos):
        self.value = value
        self._starts = starts  # value offset of each segment, ascending: bisected by pos()
        self._segs = segs  # (line, column, length, verbatim, source end of the segment)
        self._origin = origin  # where an empty value sits

    def _find(self, offset: int) -> int:
        return bisect_right(self._starts, offset) - 1

    def pos(self, offset: int) -> Pos:
        """Source position of ``value[offset]``; ``offset == len(value)`` gives the position just after the
        last value character's source text (after a final line break: the start of the next line). Offsets
        outside the value are clamped into it."""
        if offset >= len(self.value):
            return self._segs[-1][4] if self._segs else self._origin
        offset = max(offset, 0)
        index = self._find(offset)
        line, col, _, verbatim, _ = self._segs[index]
        return (line, col + offset - self._starts[index]) if verbatim else (line, col)

    def _after(self, offset: int) -> Pos:
        """Source position just after the source text of ``value[offset]``."""
        index = self._find(offset)
        line, col, _, verbatim, end = self._segs[index]
        return (line, col + offset - self._starts[index] + 1) if verbatim else end

    def span(self, start: int, end: int) -> tuple[Pos, Pos]:
        """Source range (end exclusive) covering ``value[start:end]``. The end is just after the last
        character's source text: one column after a literal character, after the whole escape for an escaped
        one. An empty range gives ``(pos(start), pos(start))``."""
        size = len(self.value)
        start = min(max(start, 0), size)
        end = min(end, size)
        first = self.pos(start)
        if end <= start:
            return (first, first)
        return (first, self._after(end - 1))

    def verbatim(self, start: int, end: int) -> bool:
        """True when ``value[start:end]`` is written literally in the source at ``span(start, end)``: on one
        line, with no escape, folded line break or doubled quote inside, so the source range can be edited
        as if it were the value. An empty range is verbatim where it touches a literal character (inserting
        there inserts into the value). The edit's new text may still need quoting for the scalar's style."""
        size = len(self.value)
        if start < 0 or end > size or start > end:
            return False
        if start == end:
            if start < size and self._segs[self._find(start)][3]:
                return True
            return start > 0 and self._segs[self._find(start - 1)][3] and self.pos(start) == self._after(start - 1)
        index = self._find(start)
        _, _, length, verbatim, _ = self._segs[index]
        return verbatim and end <= self._starts[index] + length

    def __repr__(self) -> str:
        shown = self.value if len(self.value) <= 40 else self.value[:37] + "..."
        return f"ScalarMap({shown!r}, {len(self._segs)} segments)"


class _Builder:
    """Collects the replayed value and its segments."""

    __slots__ = ("lines", "parts", "starts", "segs", "size")

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.segs: list[tuple[int, int, int, bool, Pos]] = []
        self.size = 0

    def literal(self, line: int, col: int, text: str) -> None:
        # Each call copies one whole run of a line (the scanners stop only at a line's end or at what YAML
        # transforms), so two literal segments never continue each other and verbatim() can test one segment.
        if not text:
            return
        self.starts.append(self.size)
        self.segs.append((line, col, len(text), True, (line, col + len(text))))
        self.parts.append(text)
        self.size += len(text)

    def synthetic(self, char: str, at: Pos, end: Pos) -> None:
        self.starts.append(self.size)
        self.segs.append((at[0], at[1], 1, False, end))
        self.parts.append(char)
        self.size += 1

    def line_break(self, line: int) -> None:
        """The line break that ends ``line``: at the line's end, extending to the start of the next line."""
        lines = self.lines
        end = (line + 1, 0) if line + 1 < len(lines) else (line, len(lines[line]))
        self.synthetic("\n", (line, len(lines[line])), end)

    def fold(self, leading: int | None, trailing: list[int]) -> None:
        """libyaml's folding of the breaks between two lines of a flow or plain scalar: one break is a
        space, each empty line after it a line break; an escaped break (``leading`` None) adds nothing."""
        if leading is not None and not trailing:
            lines = self.lines
            self.synthetic(" ", (leading, len(lines[leading])), (leading + 1, 0))
        else:
            for line in trailing:
                self.line_break(line)


def scalar_map(node: YScalar, lines: list[str]) -> ScalarMap | None:
    """Map ``node.value`` back to ``lines`` (the ``split_lines`` of the text ``node`` was parsed from).

    None when the scalar cannot be mapped: its positions do not fall in ``lines`` or do not hold the value
    (another text, tampered positions, the placeholder of an undefined alias), or the source uses something
    the replay does not follow (line breaks libyaml counts but ``split_lines`` does not, such as NEL).
    """
    if not isinstance(node, YScalar) or not isinstance(node.value, str):
        return None
    try:
        return _map(node, lines)
    except (IndexError, ValueError, TypeError):
        # Positions from another text or tampered with: whatever the replay tripped on, there is no map.
        return None


def _map(node: YScalar, lines: list[str]) -> ScalarMap | None:
    (line, col), end = node.start, node.end
    if not 0 <= line < len(lines) or not 0 <= col <= len(lines[line]):
        return None
    builder = _Builder(lines)
    style = node.style
    if style is None and node.value == "":
        # An empty plain scalar (``key:`` or ``key: !!str``) has no text: it sits where libyaml ends it.
        return ScalarMap("", [], [], end)
    start = _content_start(lines, line, col)
    if start is None:
        return None
    line, col = start
    first = lines[line][col]
    origin = start
    if style is None:
        # A plain scalar cannot start with an indicator: this is the placeholder yamltree makes for an
        # undefined alias (``*name``), or the positions do not belong to this scalar.
        if first in "*|>'\"%@`" or start > end:
            return None
        ok = _plain(builder, lines, start, end)
    elif style in ("'", '"'):
        origin = (line, col + 1)
        ok = first == style and _quoted(builder, lines, line, col + 1, style) == end
    elif style in ("|", ">"):
        block = _block_any(node, lines, line, col + 1, style == "|") if first == style else None
        if block is None:
            return None
        builder, ok = block, True
    else:
        return None
    if not ok:
        return None
    value = "".join(builder.parts)
    if value != node.value:
        return None
    return ScalarMap(value, builder.starts, builder.segs, origin)


def _content_start(lines: list[str], line: int, col: int) -> Pos | None:
    """Skip the anchor, tag, blanks and comments libyaml's start mark covers, up to the scalar's first
    character (properties may even sit on the line before the content)."""
    while line < len(lines):
        text = lines[line]
        size = len(text)
        while col < size and text[col] in _BLANKS:
            col += 1
        if col >= size or text[col] == "#":
            line, col = line + 1, 0
            continue
        char = text[col]
        if char == "&" or char == "!":
            match = (_ANCHOR if char == "&" else _TAG).match(text, col)
            if match is None:
                return None
            col = match.end()
            continue
        return (line, col)
    return None


def _plain(builder: _Builder, lines: list[str], start: Pos, end: Pos) -> bool:
    """A plain scalar: the text from ``start`` to libyaml's end mark, lines folded, each continuation line's
    leading and each line's trailing blanks dropped (a comment ends a plain scalar, so none sits inside)."""
    (first, col), (last, stop) = start, end
    if last >= len(lines):
        return False
    if first == last:
        builder.literal(first, col, lines[first][col:stop])
        return True
    text = lines[first]
    builder.literal(first, col, text[col : len(text.rstrip(_BLANKS))])
    leading = first
    trailing: list[int] = []
    for line in range(first + 1, last + 1):
        text = lines[line]
        col = len(text) - len(text.lstrip(_BLANKS))
        cut = stop if line == last else len(text.rstrip(_BLANKS))
        if col >= cut:
            if line == last:
                return False
            trailing.append(line)
            continue
        builder.fold(leading, trailing)
        builder.literal(line, col, text[col:cut])
        leading, trailing = line, []
    return True


def _quoted(builder: _Builder, lines: list[str], line: int, col: int, quote: str) -> Pos | None:
    """A single- or double-quoted scalar whose text starts at (line, col), just after the opening quote.

    Replays libyaml's flow-scalar scanner a run at a time: literal text up to the next quote or backslash;
    blanks before a line break are dropped and the break folded. Returns the position just after the closing
    quote, or None when the text does not close or holds an escape libyaml would reject.
    """
    last = len(lines) - 1
    double = quote == '"'
    while True:
        text = lines[line]
        size = len(text)
        escaped_break = False
        while True:
            if double:
                match = _DOUBLE_SPECIAL.search(text, col)
                at = match.start() if match is not None else -1
            else:
                at = text.find("'", col)
            if at < 0:
                # No closing quote on this line: the blanks before the line break belong to the break.
                builder.literal(line, col, text[col : max(col, len(text.rstrip(_BLANKS)))])
                break
            builder.literal(line, col, text[col:at])
            if not double:
                if text.startswith("''", at):
                    builder.synthetic("'", (line, at), (line, at + 2))
                    col = at + 2
                    continue
                return (line, at + 1)
            if text[at] == '"':
                return (line, at + 1)
            if at + 1 == size:  # a backslash ending the line escapes the line break: it adds nothing
                escaped_break = True
                break
            code = text[at + 1]
            simple = _ESCAPES.get(code)
            if simple is not None:
                builder.synthetic(simple, (line, at), (line, at + 2))
                col = at + 2
                continue
            width = _HEX_WIDTH.get(code)
            digits = text[at + 2 : at + 2 + width] if width is not None else ""
            if width is None or len(digits) != width or not _HEX.fullmatch(digits):
                return None
            point = int(digits, 16)
            if 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:  # libyaml rejects these escapes
                return None
            builder.synthetic(chr(point), (line, at), (line, at + 2 + width))
            col = at + 2 + width
        if line == last:
            return None  # the text ends inside the quotes
        leading = None if escaped_break else line
        trailing: list[int] = []
        line += 1
        while True:
            text = lines[line]
            col = len(text) - len(text.lstrip(_BLANKS))
            if col < len(text):
                break
            if line == last:
                return None
            trailing.append(line)
            line += 1
        builder.fold(leading, trailing)


def _parent_indent(node: YScalar) -> int:
    """The indentation libyaml's scanner is at for a block scalar: its block collection's column (-1 at the
    root). Explicit indentation indicators count from it."""
    parent = node.parent
    if isinstance(parent, (YMap, YSeq)) and not parent.flow:
        return parent.start[1]
    return -1


def _block_any(node: YScalar, lines: list[str], line: int, col: int, literal: bool) -> _Builder | None:
    """A block scalar, replayed with the parent indentation from the tree first. The tree does not record
    libyaml's scanner indentation itself, so other plausible ones are tried after it: only a replay that
    reproduces the value is kept, and the value fixes the indentation (another adds or drops leading
    spaces, or ends the scalar early)."""
    parent = _parent_indent(node)
    for indent in [parent] + [indent for indent in range(-1, node.start[1] + 1) if indent != parent]:
        trial = _Builder(lines)
        if _block(trial, lines, line, col, literal, indent) and "".join(trial.parts) == node.value:
            return trial
    return None


def _block(builder: _Builder, lines: list[str], line: int, col: int, literal: bool, parent_indent: int) -> bool:
    """A literal (``|``) or folded (``>``) block scalar whose header continues at (line, col), just after the
    indicator. Replays libyaml's ``scan_block_scalar``: content lines start at the block's indentation; in a
    folded scalar a single break between two lines that do not start with a blank becomes a space; the final
    break and trailing empty lines are clipped, stripped (``-``) or kept (``+``)."""
    text = lines[line]
    size = len(text)
    chomping = 0
    increment = 0
    for _ in range(2):  # the chomping and indentation indicators, in either order
        if col < size and text[col] in "+-" and chomping == 0:
            chomping = 1 if text[col] == "+" else -1
        elif col < size and text[col] in "123456789" and increment == 0:
            increment = int(text[col])
        else:
            break
        col += 1
    while col < size and text[col] in _BLANKS:
        col += 1
    if col < size and text[col] != "#":
        return False
    last = len(lines) - 1
    if line == last:
        return True  # the header ends the text: an empty value
    indent = (parent_indent + increment if parent_indent >= 0 else increment) if increment else 0
    trailing: list[int] = []
    reached = _block_breaks(lines, line + 1, indent, trailing, parent_indent)
    if reached is None:
        return False
    line, col, indent = reached
    leading: int | None = None  # the content line whose break is pending
    leading_blank = False
    while col == indent and not (line == last and col == len(lines[line])):
        text = lines[line]
        trailing_blank = col < len(text) and text[col] in _BLANKS
        if not literal and leading is not None and not leading_blank and not trailing_blank:
            # Folding: the break between two ordinary lines is a space, or gone when empty lines follow it.
            if not trailing:
                builder.synthetic(" ", (leading, len(lines[leading])), (leading + 1, 0))
        elif leading is not None:
            builder.line_break(leading)
        for empty in trailing:
            builder.line_break(empty)
        trailing = []
        leading_blank = trailing_blank
        builder.literal(line, col, text[col:])
        if line == last:  # the text ends without a break after this line
            leading = None
            break
        leading = line
        reached = _block_breaks(lines, line + 1, indent, trailing, parent_indent)
        if reached is None:
            return False
        line, col, indent = reached
    if chomping != -1 and leading is not None:
        builder.line_break(leading)
    if chomping == 1:
        for empty in trailing:
            builder.line_break(empty)
    return True


def _block_breaks(
    lines: list[str], line: int, indent: int, trailing: list[int], parent_indent: int
) -> tuple[int, int, int] | None:
    """libyaml's ``scan_block_scalar_breaks``: skip empty lines (recorded in ``trailing``) and the
    indentation of the next content line. Without a known indentation, detect it from the first content
    line (and the empty lines before it). Returns the position reached and the indentation, or None where
    libyaml stops at a tab in the indentation."""
    last = len(lines) - 1
    widest = 0
    while True:
        text = lines[line]
        spaces = len(text) - len(text.lstrip(" "))
        col = spaces if indent == 0 else min(spaces, indent)
        widest = max(widest, col)
        if (indent == 0 or col < indent) and col < len(text) and text[col] == "\t":
            return None
        if col < len(text) or line == last:
            break
        trailing.append(line)
        line += 1
    if indent == 0:
        indent = max(widest, parent_indent + 1, 1)
    return line, col, indent


class Locator:
    """Turns offsets into scalars' values (of one document's ``lines``) into document positions and
    edits, mapping each scalar once."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._maps: dict[int, ScalarMap | None] = {}

    def _map(self, node: YScalar) -> ScalarMap | None:
        key = id(node)
        if key not in self._maps:
            self._maps[key] = _cached_map(node, self.lines)
        return self._maps[key]

    def span(self, node: YScalar, start: int, end: int) -> tuple[Pos, Pos]:
        """The document range of ``node.value[start:end]`` (the whole scalar if it cannot be mapped)."""
        mapped = self._map(node)
        return mapped.span(start, end) if mapped is not None else (node.start, node.end)

    def editable(self, node: YScalar, start: int, end: int) -> tuple[Pos, Pos] | None:
        """The range of ``node.value[start:end]`` when the source holds exactly those characters there,
        so that replacing them is a minimal edit; None otherwise (an escape, a folded line)."""
        mapped = self._map(node)
        if mapped is None or not mapped.verbatim(start, end):
            return None
        return mapped.span(start, end)

    def replacement(self, node: YScalar, start: int, end: int, text: str) -> TextEdit | None:
        """The edit that makes ``node.value[start:end]`` read ``text``, written for the scalar's quoting
        style; None when the range cannot be edited in place (see :meth:`editable`)."""
        place = self.editable(node, start, end)
        return None if place is None else TextEdit(place[0], place[1], escape_for(node.style, text))


#: Scalar maps by everything a map depends on (see ``_cached_map``); cleared when it grows past a
#: bound (entries, or characters of their keys) rather than tracking recency, as the maps of one open
#: workspace are few. Analyses in two threads share it (``lsp/worker.py``): an entry is read once
#: (``get``), so a clear by the other thread between a test and a read cannot fail the lookup.
_MAPS: dict[tuple[object, ...], ScalarMap | None] = {}
_MAPS_BOUND = 1024
_MAPS_CHARS_BOUND = 4_000_000
_maps_chars = 0
_MISSING = object()


def _cached_map(node: YScalar, lines: list[str]) -> ScalarMap | None:
    """``scalar_map``, remembered across analyses: after an edit elsewhere, a query with a finding is
    the same scalar at the same place, and mapping it again would cost more than its cached facts.
    The key holds the scalar's style, value and place, its parent's place (block indentation counts
    from it) and the source lines it spans, with two more (trailing breaks are read from them)."""
    global _maps_chars
    first, last = node.start[0], node.end[0] + 3 + len(node.value) - len(node.value.rstrip("\n"))
    parent = node.parent.start if node.parent is not None else None
    source = tuple(lines[first:last])
    key = (node.style, node.start, node.end, parent, node.value, source)
    found = _MAPS.get(key, _MISSING)
    if found is not _MISSING:
        return found  # type: ignore[return-value]
    found = scalar_map(node, lines)
    chars = len(node.value) + sum(map(len, source))
    if len(_MAPS) >= _MAPS_BOUND or _maps_chars + chars > _MAPS_CHARS_BOUND:
        _MAPS.clear()
        _maps_chars = 0
    _MAPS[key] = found
    _maps_chars += chars
    return found
