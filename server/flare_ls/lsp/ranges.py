"""Folding ranges and selection ranges (``ranges.folding_ranges``, ``ranges.selection_ranges``)."""

from __future__ import annotations

from lsprotocol import types

from ..parsing.yamltree import parse
from ..ranges import folding_ranges, selection_ranges
from .server import FlareServer, guarded, tree_of

KINDS = {"comment": types.FoldingRangeKind.Comment, "region": types.FoldingRangeKind.Region}


def register(server: FlareServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    @guarded([])
    async def folding_range(ls: FlareServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
        uri = params.text_document.uri
        current = await ls.current(uri)
        if current is None:
            return []
        text, analysis = current
        convert = ls.converter(uri, text)
        folds = folding_ranges(text, tree_of(text, analysis) or parse(text))
        # A client that folds whole lines only ignores columns; one that folds inside lines gets them.
        lines_only = _line_folding_only(ls)
        out = []
        for fold in folds:
            start = convert.to_client((fold.start_line, fold.start_column))
            end = convert.to_client((fold.end_line, fold.end_column))
            out.append(
                types.FoldingRange(
                    start_line=fold.start_line,
                    end_line=fold.end_line,
                    start_character=None if lines_only else start.character,
                    end_character=None if lines_only else end.character,
                    kind=KINDS[fold.kind],
                )
            )
        return out

    @server.feature(types.TEXT_DOCUMENT_SELECTION_RANGE)
    @guarded([])
    async def selection_range(ls: FlareServer, params: types.SelectionRangeParams) -> list[types.SelectionRange]:
        uri = params.text_document.uri
        current = await ls.current(uri)
        if current is None:
            return []
        text, analysis = current
        convert = ls.converter(uri, text)
        positions = [convert.from_client(p) for p in params.positions]
        out = []
        for chain, pos in zip(selection_ranges(text, positions, tree_of(text, analysis)), positions, strict=True):
            parent: types.SelectionRange | None = None
            for start, end in reversed(chain):  # outermost first: each range's parent is the one around it
                parent = types.SelectionRange(range=convert.range_to_client(start, end), parent=parent)
            out.append(parent or types.SelectionRange(range=convert.range_to_client(pos, pos)))
        return out


def _line_folding_only(ls: FlareServer) -> bool:
    caps = ls.client_capabilities.text_document
    folding = caps.folding_range if caps is not None else None
    return bool(folding is not None and folding.line_folding_only)
