"""Definition, references, document highlight and rename for views (inputs, steps, and their uses in
SQL) and dag jobs (``names``)."""

from __future__ import annotations

from dataclasses import dataclass

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ..findings import TextEdit
from ..fixes import escape_for, replace_scalar
from ..names import Name, name_at, names, related, rename_problem
from .convert import Converter
from .links import target_at
from .server import FlareServer, guarded, tree_of


def register(server: FlareServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    @guarded(None)
    async def definition(ls: FlareServer, params: types.DefinitionParams) -> list[types.Location] | None:
        found = await _under_cursor(ls, params.text_document.uri, params.position)
        if found is not None:
            return _locations(params.text_document.uri, found.convert, found.defs) or None
        return await _referenced_file(ls, params.text_document.uri, params.position)

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    @guarded(None)
    async def references(ls: FlareServer, params: types.ReferenceParams) -> list[types.Location] | None:
        found = await _under_cursor(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        chosen = (found.defs if params.context.include_declaration else []) + found.uses
        return _locations(params.text_document.uri, found.convert, chosen)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    @guarded(None)
    async def document_highlight(
        ls: FlareServer, params: types.DocumentHighlightParams
    ) -> list[types.DocumentHighlight] | None:
        found = await _under_cursor(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        write, read = types.DocumentHighlightKind.Write, types.DocumentHighlightKind.Read
        return [
            types.DocumentHighlight(
                range=found.convert.range_to_client(n.start, n.end), kind=write if n.defines else read
            )
            for n in found.defs + found.uses
        ]

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    @guarded(None)
    async def prepare_rename(
        ls: FlareServer, params: types.PrepareRenameParams
    ) -> types.PrepareRenamePlaceholder | None:
        found = await _under_cursor(ls, params.text_document.uri, params.position)
        if found is None:
            return None
        here = found.here
        return types.PrepareRenamePlaceholder(
            range=found.convert.range_to_client(here.start, here.end), placeholder=here.text
        )

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    @guarded(None)
    async def rename(ls: FlareServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        uri = params.text_document.uri
        found = await _under_cursor(ls, uri, params.position)
        if found is None:
            return None
        new = params.new_name.strip()
        problem = rename_problem(found.here, new)
        if problem is not None:
            raise JsonRpcInvalidParams(message=problem)
        every = found.defs + found.uses
        stuck = [n for n in every if not n.editable]
        if stuck:
            line = stuck[0].start[0] + 1
            raise JsonRpcInvalidParams(
                message=f"`{found.here.text}` on line {line} is written with an escape or across a folded line; "
                "rename it there by hand first"
            )
        edits = [_edit(found.convert, n, new) for n in every]
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
        edit = TextEdit(name.start, name.end, escape_for(name.node.style, new))
    else:  # the YAML scalar, in its own quotes
        (edit,) = replace_scalar(name.node, new, "", safe=True).edits
    return types.TextEdit(range=convert.range_to_client(edit.start, edit.end), new_text=edit.text)


@dataclass(frozen=True)
class _Found:
    """The name under the cursor, the names sharing its identity, and the document's positions."""

    convert: Converter
    here: Name
    defs: list[Name]
    uses: list[Name]


async def _under_cursor(ls: FlareServer, uri: str, position: types.Position) -> _Found | None:
    current = await ls.current(uri)
    found = ls.at(uri, position)
    if found is None or current is None:
        return None
    text, convert, pos = found
    analysis = current[1] if tree_of(*current) is not None else None
    every = ls.names_of(analysis) if analysis is not None else names(text, None, convert.lines)
    here = name_at(every, pos)
    if here is None:
        return None
    defs, uses = related(every, here)
    return _Found(convert, here, defs, uses)


async def _referenced_file(ls: FlareServer, uri: str, position: types.Position) -> list[types.Location] | None:
    """On a ``file:``, ``sqlFile`` or ``Ref://`` path: the start of the file it names."""
    current = ls.at(uri, position)
    if current is None:
        return None
    target = await target_at(ls, uri, current[2])
    if target is None:
        return None
    start = types.Position(line=0, character=0)
    return [types.Location(uri=target, range=types.Range(start=start, end=start))]


def _locations(uri: str, convert: Converter, chosen: list[Name]) -> list[types.Location]:
    return [types.Location(uri=uri, range=convert.range_to_client(n.start, n.end)) for n in chosen]
