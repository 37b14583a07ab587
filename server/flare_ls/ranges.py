"""Folding ranges and selection ranges from the positioned tree: pure, text in, ranges out.

Folding: every mapping, sequence and multi-line scalar folds from the line of its key (or of its
``- ``) to its last line, and a run of two or more comment lines folds as a comment. Selection: from
the word under the cursor outwards through its scalar, its ``key: value`` entry, the mapping or list
holding it and so on to the whole document, each range holding the one before (as LSP asks).
Positions are zero-based (line, code-point column), as everywhere in the core.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .parsing.yamltree import ParsedText, Pos, YNode, YScalar, child_at, parse, split_lines, walk
from .suppressions import comment_start, scalar_owners

_WORD = re.compile(r"[\w.$-]+")


@dataclass(frozen=True)
class Fold:
    """Lines ``start_line`` to ``end_line`` (both shown folded into the first), with the columns where
    the folded text starts and ends for a client that folds inside lines."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    kind: str  # "region" or "comment"


def folding_ranges(text: str, parsed: ParsedText | None = None) -> list[Fold]:
    """The folds of ``text``, one per first line (the widest), in line order."""
    lines = split_lines(text)
    if parsed is None:
        parsed = parse(text, lines)
    widest: dict[int, Fold] = {}
    for node in walk(*(document.root for document in parsed.documents)):
        if isinstance(node, YScalar) and (node.key_node is node or node.style is None and node.start[0] == node.end[0]):
            continue  # a key, or a one-line value
        head = _head(node)
        if node.end[0] <= head[0]:
            continue
        fold = Fold(head[0], len(lines[head[0]].rstrip()), node.end[0], node.end[1], "region")
        if fold.start_line not in widest or widest[fold.start_line].end_line < fold.end_line:
            widest[fold.start_line] = fold
    owners, _ = scalar_owners(document.root for document in parsed.documents)
    inside = {line for line, owner in owners.items() if line != owner}  # a ``#`` there is text, not a comment
    for fold in _comment_folds(lines, inside):
        widest.setdefault(fold.start_line, fold)
    return [widest[line] for line in sorted(widest)]


def _head(node: YNode) -> Pos:
    """Where a node's fold starts: at its key, else where it starts (the ``- `` item's first line)."""
    key = node.key_node
    return key.start if key is not None else node.start


def _comment_folds(lines: list[str], inside: set[int]) -> list[Fold]:
    folds = []
    first: int | None = None
    for number, line in enumerate([*lines, ""]):
        stripped = line.lstrip()
        is_comment = (
            stripped.startswith("#") and number not in inside and comment_start(line) == len(line) - len(stripped)
        )
        if is_comment and first is None:
            first = number
        elif not is_comment and first is not None:
            if number - 1 > first:
                folds.append(Fold(first, len(lines[first]), number - 1, len(lines[number - 1]), "comment"))
            first = None
    return folds


def selection_ranges(text: str, positions: list[Pos], parsed: ParsedText | None = None) -> list[list[tuple[Pos, Pos]]]:
    """For each position, the ranges around it from the innermost (the word) to the whole document,
    each strictly holding the one before."""
    lines = split_lines(text)
    if parsed is None:
        parsed = parse(text, lines)
    whole = ((0, 0), (len(lines) - 1, len(lines[-1])))
    return [_around(lines, parsed, min(pos, whole[1]), whole) for pos in positions]  # past the end: at it


def _around(lines: list[str], parsed: ParsedText, pos: Pos, whole: tuple[Pos, Pos]) -> list[tuple[Pos, Pos]]:
    chain: list[tuple[Pos, Pos]] = []
    line, column = pos
    if line < len(lines):
        for match in _WORD.finditer(lines[line]):
            if match.start() <= column <= match.end():
                chain.append(((line, match.start()), (line, match.end())))
                break
    for node in reversed(_path_to(parsed, pos)):
        chain.append((node.start, node.end))
        key = node.key_node
        if key is not None and key is not node:
            chain.append((key.start, node.end))  # the ``key: value`` entry
    chain.append(whole)
    out: list[tuple[Pos, Pos]] = []
    for start, end in chain:  # keep only ranges that hold the previous one, and grow
        if not out or (start <= out[-1][0] and out[-1][1] <= end and (start, end) != out[-1]):
            if start <= pos <= end:
                out.append((start, end))
    return out


def _path_to(parsed: ParsedText, pos: Pos) -> list[YNode]:
    """The nodes holding ``pos``, from the document's root to the innermost (a key when on one)."""
    for document in parsed.documents:
        node = document.root
        if node is None or not node.start <= pos <= node.end:
            continue
        path: list[YNode] = []
        while node is not None:  # a loop, not recursion: YAML nests deeper than Python's limit
            path.append(node)
            child = child_at(node, pos)
            node = child[0] if child is not None else None
        return path
    return []
