"""Go to definition and find references for views (inputs, steps) and dag jobs (``names``)."""

from __future__ import annotations

from lsprotocol import types

from ..names import name_at, names, related
from .server import FlareServer, guarded


def register(server: FlareServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(None)
    def definition(ls: FlareServer, params: types.DefinitionParams) -> list[types.Location] | None:
        found = ls.at(params.text_document.uri, params.position)
        if found is None:
            return None
        text, convert, pos = found
        every = names(text)
        here = name_at(every, pos)
        if here is None:
            return None
        defs, _ = related(every, here)
        uri = params.text_document.uri
        return [types.Location(uri=uri, range=convert.range_to_client(d.node.start, d.node.end)) for d in defs] or None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(None)
    def references(ls: FlareServer, params: types.ReferenceParams) -> list[types.Location] | None:
        found = ls.at(params.text_document.uri, params.position)
        if found is None:
            return None
        text, convert, pos = found
        every = names(text)
        here = name_at(every, pos)
        if here is None:
            return None
        defs, uses = related(every, here)
        chosen = (defs if params.context.include_declaration else []) + uses
        uri = params.text_document.uri
        return [types.Location(uri=uri, range=convert.range_to_client(n.node.start, n.node.end)) for n in chosen]
