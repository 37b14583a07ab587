"""Replacing tabs in indentation by spaces (FL001 for a tab): the fix writes the indentation error
recovery read the text with (``parsing/recovery.py`` tries tab widths 2, 4, 8, 1 and 0 and keeps the
one that parses furthest), so the fixed text means what every other finding was judged on.

Only indentation changes. Inside a block scalar (``sql: |``) a line's indentation ends where the
block's content starts: a tab beyond it is the value's own character and stays.
"""

from __future__ import annotations

from ..findings import Fix, TextEdit
from ..parsing.recovery import Repairs
from ..parsing.yamltree import SyntaxProblem, YDocument, YScalar, indent_of, walk
from .lines import block_end


def replace_tabs(lines: list[str], problem: SyntaxProblem, repairs: Repairs, documents: list[YDocument]) -> Fix | None:
    """The edits that indent ``problem``'s tab run with spaces, at the width recovery chose. None when
    a tab straddles the start of a block scalar's content (where the indentation ends is unclear)."""
    run = [n for n in problem.reindented if n in repairs.indents]
    if not run:
        return None
    blocks = _block_content_indents(lines, repairs, documents, set(run))
    edits = []
    for number in run:
        text = lines[number]
        lead = text[: len(text) - len(text.lstrip(" \t"))]
        tabs = lead.count("\t")
        if not tabs:
            continue
        original, repaired = repairs.indents[number]
        width = (repaired - (original - tabs)) // tabs
        limit = blocks.get(number)
        spaces = ""
        for index, char in enumerate(lead):
            if limit is not None and len(spaces) >= limit:
                if len(spaces) > limit:
                    return None  # a tab straddles the start of the block's content
                spaces += lead[index:]  # tabs inside the block's content are the value's: kept
                break
            spaces += " " * width if char == "\t" else " "
        else:
            if limit is not None and len(spaces) > limit and lead.endswith("\t"):
                return None
        edits.append(TextEdit((number, 0), (number, len(lead)), spaces))
    if not edits:
        return None
    return Fix("Replace the tabs in the indentation with spaces", tuple(edits), False)


def _block_content_indents(
    lines: list[str], repairs: Repairs, documents: list[YDocument], run: set[int]
) -> dict[int, int]:
    """For each line of ``run`` inside a block scalar's content: where that content starts (in the
    columns of the re-indented text), measured on the block's first non-blank line."""
    found: dict[int, int] = {}
    for node in walk(*(document.root for document in documents)):
        if not isinstance(node, YScalar) or node.style not in ("|", ">"):
            continue
        content = range(node.start[0] + 1, block_end(node) + 1)
        inside = run.intersection(content)
        if not inside:
            continue
        first = next((n for n in content if lines[n].strip()), None)
        if first is None:
            continue
        column = repairs.indents[first][1] if first in repairs.indents else indent_of(lines[first])
        for number in inside:
            found[number] = column
    return found
