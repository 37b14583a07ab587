"""Definition, references, document highlight and rename for views (inputs, steps, and their uses in
SQL) and dag jobs (``names``)."""

from __future__ import annotations

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ..fixes import escape_for
from ..names import Name, name_at, related, rename_problem
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

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    @guarded(None)
    def document_highlight(
        ls: FlareServer, params: types.DocumentHighlightParams
    ) -> list[types.DocumentHighlight] | None:
        found = _name_under_cursor(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        convert, every, here = found
        defs, uses = related(every, here)
        write, read = types.DocumentHighlightKind.Write, types.DocumentHighlightKind.Read
        return [
            types.DocumentHighlight(range=convert.range_to_client(n.start, n.end), kind=write if n.defines else read)
            for n in defs + uses
        ]

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded(None)
    def prepare_rename(ls: FlareServer, params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder | None:
        found = _name_under_cursor(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        convert, _, here = found
        return types.PrepareRenamePlaceholder(
            range=convert.range_to_client(here.start, here.end), placeholder=here.text
        )

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    @guarded(None)
    def rename(ls: FlareServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        uri = params.text_document.uri
        found = _name_under_cursor(ls, uri, params.position)
        if found is None:
            return None
        convert, every, here = found
        new = params.new_name.strip()
        problem = rename_problem(here, new)
        if problem is not None:
            raise JsonRpcInvalidParams(message=problem)
        defs, uses = related(every, here)
        stuck = [n for n in defs + uses if not n.editable]
        if stuck:
            line = stuck[0].start[0] + 1
            raise JsonRpcInvalidParams(
                message=f"`{here.text}` on line {line} is written with an escape or across a folded line; "
                "rename it there by hand first"
            )
        edits = [_edit(convert, n, new) for n in defs + uses]
        workspace = ls.client_capabilities.workspace
        edit_caps = workspace.workspace_edit if workspace is not None else None
        if edit_caps is None or not edit_caps.document_changes:
            return types.WorkspaceEdit(changes={uri: edits})
        # Versioned, so that a client applies the rename only to the text it was computed on.
        current = ls.text_of(uri)
        version = current[1] if current is not None else None
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=document, edits=edits)])


def _edit(convert: Converter, name: Name, new: str) -> types.TextEdit:
    if name.in_sql:
        # Only the identifier changes; backquotes around it (`name`) stay where they are.
        return types.TextEdit(
            range=convert.range_to_client(name.start, name.end), new_text=escape_for(name.node.style, new)
        )
    quote = name.node.style if name.node.style in ("'", '"') else ""
    return types.TextEdit(
        range=convert.range_to_client(name.node.start, name.node.end),
        new_text=f"{quote}{escape_for(quote or None, new)}{quote}",
    )


def _name_under_cursor(
    ls: FlareServer, uri: str, position: types.Position
) -> tuple[Converter, list[Name], Name] | None:
    found = ls.at(uri, position)
    if found is None:
        return None
    text, convert, pos = found
    every = ls.names(uri, text, convert.lines)
    here = name_at(every, pos)
    return None if here is None else (convert, every, here)


def _locations(uri: str, convert: Converter, chosen: list[Name]) -> list[types.Location]:
    return [types.Location(uri=uri, range=convert.range_to_client(n.start, n.end)) for n in chosen]
