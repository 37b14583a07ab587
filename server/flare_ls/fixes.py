"""Fixes as minimal text edits: each touches only the characters it repairs.

Edits are computed from node positions and the document's own lines, so a fix keeps the author's
quoting, indentation and line endings.
"""

from __future__ import annotations

import re

from .findings import Fix, TextEdit
from .parsing.yamltree import LINE_BREAK, Pos, YMap, YNode, YScalar


def replace_scalar(node: YScalar, value: str, message: str, *, safe: bool) -> Fix:
    """Replace a scalar's text, keeping its quotes (``'Continous'`` -> ``'Continuous'``); a plain one
    gets quotes when ``value`` needs them (:func:`yaml_scalar`), and an empty one (``isStream:``) the
    space that separates a value from its key."""
    if node.style in ("'", '"'):
        quote = node.style
        text = f"{quote}{escape_for(quote, value)}{quote}"
    else:
        text = yaml_scalar(value)
        if node.start == node.end:
            text = " " + text
    return Fix(message, (TextEdit(node.start, node.end, text),), safe)


def yaml_scalar(value: str) -> str:
    """``value`` written as a YAML scalar that reads back as the same text: plain when it can be,
    double-quoted otherwise (a `` #`` that would start a comment, a `: `, a leading indicator, a
    line break). Whether a plain ``true`` or ``10`` is then read as a string is the caller's intent."""
    if value and value == value.strip() and "\n" not in value and "\r" not in value:
        from .parsing.yamltree import parse, release  # the real parser is the judge; cheap for one line

        parsed = parse(f"k: {value}\n")
        root = parsed.documents[0].root if not parsed.errors and parsed.documents else None
        node = root.get("k") if isinstance(root, YMap) and list(root.entries) == ["k"] else None
        plain = isinstance(node, YScalar) and node.style is None and node.tag is None and node.value == value
        release(parsed)  # freed now, not by the cyclic collector (the language server does this per keystroke)
        if plain:
            return value
    escaped = escape_for('"', value).replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'


def sql_identifier(name: str) -> str:
    """A view name as Spark SQL reads it: bare when it is a plain identifier, else in backquotes
    (``city-connect`` -> `` `city-connect` ``), a backquote inside doubled."""
    if SQL_PLAIN_IDENTIFIER.fullmatch(name):
        return name
    return "`" + name.replace("`", "``") + "`"


SQL_PLAIN_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def escape_for(style: str | None, text: str) -> str:
    """``text`` written so that the scalar's own style loads it back unchanged."""
    if style == "'":
        return text.replace("'", "''")
    if style == '"':
        return text.replace("\\", "\\\\").replace('"', '\\"')
    return text


def unquote(node: YScalar, message: str) -> Fix | None:
    """``"true"`` -> ``true``: the same text, read as the type it was meant to be."""
    if node.style not in ("'", '"') or node.start[0] != node.end[0]:
        return None
    return Fix(message, (TextEdit(node.start, node.end, node.value),), True)


def rename_key(key: YScalar, new: str, message: str, *, safe: bool) -> Fix:
    return replace_scalar(key, new, message, safe=safe)


def _eol(lines: list[str]) -> str:
    return "\r\n" if lines and lines[0].endswith("\r") else "\n"


def delete_entry(lines: list[str], value: YNode, message: str, *, safe: bool) -> Fix | None:
    """Delete the lines of a ``key: value`` entry when it has those lines to itself (block style)."""
    key = value.key_node
    if key is None or not isinstance(value.parent, YMap) or value.parent.flow:
        return None
    first, last = key.start[0], max(value.end[0], key.end[0])
    if lines[first][: key.start[1]].strip():
        return None  # something precedes the key on its line (``- key: v`` list item): leave it alone
    rest = lines[last][value.end[1] :].strip()
    if rest and not rest.startswith("#"):
        return None
    if last + 1 < len(lines):
        edit = TextEdit((first, 0), (last + 1, 0), "")
    elif first > 0:  # last line of the file without a newline: take the preceding line break instead
        edit = TextEdit((first - 1, len(lines[first - 1].rstrip("\r"))), (last, len(lines[last])), "")
    else:
        edit = TextEdit((first, 0), (last, len(lines[last])), "")
    return Fix(message, (edit,), safe)


def child_indent(lines: list[str], mapping: YMap) -> int | None:
    """The column at which ``mapping``'s keys start (None for an empty or flow mapping)."""
    if mapping.flow or not mapping.entries:
        return None
    return min(key.start[1] for key, _ in mapping.entries.values())


