"""Moving a misplaced key to the section it belongs in (FL105): ``showPreviewLines`` out of
``streaming`` into ``job``, ``sparkConf`` out of ``job`` into ``stackSpec``, ``partitionSpec`` out of
``options`` into ``options.iceberg``.

The entry (with its comment lines and its whole subtree) is cut from its mapping and appended to the
target section, re-indented to the section's indentation; a target that does not exist yet is created
at the end of the nearest mapping that does. The edits replace only the lines that change.
"""

from __future__ import annotations

from ..findings import Fix
from ..fixes import child_indent, indent_step, key_value
from ..parsing.yamltree import YMap, YScalar, YSeq
from .lines import block_end, entry_lines, line_edits, shifted


def move_key(
    lines: list[str],
    eol: str,
    key: YScalar,
    schema_path: tuple[str, ...],
    place_path: tuple[str, ...],
    message: str,
) -> Fix | None:
    """Move ``key`` (of the mapping at ``schema_path``, list levels written ``[]``) to the mapping at
    ``place_path``. The target is reached from their nearest shared mapping, so it is the section of
    this very job, input or output; a target below a list (which item?) is not guessed at. None when
    the move is not certain: the entry shares its lines, the target holds the key already or is
    written empty or as a flow mapping, or the lines cannot be re-indented."""
    value = key_value(key)
    parent = key.parent
    if value is None or not isinstance(parent, YMap) or len(parent.path) != len(schema_path):
        return None
    span = entry_lines(lines, key, value)
    if span is None:
        return None
    shared = 0
    while shared < min(len(schema_path), len(place_path)) and schema_path[shared] == place_path[shared]:
        shared += 1
    holder: YMap | YSeq | None = parent
    for _ in range(len(schema_path) - shared):
        holder = holder.parent if holder is not None else None
    if not isinstance(holder, YMap):
        return None
    missing = list(place_path[shared:])
    if "[]" in missing:
        return None
    while missing and missing[0] in holder.entries:
        section = holder.get(missing[0])
        if not isinstance(section, YMap) or section.flow or not section.entries:
            return None
        holder = section
        missing.pop(0)
    if (not missing and key.value in holder.entries) or holder.flow:
        return None
    column = child_indent(lines, holder)
    if column is None:
        return None
    step = indent_step(lines, holder if holder.key_node is not None else parent)
    first, last = span
    moved = shifted(lines[first : last + 1], column + step * len(missing) - key.start[1])
    if moved is None:
        return None
    headers = [" " * (column + step * depth) + f"{name}:" for depth, name in enumerate(missing)]
    # After the target's last line: after its last entry's lines, comments indented under it included.
    last_key, last_value = max(holder.entries.values(), key=lambda entry: entry[0].start)
    end = entry_lines(lines, last_key, last_value)
    after = (end[1] if end is not None else block_end(holder)) + 1
    if first <= after - 1 <= last:
        after = first  # the entry is the target's last: it goes where it was cut from
    new_lines = lines[:after] + headers + moved + lines[after:]
    cut = slice(first + (len(headers) + len(moved) if after <= first else 0), None)
    start = cut.start
    assert start is not None
    new_lines = new_lines[:start] + new_lines[start + last + 1 - first :]
    return Fix(message, line_edits(lines, new_lines, eol), False, structural=True)
