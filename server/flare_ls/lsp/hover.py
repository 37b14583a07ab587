"""Hover: the model's documentation for the key or value under the cursor (``assist.hover``)."""

from __future__ import annotations

from lsprotocol import types

from ..assist import hover as hover_text
from .server import FlareServer, guarded


def register(server: FlareServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(None)
    def hover(ls: FlareServer, params: types.HoverParams) -> types.Hover | None:
        current = ls.text_of(params.text_document.uri)
        if current is None:
            return None
        text, _ = current
        convert = ls.converter(text)
        line, column = convert.from_client(params.position)
        found = hover_text(text, line, column)
        if found is None:
            return None
        markdown, start, end = found
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
            range=convert.range_to_client((line, start), (line, end)),
        )