def indent_step(lines: list[str], mapping: YMap) -> int:
    """How far this document indents a nested block, measured at ``mapping`` (2 when unknown)."""
    key = mapping.key_node
    inner = child_indent(lines, mapping)
    if key is not None and inner is not None and inner > key.start[1]:
        return inner - key.start[1]
    return 2


def append_entries(lines: list[str], mapping: YMap, text_lines: list[str], message: str) -> Fix | None:
    """Add lines as the last entries of a block mapping, at its children's indentation.

    ``text_lines`` are relative to the mapping's indentation (nested lines carry their own extra
    leading spaces).
    """
    indent = child_indent(lines, mapping)
    if indent is None:
        return None
    last = mapping.end[0]
    eol = _eol(lines)
    body = "".join(" " * indent + line + eol for line in text_lines)
    if last + 1 < len(lines):
        return Fix(message, (TextEdit((last + 1, 0), (last + 1, 0), body),), False)
    end_col = len(lines[last].rstrip("\r"))
    return Fix(message, (TextEdit((last, end_col), (last, end_col), eol + body.rstrip("\r\n")),), False)


def apply_edits(text: str, edits: tuple[TextEdit, ...] | list[TextEdit]) -> str:
    """``text`` with the edits applied (they must not overlap); positions are as in findings."""
    starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]

    def offset_of(pos: Pos) -> int:
        line, col = pos
        if line >= len(starts):
            return len(text)
        return min(starts[line] + col, len(text))

    result = text
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        start, end = offset_of(edit.start), offset_of(edit.end)
        result = result[:start] + edit.text + result[end:]
    return result


def indent_under(lines: list[str], section_key: YScalar, strays: list[YScalar], message: str) -> Fix | None:
    """Indent the entries of ``strays`` one step, under the empty ``section_key:`` just above them
    (``spec:`` with ``stack``, ``compute`` and ``stackSpec`` dedented beside it).

    Only when the result is certain: a block mapping, the section written with no value at all (not
    ``spec: ~``), and the strays the very entries after it, at its column. Each line of theirs gains
    the same spaces, so block scalars and comments keep their relative indentation; blank lines are
    left alone.
    """
    mapping = section_key.parent
    if not isinstance(mapping, YMap) or mapping.flow:
        return None
    value = mapping.entries[section_key.value][1]
    if not isinstance(value, YScalar) or value.value or value.style is not None or value.tag is not None:
        return None
    keys = sorted((key for key, _ in mapping.entries.values()), key=lambda key: key.start)
    at = keys.index(section_key) + 1
    column = section_key.start[1]
    moved = sorted(strays, key=lambda key: key.start)
    if keys[at : at + len(moved)] != moved or any(key.start[1] != column for key in moved):
        return None
    first = moved[0].start[0]
    if first <= section_key.start[0]:
        return None
    # Only blank lines and comments between the section and its strays (a key written twice leaves
    # its first occurrence there, out of the entries: indenting the last alone would not do).
    if any(lines[n].strip() and not lines[n].lstrip().startswith("#") for n in range(section_key.start[0] + 1, first)):
        return None
    after = keys[at + len(moved)] if at + len(moved) < len(keys) else None
    bound = after.start[0] if after is not None else len(lines)
    last = moved[-1].start[0]  # the strays are consecutive entries: only the last one's extent is unknown
    for number in range(last + 1, bound):
        text = lines[number]
        content = text.lstrip(" ")
        depth = len(text) - len(content)
        if not content.strip() or (content.startswith("#") and depth <= column):
            continue  # blank, or a comment at the strays' level or left of it: neither ends nor extends them
        if content.startswith("\t"):
            return None  # indented with tabs: where the block ends, and by how much to indent it, is unknowable
        if depth < column or (depth == column and not content.startswith("-")):
            break  # the enclosing block goes on (a list at the strays' column is a value of theirs)
        last = number
    step = next((indent_step(lines, v) for key in moved if isinstance(v := key_value(key), YMap)), 2)
    pad = " " * step
    edits = tuple(TextEdit((n, 0), (n, 0), pad) for n in range(first, last + 1) if lines[n].strip())
    return Fix(message, edits, True)


def key_value(key: YScalar) -> YNode | None:
    """The value a key node introduces."""
    parent = key.parent
    if isinstance(parent, YMap):
        entry = parent.entries.get(key.value)
        if entry is not None and entry[0] is key:
            return entry[1]
    return None
