"""Go to definition and find references for views (inputs, steps) and dag jobs (``names``)."""

from __future__ import annotations

from lsprotocol import types

from ..names import Name, name_at, names, related
from .convert import Converter
from .server import FlareServer, guarded


def register(server: FlareServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(None)
    def definition(ls: FlareServer, params: types.DefinitionParams) -> list[types.Location] | None:
        found = _name_under_cursor(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        convert, every, here = found
        defs, _ = related(every, here)
        return _locations(params.text_document.uri, convert, defs) or None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(None)
    def references(ls: FlareServer, params: types.ReferenceParams) -> list[types.Location] | None:
        found = _name_under_cursor(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        convert, every, here = found
        defs, uses = related(every, here)
        return _locations(
            params.text_document.uri, convert, (defs if params.context.include_declaration else []) + uses
        )


def _name_under_cursor(
    ls: FlareServer, uri: str, position: types.Position
) -> tuple[Converter, list[Name], Name] | None:
    found = ls.at(uri, position)
    if found is None:
        return None
    text, convert, pos = found
    every = names(text, ls.parsed(uri, text))
    here = name_at(every, pos)
    return None if here is None else (convert, every, here)


def _locations(uri: str, convert: Converter, chosen: list[Name]) -> list[types.Location]:
    return [types.Location(uri=uri, range=convert.range_to_client(n.node.start, n.node.end)) for n in chosen]
