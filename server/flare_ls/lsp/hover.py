"""Hover: the model's documentation for the key or value under the cursor (``assist.hover``), and what
the rule behind each finding there finds, with a link to its page (``rule_docs.explain``)."""

from __future__ import annotations

from lsprotocol import types

from ..assist import hover as hover_text
from ..names import describe, name_at, related
from ..parsing.yamltree import Pos
from ..rule_docs import explain
from .server import FlareServer, guarded


def register(server: FlareServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @guarded(None)
    def hover(ls: FlareServer, params: types.HoverParams) -> types.Hover | None:
        found = ls.at(params.text_document.uri, params.position)
        if found is None:
            return None
        text, convert, (line, column) = found
        parsed = ls.parsed(params.text_document.uri, text)
        every = ls.names(params.text_document.uri, text, convert.lines)
        here = name_at(every, (line, column))
        if here is not None and here.in_sql:
            defs, _ = related(every, here)
            if defs:
                return types.Hover(
                    contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=describe(defs[0])),
                    range=convert.range_to_client(here.start, here.end),
                )
        shown = hover_text(text, line, column, parsed)
        findings = ls.findings_if_analysed(params.text_document.uri, text)
        here_findings = [f for f in findings if _covers(f.start, f.end, (line, column))]
        rules = explain(here_findings)
        if shown is None and rules is None:
            return None
        if shown is None:
            first = here_findings[0]
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=rules or ""),
                range=convert.range_to_client(first.start, first.end),
            )
        markdown, start, end = shown
        return types.Hover(
            contents=types.MarkupContent(
                kind=types.MarkupKind.Markdown, value=markdown if rules is None else f"{markdown}\n\n---\n\n{rules}"
            ),
            range=convert.range_to_client((line, start), (line, end)),
        )


def _covers(start: Pos, end: Pos, at: Pos) -> bool:
    return start <= at <= end
